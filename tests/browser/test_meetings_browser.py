"""Two members in Chromium join a live plenary: one speaks, the other sees it, both vote.

The secretary schedules and runs the meeting through the pages (phone-sized windows for the
members); messages arrive live over the websocket, the vote opens live.
"""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from tests.browser.conftest import login

PHONE = {"width": 360, "height": 740}


def _confirm(page: Any) -> None:
    """结束表决 asks first (the verb table's `confirm`): in the dialog when the room's form
    is marked `data-confirm`, else on the server's confirm page."""
    page.locator(
        "dialog.confirm-dialog button.button-danger, .confirm-page button.button-danger"
    ).click()


def _no_horizontal_scroll(page: Any) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


def test_two_members_join_speak_and_vote(browser: Any, live_server: str) -> None:
    host_ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    a_ctx = browser.new_context(viewport=PHONE)
    b_ctx = browser.new_context(viewport=PHONE)
    host, alice, bob = host_ctx.new_page(), a_ctx.new_page(), b_ctx.new_page()
    errors: list[str] = []
    for page in (host, alice, bob):
        page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        login(host, live_server, "secretary")
        login(alice, live_server, "full_member")
        login(bob, live_server, "deputy")

        # The secretary schedules a plenary from the branch's meeting list and starts it.
        host.goto(live_server + "/meetings")
        host.get_by_role("link", name="十一月主题党日：重温入党誓词").first.click()
        host.get_by_role("link", name="本组织会议").click()
        expect(host.locator(".overdue")).to_be_visible()
        host.locator(".page-header").get_by_role("link", name="安排会议").click()
        host.select_option("select[name=type]", "branch_plenary")
        host.fill("input[name=title]", "浏览器测试党员大会")
        host.fill("input[name=scheduled_at]", "2099-01-01T09:00")
        host.fill("textarea[name=agenda]", "讨论\n表决")
        host.click("main form button[type=submit]")
        expect(host.locator("h1")).to_have_text("浏览器测试党员大会")
        room_url = host.url
        host.get_by_role("button", name="开始会议").click()
        expect(host.locator("#meeting-status")).to_have_text("进行中")

        # Both members join and check in (a plain form post, no JS needed).
        for page in (alice, bob):
            page.goto(room_url)
            page.get_by_role("button", name="签到", exact=True).click()
            expect(page.get_by_text("您已签到")).to_be_visible()
            expect(page.locator("#live-indicator")).to_be_visible()  # the socket is up
            assert _no_horizontal_scroll(page)

        # Alice speaks; Bob sees it arrive without reloading.
        alice.fill("#message-body", "我完全赞同，**支持**这项议程。")
        alice.get_by_role("button", name="发送").click()
        expect(alice.locator("#messages")).to_contain_text("我完全赞同")
        expect(bob.locator("#messages .message strong", has_text="支持")).to_be_visible()
        expect(alice.locator("#message-body")).to_have_value("")

        # The host puts a question and opens it; both members' pages show the ballot.
        host.reload()
        host.locator("details.new-vote summary").click()
        host.select_option("details.new-vote select[name=kind]", "motion")
        host.fill("details.new-vote input[name=title]", "通过本季度学习计划")
        host.locator("details.new-vote button[type=submit]").click()
        host.get_by_role("button", name="开始表决").click()
        for page in (alice, bob):
            ballot = page.locator("form.ballot")
            expect(ballot).to_be_visible()
            ballot.get_by_text("赞成").click()
            ballot.get_by_role("button", name="投票").click()
            expect(page.get_by_text("您已投票")).to_be_visible()
        expect(host.locator("[data-ballots]")).to_have_text("2")

        host.get_by_role("button", name="结束表决").click()
        _confirm(host)
        for page in (alice, bob):
            expect(page.locator(".result")).to_be_visible()
            expect(page.locator("[data-tally]")).to_contain_text("赞成 2")
        assert errors == []
    finally:
        for ctx in (host_ctx, a_ctx, b_ctx):
            ctx.close()


def test_hybrid_plenary_host_checks_in_17_of_33_and_member_scans_qr(
    browser: Any, live_server: str
) -> None:
    """The demo branch's plenary, all at 360 px: the host records 17 of the 33 voters as
    present in person (代签到), a member checks in by the QR code, the host records the
    show-of-hands count of an open vote and the motion passes with quorum (17 of 33)."""
    host_ctx = browser.new_context(viewport=PHONE)
    member_ctx = browser.new_context(viewport=PHONE)
    host, member = host_ctx.new_page(), member_ctx.new_page()
    errors: list[str] = []
    for page in (host, member):
        page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        login(host, live_server, "secretary")
        login(member, live_server, "organizer")
        host.goto(live_server + "/meetings")
        host.get_by_role("link", name="第四季度支部党员大会").first.click()
        host.get_by_role("button", name="开始会议").click()
        expect(host.locator("#meeting-status")).to_have_text("进行中")
        expect(host.locator('[data-count="expected_voters"]').first).to_have_text("33")
        assert _no_horizontal_scroll(host)

        # 17 members in the room without accounts: the host records each one (no JS needed).
        offline = host.locator('#roll tr[data-user-id=""]', has_text="有表决权").locator(
            "button", has_text="代签到"
        )
        for n in range(1, 18):
            offline.first.click()
            expect(host.locator('[data-count="present_voters"]').first).to_have_text(str(n))
        expect(host.locator("[data-quorum]")).to_have_text("已过半数，可以表决")
        expect(host.locator("#roll")).to_contain_text("由主持人代签到")
        assert _no_horizontal_scroll(host)

        # A member scans the host screen's QR code with a logged-in phone and confirms.
        expect(host.locator(".qr-box svg")).to_be_visible()
        scan_url = host.locator("[data-qr-link]").get_attribute("href")
        assert scan_url and "/checkin/qr?code=" in scan_url
        member.goto(scan_url)
        member.get_by_role("button", name="确认签到").click()
        expect(member.get_by_text("您已签到")).to_be_visible()
        assert _no_horizontal_scroll(member)
        host.reload()
        expect(host.locator('[data-count="present_voters"]').first).to_have_text("18")
        expect(host.locator("#roll")).to_contain_text("扫码签到")

        # An open vote: the 17 in the room raise their hands; the host records the count.
        host.locator("details.new-vote summary").click()
        host.select_option("details.new-vote select[name=kind]", "motion")
        host.fill("details.new-vote input[name=title]", "审议通过第四季度工作安排")
        host.locator("details.new-vote button[type=submit]").click()
        host.get_by_role("button", name="开始表决").click()
        count = host.locator("form.in-person-count")
        expect(count).to_be_visible()
        count.locator("input[name=yes]").fill("17")
        count.get_by_role("button", name="保存现场计数").click()
        expect(host.locator("[data-in-person]")).to_contain_text("赞成 17")
        host.get_by_role("button", name="结束表决").click()
        _confirm(host)
        result = host.locator(".result")
        expect(result).to_have_text("通过")
        expect(host.locator("[data-tally]")).to_contain_text("赞成 17")
        assert _no_horizontal_scroll(host)
        assert errors == []
    finally:
        for ctx in (host_ctx, member_ctx):
            ctx.close()
