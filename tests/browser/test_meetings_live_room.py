"""The live room updates in place (issue 16): events re-render only the regions they change.

The secretary hosts and a member takes part, both at 360 px and at 1280 px. While the member
is typing in the composer the host opens a vote, removes a message (the discussion region is
re-rendered around the member's unsent text), the member raises a hand and gets the floor,
votes, and the host closes the vote. The member's page never reloads (a `window.__marker`
set after joining survives), the text and the focus stay in the composer, the host sees the
running tally, and the aria-live region announced the vote and the member's turn.
A second test closes the page's websocket and watches the banner say it is reconnecting,
then "已恢复", and the room keep updating over the new socket.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import login

SIZES = {"phone": {"width": 360, "height": 740}, "desktop": {"width": 1280, "height": 900}}


def _no_horizontal_scroll(page: Any) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


def _start_plenary(host: Any, base: str, title: str) -> str:
    """The secretary schedules a plenary with two agenda items and starts it; its room URL."""
    host.goto(base + "/meetings")
    host.get_by_role("link", name="十一月主题党日：重温入党誓词").first.click()
    host.get_by_role("link", name="本组织会议").click()
    host.locator(".page-header").get_by_role("link", name="安排会议").click()
    host.select_option("select[name=type]", "branch_plenary")
    host.fill("input[name=title]", title)
    host.fill("input[name=scheduled_at]", "2099-01-01T09:00")
    host.fill("textarea[name=agenda]", "讨论\n表决")
    host.click("main form button[type=submit]")
    expect(host.locator("h1")).to_have_text(title)
    room_url = str(host.url)
    host.get_by_role("button", name="开始会议").click()
    expect(host.locator("#meeting-status")).to_have_text("进行中")
    return room_url


def _join(page: Any, room_url: str) -> None:
    """Open the room, check in, wait for the socket, then mark the page: a reload loses it."""
    page.goto(room_url)
    page.get_by_role("button", name="签到", exact=True).click()
    expect(page.get_by_text("您已签到")).to_be_visible()
    expect(page.locator("#live-indicator")).to_be_visible()
    page.evaluate("window.__marker = 'same page'")


def _same_page(page: Any) -> bool:
    return bool(page.evaluate("window.__marker === 'same page'"))


@pytest.mark.parametrize("size", list(SIZES))
def test_room_updates_in_place_while_the_member_types(
    browser: Any, live_server: str, size: str, tmp_path: Path
) -> None:
    viewport = SIZES[size]
    host_ctx = browser.new_context(viewport=viewport)
    member_ctx = browser.new_context(viewport=viewport)
    host, member = host_ctx.new_page(), member_ctx.new_page()
    errors: list[str] = []
    for page in (host, member):
        page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        login(host, live_server, "secretary")
        login(member, live_server, "full_member")
        room_url = _start_plenary(host, live_server, f"就地更新测试党员大会（{size}）")
        _join(member, room_url)

        # The host prepares a question (a plain form post: the host's page reloads once).
        host.locator("details.new-vote summary").click()
        host.select_option("details.new-vote select[name=kind]", "motion")
        host.fill("details.new-vote input[name=title]", "通过就地更新学习计划")
        host.locator("details.new-vote button[type=submit]").click()
        expect(host.get_by_role("button", name="开始表决")).to_be_visible()
        expect(host.locator("#live-indicator")).to_be_visible()
        host.evaluate("window.__marker = 'same page'")

        # The member starts typing and stays in the composer.
        composer = member.locator("#message-body")
        composer.click()
        member.keyboard.type("我想补充一点")
        scroll_y = member.evaluate("window.scrollY")

        # The host speaks, then removes the message: the member's discussion region is
        # re-rendered around the focused composer with its unsent text.
        host.fill("#message-body", "主持人提示：请注意时间")
        host.get_by_role("button", name="发送").click()
        message = member.locator("#messages .message", has_text="主持人提示")
        expect(message).to_be_visible()
        number = message.get_attribute("data-number")
        host_message = host.locator(f"#m{number}")
        host_message.locator("input[name=reason]").fill("测试移除")
        host_message.get_by_role("button", name="移除").click()
        dialog = host.locator("dialog.confirm-dialog")  # a removal asks first
        expect(dialog).to_contain_text("确定移除")
        dialog.get_by_role("button", name="移除发言").click()  # a form post: host reloads
        expect(member.locator(f"#m{number}")).to_have_count(0)
        host.evaluate("window.__marker = 'same page'")
        assert member.evaluate("document.activeElement.id") == "message-body"
        member.keyboard.type("，继续输入")  # lands in the composer only if focus stayed
        expect(composer).to_have_value("我想补充一点，继续输入")

        # The host opens the vote: the member's ballot appears in place and is announced.
        expect(host.locator("#live-indicator")).to_be_visible()
        host.get_by_role("button", name="开始表决").click()
        live = member.locator("#room-live")
        expect(live).to_have_attribute("aria-live", "polite")
        expect(live).to_contain_text("表决开始：通过就地更新学习计划")
        ballot = member.locator("form.ballot")
        expect(ballot).to_be_visible()
        expect(composer).to_have_value("我想补充一点，继续输入")
        assert member.evaluate("document.activeElement.id") == "message-body"
        assert member.evaluate("window.scrollY") == scroll_y  # the votes are below: no jump

        # The member raises a hand from the keyboard; the host sees it at once and gives the
        # floor. The member's queue region is re-rendered and the focus stays on the button.
        member.get_by_role("button", name="举手发言").focus()
        member.keyboard.press("Enter")
        queue = host.locator("#queue-list li", has_text="正式党员")
        expect(queue.get_by_role("button", name="请其发言")).to_be_visible()
        expect(member.locator("#room-live")).to_contain_text("已举手")
        assert member.evaluate("document.activeElement.textContent") == "举手发言"
        queue.get_by_role("button", name="请其发言").click()
        expect(live).to_contain_text("轮到您发言")
        expect(member.locator("#queue .speaker")).to_be_visible()

        # The member votes; the host's open-ballot tally moves live.
        ballot.get_by_role("radio", name="赞成").focus()  # by keyboard: Space, then Enter
        member.keyboard.press("Space")
        ballot.get_by_role("button", name="投票").focus()
        member.keyboard.press("Enter")
        expect(member.get_by_text("您已投票")).to_be_visible()
        expect(host.locator("[data-ballots]")).to_have_text("1")
        expect(host.locator("[data-tally]")).to_contain_text("赞成 1")

        # The host closes it: the result reaches both pages and is announced to the member.
        host.get_by_role("button", name="结束表决").click()
        dialog = host.locator("dialog.confirm-dialog")  # irreversible: it asks first
        expect(dialog).to_contain_text("确定结束表决")
        dialog.get_by_role("button", name="结束表决").click()  # then over the socket
        expect(host.locator(".result")).to_be_visible()
        expect(member.locator(".result")).to_be_visible()
        expect(member.locator("form.ballot")).to_have_count(0)  # a closed vote takes no ballot
        expect(live).to_contain_text("表决结束：")
        expect(composer).to_have_value("我想补充一点，继续输入")

        assert _same_page(member), "the member's page reloaded"
        assert _same_page(host), "the host's page reloaded"
        for page in (host, member):
            assert _no_horizontal_scroll(page)
        host.screenshot(path=str(tmp_path / f"room-host-{size}.png"), full_page=True)
        member.screenshot(path=str(tmp_path / f"room-member-{size}.png"), full_page=True)
        member.locator("#votes").screenshot(path=str(tmp_path / f"votes-{size}.png"))
        member.locator("#discussion").screenshot(path=str(tmp_path / f"discussion-{size}.png"))
        assert errors == []
    finally:
        for ctx in (host_ctx, member_ctx):
            ctx.close()


@pytest.mark.parametrize("size", list(SIZES))
def test_connection_banner_while_the_socket_is_down_then_restored(
    browser: Any, live_server: str, size: str, tmp_path: Path
) -> None:
    viewport = SIZES[size]
    host_ctx = browser.new_context(viewport=viewport)
    member_ctx = browser.new_context(viewport=viewport)
    host, member = host_ctx.new_page(), member_ctx.new_page()
    errors: list[str] = []
    member.on("pageerror", lambda exc: errors.append(str(exc)))
    sockets: list[Any] = []

    def through(ws: Any) -> None:  # every socket goes to the real server; we keep a handle
        ws.connect_to_server()
        sockets.append(ws)

    member.route_web_socket("**/ws", through)
    try:
        login(host, live_server, "secretary")
        login(member, live_server, "full_member")
        room_url = _start_plenary(host, live_server, f"断线重连测试党员大会（{size}）")
        _join(member, room_url)
        banner = member.locator("#room-connection")
        expect(banner).to_be_hidden()
        # Record every text the banner shows (the reconnect itself takes well under a second).
        member.evaluate(
            """() => {
              const banner = document.getElementById('room-connection');
              window.__banner = [];
              new MutationObserver(() => {
                if (!banner.hidden) { window.__banner.push(banner.textContent.trim()); }
              }).observe(banner, {attributes: true, childList: true, subtree: true});
            }"""
        )

        count = len(sockets)
        sockets[-1].close(code=1012, reason="test: server restart")
        expect(member.locator("#room-live")).to_contain_text("连接已断开，正在重连…")
        member.wait_for_function("window.__banner.includes('连接已断开，正在重连…')")
        expect(banner).to_have_text("已恢复")  # a new socket, resubscribed from the last id
        assert len(sockets) > count
        expect(member.locator("#room-live")).to_contain_text("连接已恢复")
        member.screenshot(path=str(tmp_path / f"room-restored-{size}.png"))
        expect(banner).to_be_hidden(timeout=10000)

        # The room keeps updating over the new socket: the host moves the agenda on.
        host.get_by_role("button", name="下一项议程").click()
        expect(member.locator("#agenda li.current")).to_contain_text("表决")
        assert _same_page(member), "the member's page reloaded"
        assert errors == []
    finally:
        for ctx in (host_ctx, member_ctx):
            ctx.close()
