"""任务下达 in Chromium at 360 px, as the people who do it: the committee's secretary assigns
a task to every 党支部, two branch secretaries answer it from 我的待办, the committee returns
one answer with a reason and accepts the other, and the returned branch reads the reason. The
first branch attaches its photo to the answer, and the committee sees the file."""

from __future__ import annotations

import datetime as dt
from typing import Any

from playwright.sync_api import expect

from forum.clock import today
from tests.boards_helpers import png_bytes
from tests.browser.conftest import login

PHONE = {"width": 360, "height": 740}
TITLE = "报送主题党日活动开展情况（浏览器）"


def _flash(page: Any, text: str) -> None:
    expect(page.locator("[data-flash-region] .flash").last).to_contain_text(text)


def _answer_from_todo(
    page: Any, base: str, who: str, answer: str, photo: str | None = None
) -> None:
    login(page, base, who)
    page.goto(base + "/todo")
    page.locator(".todo-item a", has_text=TITLE).click()
    box = page.locator(".task-mine textarea[name=answer]")
    box.fill(answer)
    if photo:
        page.locator(".task-mine input[name=files]").set_input_files(
            files=[{"name": photo, "mimeType": "image/png", "buffer": png_bytes(size=6)}]
        )
    page.locator(".task-mine button[type=submit]").click()
    _flash(page, "已提交办理情况")
    expect(page.locator(".task-mine .badge")).to_have_text("已提交")
    page.context.clear_cookies()


def test_a_committee_task_answered_by_two_branches(browser: Any, live_server: str) -> None:
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    try:
        login(page, live_server, "committee_secretary")
        page.goto(live_server + "/tasks/new")
        page.fill("input[name=title]", TITLE)
        page.fill("textarea[name=body]", "请各支部于期限前报送**活动照片和小结**。")
        deadline = (today() + dt.timedelta(days=5)).isoformat()
        page.fill("input[name=deadline]", deadline)
        page.check("input[name=target][value=level]")
        page.select_option("select[name=level]", "branch")
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        page.click("form.task-form button[type=submit]")
        _flash(page, "任务已下达给")
        expect(page.locator("h1")).to_have_text(TITLE)
        expect(page.locator(".prose strong")).to_have_text("活动照片和小结")
        task_url = page.url.split("#")[0]
        page.context.clear_cookies()

        _answer_from_todo(
            page, live_server, "secretary", "第一支部：已开展，照片 12 张。", "活动照片.png"
        )
        _answer_from_todo(page, live_server, "sibling_secretary", "第二支部：已开展。")

        login(page, live_server, "committee_secretary")
        page.goto(task_url)
        second = page.locator("li.task-receiver", has_text="第二支部：已开展。")
        second.locator("input[name=reason]").fill("请补充活动照片")
        second.locator("button", has_text="退回").click()
        _flash(page, "已退回")
        first = page.locator("li.task-receiver", has_text="第一支部：已开展")
        photo = first.locator(".task-files a", has_text="活动照片.png")
        expect(photo).to_be_visible()
        href = photo.get_attribute("href")
        assert href and page.request.get(live_server + href).status == 200
        first.locator("button", has_text="验收通过").click()
        _flash(page, "已验收")
        expect(
            page.locator("li.task-receiver", has_text="第一支部：已开展").locator(".badge")
        ).to_have_text("已完成")
        expect(
            page.locator("li.task-receiver", has_text="请补充活动照片").locator(".badge")
        ).to_have_text("已退回")
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        page.screenshot(path="/tmp/tasks-committee-360.png", full_page=True)
        page.context.clear_cookies()

        login(page, live_server, "sibling_secretary")
        page.goto(task_url)
        expect(page.locator(".task-mine")).to_contain_text("退回原因：请补充活动照片")
        expect(page.locator(".task-mine button[type=submit]")).to_have_text("重新提交")
        page.screenshot(path="/tmp/tasks-branch-360.png", full_page=True)
    finally:
        context.close()
