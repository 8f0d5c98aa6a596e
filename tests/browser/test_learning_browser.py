"""在线学习 in Chromium at 360 px: a member finds the assigned course on the home page, reads
the article, watches part of the video, leaves, comes back to the same position, watches it
to the end, listens to the audio, passes the quiz, and the branch secretary's dashboard shows
the course done and the 学时 earned. Study time is counted by the server from the page's
heartbeats, in real time (no clock is moved)."""

from __future__ import annotations

import re
import time
from typing import Any

from playwright.sync_api import expect

from tests.browser.conftest import login

ANSWERS = {  # the demo question bank (forum/learning/demo.py): option indexes
    "党章是党的根本大法。": [0],
    "党员每年集中学习培训累计不少于多少学时？": [1],
    "以下哪些属于“三会一课”？": [0, 1, 2],
    "党支部书记每年学习培训不少于 56 学时。": [0],
}


def _play_until(page: Any, seconds: float) -> float:
    page.wait_for_function("() => window.grassrootsStudy !== undefined")  # the page's script ran
    page.evaluate(
        "() => { const p = document.getElementById('player'); p.muted = true; p.play(); }"
    )
    page.wait_for_function(
        f"() => document.getElementById('player').currentTime >= {seconds}", timeout=30_000
    )
    # With the periodic beat stopped, the only beats after the pause are its own two: the live
    # one that closes the interval played, then the idle one that gives the clock back. Wait
    # for the server's answer to the idle one, so the next visit's tab may take the clock.
    position = float(
        page.evaluate(
            "() => { window.grassrootsStudy.stop(); const p = document.getElementById('player');"
            " p.pause(); return p.currentTime; }"
        )
    )
    expect(page.locator("#study")).to_have_attribute("data-reason", "idle", timeout=30_000)
    return position


def _completed(page: Any) -> None:
    expect(page.locator("#study")).to_have_attribute("data-completed", "1", timeout=60_000)


def test_member_studies_the_assigned_course_and_the_secretary_sees_it(
    page: Any, live_server: str
) -> None:
    page.set_viewport_size({"width": 360, "height": 800})
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    login(page, live_server, "full_member")
    page.goto(live_server + "/")
    page.get_by_role("link", name="党章学习专题课").first.click()
    expect(page.get_by_role("heading", name="党章学习专题课")).to_be_visible()
    course_url = page.url
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 360

    # The article: read it (scrolling now and then) until the server counts half its time.
    page.get_by_role("link", name="学习党章，做合格党员").click()
    page.wait_for_function("() => window.grassrootsStudy !== undefined")  # the page's script ran
    deadline = time.monotonic() + 180  # ends when the server says so (in CI, under load)
    while page.locator("#study[data-completed='1']").count() == 0:
        assert time.monotonic() < deadline, "the article was never completed"
        page.mouse.wheel(0, 40)
        page.evaluate("() => window.grassrootsStudy.beat(false)")
        page.wait_for_timeout(3000)

    # The video: watch about 5 s, leave, come back at the same position, watch to the end.
    page.goto(course_url)
    page.get_by_role("link", name="示例视频：入党誓词").click()
    video_url = page.url
    expect(page.locator("#player")).to_be_visible()
    watched = _play_until(page, 5)
    page.goto(course_url)
    page.goto(video_url)
    resume = float(page.locator("#study").get_attribute("data-position") or 0)
    assert abs(resume - watched) < 1.5, (resume, watched)
    page.wait_for_function(
        f"() => Math.abs(document.getElementById('player').currentTime - {resume}) < 1",
        timeout=20_000,
    )
    page.evaluate(
        "() => { const p = document.getElementById('player'); p.muted = true; p.play(); }"
    )
    _completed(page)

    # The audio clip made in code (8 s).
    page.goto(course_url)
    page.get_by_role("link", name="党史故事音频：长征精神").click()
    page.evaluate(
        "() => { const p = document.getElementById('player'); p.muted = true; p.play(); }"
    )
    _completed(page)

    # The quiz: answered on the page, checked on the server.
    page.goto(course_url)
    expect(page.locator(".learn-lessons .done")).to_have_count(3)
    page.get_by_role("button", name="开始测验").click()
    for fieldset in page.locator("fieldset").all():
        legend = fieldset.locator("legend").inner_text()
        text = re.sub(r"^\d+\. \[[^\]]+\] ", "", legend)
        for index in ANSWERS[text]:
            fieldset.locator("input").nth(index).check()
    page.get_by_role("button", name="交卷").click()
    dialog = page.locator("dialog.confirm-dialog")
    expect(dialog).to_be_visible()
    dialog.get_by_role("button", name="交卷").click()
    expect(page.locator("[role=status] .flash-success")).to_contain_text("通过")
    expect(page.get_by_text("你已完成本课程，获得 2.5 学时")).to_be_visible()
    page.screenshot(path="/tmp/learning-course-360.png", full_page=True)

    # The branch secretary's dashboard.
    page.context.clear_cookies()
    login(page, live_server, "secretary")
    page.goto(live_server + "/learning/dashboard")
    table = page.locator("#hours-table")
    # The member's record name is the demo's generated one: the row that earned 2.5 of 32.
    expect(table.locator("tr", has_text="2.5 / 32")).to_have_count(1)
    done = page.locator("#assignments tr", has_text="党章学习专题课")
    expect(done).to_contain_text(re.compile(r"\b1 / \d+"))
    expect(page.locator("#quiz")).to_contain_text("党章学习专题课")
    page.screenshot(path="/tmp/learning-dashboard-360.png", full_page=True)
    assert errors == []
