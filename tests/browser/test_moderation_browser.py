"""Moderation on a phone: a moderator warns an account, a secretary reads the audit log."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from tests.browser.conftest import login

PHONE = {"width": 360, "height": 740}


def _no_horizontal_scroll(page: Any) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


def test_moderator_warns_an_account_on_a_phone(page: Any, live_server: str) -> None:
    page.set_viewport_size(PHONE)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    login(page, live_server, "moderator")
    for path in ["/moderation", "/moderation/queue", "/moderation/sanctions"]:
        page.goto(live_server + path)
        assert _no_horizontal_scroll(page), path
    form = page.locator("form[action='/moderation/sanctions']")
    form.locator("input[name=username]").fill("applicant")
    form.locator("select[name=kind]").select_option("warn")
    form.locator("textarea[name=reason]").fill("浏览器测试：请注意用语")
    submit = form.locator("button[type=submit]")
    box = submit.bounding_box()
    assert box is not None and box["height"] >= 44  # touch target
    submit.click()
    expect(page.get_by_text("浏览器测试：请注意用语")).to_be_visible()
    assert errors == []


def test_secretary_filters_the_audit_log_on_a_phone(page: Any, live_server: str) -> None:
    page.set_viewport_size(PHONE)
    login(page, live_server, "secretary")
    page.goto(live_server + "/moderation/audit")
    expect(page.locator("h1")).to_have_text("操作日志")
    assert _no_horizontal_scroll(page)
    page.fill("input[name=q]", "不存在的关键词")
    page.locator("form.audit-filter button[type=submit]").click()
    expect(page.get_by_text("没有符合条件的记录")).to_be_visible()
    expect(page.locator("a[href^='/moderation/audit.csv']")).to_be_visible()


def test_silence_locks_the_open_meeting_room_and_the_lift_restores_it(
    browser: Any, live_server: str
) -> None:
    """The member's room page (phone, socket open) locks speaking the moment the secretary
    silences the account on another page, and offers it again after the lift, no reload."""
    host_ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    member_ctx = browser.new_context(viewport=PHONE)
    host, member = host_ctx.new_page(), member_ctx.new_page()
    errors: list[str] = []
    member.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        login(host, live_server, "secretary")
        login(member, live_server, "full_member")
        host.goto(live_server + "/meetings")
        host.get_by_role("link", name="十一月主题党日：重温入党誓词").first.click()
        host.get_by_role("link", name="本组织会议").click()
        host.get_by_role("link", name="安排会议").click()
        host.select_option("select[name=type]", "branch_plenary")
        host.fill("input[name=title]", "禁言测试党员大会")
        host.fill("input[name=scheduled_at]", "2099-01-01T09:00")
        host.fill("textarea[name=agenda]", "讨论")
        host.click("main form button[type=submit]")
        room_url = host.url
        host.get_by_role("button", name="开始会议").click()
        expect(host.locator("#meeting-status")).to_have_text("进行中")

        member.goto(room_url)
        member.get_by_role("button", name="签到").click()
        expect(member.locator("#live-indicator")).to_be_visible()  # the socket is up
        expect(member.locator("#message-body")).to_be_enabled()

        host.goto(live_server + "/moderation/sanctions")
        form = host.locator("form[action='/moderation/sanctions']")
        form.locator("input[name=username]").fill("full_member")
        form.locator("select[name=kind]").select_option("silence")
        form.locator("input[name=hours]").fill("2")
        form.locator("textarea[name=reason]").fill("浏览器测试：禁言")
        form.locator("button[type=submit]").click()
        # The open room locks at once (no reload) and says why.
        expect(member.locator("#message-body")).to_be_disabled()
        expect(member.locator("#room-notice")).to_contain_text("禁言")

        lift = host.locator("li.sanction", has_text="浏览器测试：禁言")
        lift.locator("input[name=reason]").fill("浏览器测试：解除")
        lift.get_by_role("button", name="提前解除").click()
        expect(member.locator("#message-body")).to_be_enabled()
        member.fill("#message-body", "解除后发言")
        member.get_by_role("button", name="发送").click()
        expect(member.locator("#messages")).to_contain_text("解除后发言")
        assert errors == []
    finally:
        for ctx in (host_ctx, member_ctx):
            ctx.close()
