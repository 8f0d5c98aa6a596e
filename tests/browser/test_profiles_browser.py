"""People pages in Chromium at 360 px (touch) and 1280 px (mouse): a profile shows a
sibling-branch secretary only what the directory's field rules allow, a bookmark is added
in place with its message and listed on 我的, and a name opens the user card (hover with a
mouse, tap on a phone) whose 查看主页 leads to the profile."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import login

SHOTS = Path(tempfile.gettempdir()) / "grassroots-profiles"  # looked at before a change is done
SIZES = {"phone": (360, 740), "desktop": (1280, 900)}


def _context(browser: Any, size: str) -> Any:
    width, height = SIZES[size]
    phone = size == "phone"
    return browser.new_context(
        viewport={"width": width, "height": height}, has_touch=phone, is_mobile=phone
    )


@pytest.mark.parametrize("size", list(SIZES))
def test_profile_bookmark_and_card(browser: Any, live_server: str, size: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    sibling_ctx, member_ctx = _context(browser, size), _context(browser, size)
    sibling, member = sibling_ctx.new_page(), member_ctx.new_page()
    errors: list[str] = []
    for p in (sibling, member):
        p.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        # The branch secretary's profile, seen from the sibling branch: the name, the join
        # date and the public replies; no org, status or role, no branch-internal topic.
        login(sibling, live_server, "sibling_secretary")
        sibling.goto(live_server + "/u/secretary")
        head = sibling.locator(".profile-head")
        expect(head.locator("h1")).to_have_text("第一党支部书记")
        expect(head.locator('[data-fact="joined"]')).to_be_visible()
        for fact in ("org", "group", "status", "roles"):
            expect(head.locator(f'[data-fact="{fact}"]')).to_have_count(0)
        expect(sibling.locator("main")).not_to_contain_text("第一党支部内部交流")
        expect(sibling.locator("main")).not_to_contain_text("本月主题党日安排")
        expect(sibling.locator('[data-section="posts"]')).to_contain_text("入党申请书应该交给谁")
        sibling.screenshot(path=str(SHOTS / f"profile-sibling-{size}.png"), full_page=True)
        # The same page from inside the branch: the card fields and the internal topic.
        login(member, live_server, "full_member")
        member.goto(live_server + "/u/secretary")
        expect(member.locator('.profile-head [data-fact="org"]')).to_contain_text("第一党支部")
        expect(member.locator('.profile-head [data-fact="roles"]')).to_contain_text("书记")
        expect(member.locator('[data-section="topics"]')).to_contain_text("本月主题党日安排")
        member.screenshot(path=str(SHOTS / f"profile-member-{size}.png"), full_page=True)

        # A bookmark, in place: the button changes and the message is announced.
        # Found by the one search: other modules on this server add topics to the board, so
        # the demo's topic may no longer be on the board's first page.
        member.goto(live_server + "/search?part=forum&q=几点体会")
        member.get_by_role("link", name="推进基层党建工作的几点体会").first.click()
        expect(member.locator("#p2")).to_be_visible()
        post = member.locator("#p2")
        button = post.get_by_role("button", name="收藏", exact=True)
        if button.count() == 0:  # the other size's run bookmarked it: take it away first
            post.get_by_role("button", name="取消收藏").click()
            expect(post.get_by_role("button", name="收藏", exact=True)).to_be_visible()
            button = post.get_by_role("button", name="收藏", exact=True)
        url_before = member.url
        button.click()
        expect(member.locator("[data-flash-region=polite] .flash-success").last).to_contain_text(
            "已收藏 #2"
        )
        expect(post.get_by_role("button", name="取消收藏")).to_have_attribute(
            "aria-pressed", "true"
        )
        assert member.url == url_before  # no page load
        box = post.get_by_role("button", name="取消收藏").bounding_box()
        assert box is not None and box["height"] >= 44
        member.screenshot(path=str(SHOTS / f"bookmark-{size}.png"))
        member.goto(live_server + "/me")
        section = member.locator(".profile-section", has_text="我的收藏")
        expect(section).to_contain_text("推进基层党建工作的几点体会")
        member.screenshot(path=str(SHOTS / f"me-bookmarks-{size}.png"), full_page=True)

        # The user card from a name on the topic page.
        member.go_back()
        member.goto(url_before)
        name = member.locator("#p2 a.post-author")
        expect(name).to_have_attribute("href", "/u/probationary")
        card = member.locator(".user-card")
        if size == "phone":
            name.tap()
        else:
            name.hover()
        expect(card).to_be_visible()
        expect(card).to_contain_text("预备党员")
        expect(card.locator('[data-fact="org"]')).to_contain_text("第一党支部")
        member.screenshot(path=str(SHOTS / f"user-card-{size}.png"))
        if size == "phone":
            assert "/u/" not in member.url  # the tap opened the card, not the page
        card.get_by_role("link", name="查看主页").click()
        member.wait_for_url("**/u/probationary")
        expect(member.locator(".profile-head h1")).to_have_text("预备党员")
        assert errors == []
    finally:
        sibling_ctx.close()
        member_ctx.close()
