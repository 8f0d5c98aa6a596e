"""我的待办 in Chromium, as a branch secretary on a phone (360 px) and at a desk (1280 px):
the header's 待办 shows the count the API gives once the page has loaded, the link opens the
list, and each item leads to where it is done."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from playwright.sync_api import expect

from tests.browser.conftest import login

SIZES = {"phone": {"width": 360, "height": 740}, "desk": {"width": 1280, "height": 900}}


@pytest.mark.parametrize("size", list(SIZES))
def test_secretary_opens_todo_from_the_header(browser: Any, live_server: str, size: str) -> None:
    context = browser.new_context(viewport=SIZES[size])
    page = context.new_page()
    try:
        login(page, live_server, "secretary")
        # What the API says for this session is what the badge must show.
        cookies = {c["name"]: c["value"] for c in context.cookies()}
        total = httpx.get(live_server + "/api/v1/todo/count", cookies=cookies).json()["total"]
        assert total > 0  # the demo secretary has conversions falling due
        page.goto(live_server + "/forum")
        nav = "nav.phone-nav" if size == "phone" else "nav.main-nav"
        link = page.locator(f'{nav} a[data-nav="todo"]')
        expect(link).to_be_visible()
        badge = link.locator("[data-todo-count]")
        expect(badge).to_have_text(str(total))
        expect(link).to_have_attribute("aria-label", f"待办，{total} 项")
        box = link.bounding_box()
        assert box is not None and box["x"] + box["width"] <= SIZES[size]["width"] + 0.5
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        link.click()
        page.wait_for_url(live_server + "/todo")
        expect(page.locator("h1")).to_contain_text("我的待办")
        groups = page.locator(".todo-group")
        expect(groups.first).to_be_visible()
        page.screenshot(path=f"/tmp/todo-{size}.png", full_page=False)
        first = page.locator(".todo-item a").first
        href = first.get_attribute("href")
        first.click()
        page.wait_for_url(live_server + str(href).split("#")[0] + "*")
        assert page.locator("h1").count() == 1
    finally:
        context.close()
