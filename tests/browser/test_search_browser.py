"""The one search in Chromium at 360 and 1280 px: a member types a 2-character term (党建) into
the labelled field and finds a post, a disclosure and minutes of the demo, each with its part
and the term highlighted in an escaped excerpt; the filters narrow the list."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import login

SHOTS = os.environ.get("SEARCH_SHOTS", "/tmp")
AXE = (Path(__file__).resolve().parents[1] / "data" / "axe" / "axe.min.js").read_text()
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def axe_violations(page: Any) -> list[str]:
    """axe-core (loaded by the context's init script, which the page's CSP allows)."""
    return list(
        page.evaluate(
            """async (tags) => {
              const r = await axe.run({include: [['main']]}, {runOnly: {type: 'tag', values: tags}});
              return r.violations.map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).join(', '));
            }""",
            WCAG,
        )
    )


@pytest.mark.parametrize("width", [360, 1280])
def test_member_finds_a_post_a_disclosure_and_minutes(
    page: Any, live_server: str, width: int
) -> None:
    page.set_viewport_size({"width": width, "height": 900})
    page.context.add_init_script(AXE)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    login(page, live_server, "full_member")
    page.goto(live_server + "/search")
    expect(page.get_by_role("heading", level=1)).to_have_text("搜索")
    page.get_by_label("关键词").fill("党建")
    page.get_by_role("button", name="查找").click()
    page.wait_for_url(lambda url: "q=" in url)
    expect(page.locator(".search-count")).to_contain_text("条结果")
    for part, label, title in (
        ("forum", "论坛", "推进基层党建工作的几点体会"),
        ("disclosures", "党务公开", "示范街道党委2026年党建工作要点"),
        ("minutes", "会议纪要", "第三季度支部党员大会会议记录"),
    ):
        row = page.locator(f".search-result[data-part={part}]", has_text=title).first
        expect(row).to_be_visible()
        expect(row.locator(".badge-part")).to_have_text(label)
        expect(row.locator("mark").first).to_have_text("党建")
        excerpt = row.locator(".search-excerpt").inner_text()
        assert "**" not in excerpt and "##" not in excerpt and "<" not in excerpt, excerpt
    # No raw markup anywhere in the list, and the page fits the phone.
    assert page.locator(".search-results script, .search-results img").count() == 0
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert axe_violations(page) == []  # WCAG 2.1 AA in the page (the layout: the design walk)
    page.screenshot(path=f"{SHOTS}/search-{width}.png", full_page=True)
    # Filter to minutes only: one part left, the count follows.
    if width < 860:
        page.locator("details.filters > summary").click()
    page.get_by_label("范围").select_option("minutes")
    page.get_by_role("button", name="查找").click()
    expect(page.locator(".search-result")).to_have_count(1)
    expect(page.locator(".search-result .badge-part")).to_have_text("会议纪要")
    expect(page.locator(".search-count")).to_have_text("找到 1 条结果")
    page.screenshot(path=f"{SHOTS}/search-minutes-{width}.png", full_page=False)
    assert errors == []
