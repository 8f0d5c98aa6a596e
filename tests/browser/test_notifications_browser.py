"""The bell in Chromium at 360 px and 1280 px: another person's action over HTTP while the
page is open reaches the header's bell live, without a reload (on a phone the tab bar's 我的
tab shows the count too)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from playwright.sync_api import expect

from tests.browser.conftest import login

BELL = ".account [data-notification-bell]"
ME_TAB = ".tab-bar [data-nav=me] [data-notification-count]"


def _mention(base: str, text: str) -> None:
    """The secretary mentions the member in a forum topic, through the JSON API."""
    with httpx.Client(base_url=base, timeout=15) as client:
        token = client.get("/api/v1/csrf").json()["csrf_token"]
        response = client.post(
            "/login",
            data={"csrf_token": token, "username": "secretary", "password": "demo-password-2026"},
        )
        assert response.status_code == 303
        token = client.get("/api/v1/csrf").json()["csrf_token"]
        headers = {"X-CSRF-Token": token}
        boards = client.get("/api/v1/boards").json()["items"]
        board = next(b for b in boards if b["name"] == "学习园地")
        # A topic of its own: the shared demo's other topics may be closed or hidden by then.
        topic = client.post(
            f"/api/v1/boards/{board['id']}/topics",
            json={"title": f"提醒：{text}", "body": "请大家看一下。"},
            headers=headers,
        )
        assert topic.status_code == 201, topic.text
        response = client.post(
            f"/api/v1/topics/{topic.json()['id']}/posts",
            json={"body": f"@full_member {text}"},
            headers=headers,
        )
        assert response.status_code == 201, response.text


@pytest.mark.parametrize(("width", "height"), [(360, 740), (1280, 800)])
def test_a_mention_reaches_the_bell_live(
    browser: Any, live_server: str, width: int, height: int
) -> None:
    bell = BELL
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    login(page, live_server, "full_member")
    page.goto(live_server + "/meetings")  # any page: the bell is global
    visible = page.locator(bell)
    expect(visible).to_be_visible()
    expect(visible).to_have_attribute("data-live", "open", timeout=10_000)
    before = int(visible.get_attribute("data-unread") or "0")
    _mention(live_server, f"请看一下（{width}）")
    expect(visible).to_have_attribute("data-unread", str(before + 1), timeout=10_000)
    badge = visible.locator("[data-notification-count]")
    expect(badge).to_be_visible()
    expect(badge).to_have_text(str(before + 1) if before + 1 <= 99 else "99+")
    expect(visible).to_have_attribute("aria-label", f"通知，{before + 1} 条未读")
    if width < 860:  # the phone's tab bar: the 我的 tab carries the same count
        expect(page.locator(ME_TAB)).to_have_text(badge.inner_text())
        expect(page.locator(ME_TAB)).to_be_visible()
    else:
        expect(page.locator(".tab-bar")).to_be_hidden()
    # The page was not reloaded, and its horizontal layout holds.
    assert page.evaluate("performance.getEntriesByType('navigation').length") == 1
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    # The inbox lists it; marking all read empties the bell.
    visible.click()
    page.wait_for_url(lambda url: url.endswith("/notifications"))
    row = page.locator(".notification.unread", has_text="第一党支部书记 提到了你").first
    expect(row).to_be_visible()
    page.get_by_role("button", name="全部标为已读").click()
    expect(page.locator(bell)).to_have_attribute("data-unread", "0")
    expect(page.locator(bell).locator("[data-notification-count]")).to_be_hidden()
    assert errors == []
    context.close()
