"""The first walk through, at phone width (360 px): every demo role's nav links answer 200,
and the meeting roll shows 在线 only for people who are connected."""

from __future__ import annotations

import time
from typing import Any

import pytest
from playwright.sync_api import expect

from forum.demo import DEMO_ACCOUNTS
from tests.browser.conftest import login

PHONE = {"width": 360, "height": 740}
ROLES = ["anonymous", *(key for key, *_ in DEMO_ACCOUNTS)]


@pytest.mark.parametrize("role", ROLES)
def test_every_tab_bar_link_answers_200_at_360px(browser: Any, live_server: str, role: str) -> None:
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    try:
        if role != "anonymous":
            login(page, live_server, role)
        page.goto(live_server + "/")
        tabs = page.locator("nav.tab-bar a")
        expect(tabs.first).to_be_visible()
        expect(page.locator("nav.main-nav")).to_be_hidden()  # phones navigate by the tab bar
        assert 4 <= tabs.count() <= 6  # product.md: six tabs at most on a phone
        phone = page.locator("nav.tab-bar a, nav.phone-nav a")
        # A header link shown as its icon is named by its aria-label.
        links = [
            (a.get_attribute("href"), a.get_attribute("aria-label") or a.inner_text())
            for a in phone.all()
        ]
        for tab in phone.all():
            expect(tab).to_be_visible()
            box = tab.bounding_box()
            assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 360.5
        # Every tab label on one line (a wrapped 组织生活 is two lines of ~17 px): its text
        # nodes give one box in all; the unread count beside 我的 is a box of its own.
        heights = page.eval_on_selector_all(
            "nav.tab-bar a",
            "els => els.map(e => Array.from(e.childNodes)"
            ".filter(n => n.nodeType === Node.TEXT_NODE && n.textContent.trim())"
            ".reduce((lines, n) => { const r = document.createRange(); r.selectNodeContents(n);"
            " return lines + r.getClientRects().length; }, 0))",
        )
        assert all(h == 1 for h in heights), heights
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        for href, label in links:
            response = page.goto(live_server + str(href))
            assert response is not None and response.status == 200, (role, label, href)
            assert page.url.startswith(live_server + str(href)), (role, href, page.url)
        if role in {"moderator", "publisher", "publicity"}:
            assert ("/manage", "管理") in links
        if role in {"anonymous", "visitor", "full_member", "group_leader"}:
            assert all(href != "/manage" for href, _ in links)
    finally:
        context.close()


# The socket is up: under a full CI run (four lanes on two cores) a first connection may fail
# and the reconnect backoff (0.5 s doubling) takes it past the default 20 s wait.
LIVE = 60_000


def _visible_online(page: Any) -> int:
    return int(page.locator("#roll [data-online]:visible").count())


def test_meeting_roll_shows_online_only_for_connected_members(
    browser: Any, live_server: str
) -> None:
    host_ctx = browser.new_context(viewport=PHONE)
    member_ctx = browser.new_context(viewport=PHONE)
    host, member = host_ctx.new_page(), member_ctx.new_page()
    try:
        login(host, live_server, "secretary")
        login(member, live_server, "full_member")
        host.goto(live_server + "/meetings")
        host.get_by_role("link", name="十一月主题党日：重温入党誓词").first.click()
        room_url = host.url
        expect(host.locator("#live-indicator")).to_be_visible(timeout=LIVE)
        member.goto(room_url)
        expect(member.locator("#live-indicator")).to_be_visible(timeout=LIVE)
        # The server renders presence on load: reload until both connections are counted.
        deadline = time.monotonic() + 30
        while True:
            host.reload()
            expect(host.locator("#live-indicator")).to_be_visible(timeout=LIVE)
            if host.locator("#online-count").inner_text() == "2" or time.monotonic() > deadline:
                break
        expect(host.locator("#online-count")).to_have_text("2")
        rows = host.locator("#roll tr[data-user-id]")
        assert rows.count() > 2
        expect(host.locator("#roll [data-online]:visible")).to_have_count(2)
        # An absent member's badge is in the page but not shown: `hidden` beats `.badge`.
        absent = host.locator("#roll [data-online][hidden]").first
        expect(absent).to_be_attached()
        expect(absent).to_be_hidden()
        assert absent.evaluate("el => getComputedStyle(el).display") == "none"
        # Once the member leaves, the next presence answer hides their badge again.
        member_ctx.close()
        deadline = time.monotonic() + 90  # presence TTL is 45 s
        while _visible_online(host) != 1 and time.monotonic() < deadline:
            host.reload()
            expect(host.locator("#live-indicator")).to_be_visible(timeout=LIVE)
        expect(host.locator("#roll [data-online]:visible")).to_have_count(1)
    finally:
        host_ctx.close()
