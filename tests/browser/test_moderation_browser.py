"""Moderation on a phone: a moderator warns an account, a secretary reads the audit log."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import QUICK_POSTING, _free_port, demo_env, login, serve_demo

PHONE = {"width": 360, "height": 740}


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A demo of this module's own (shadows the session's shared server): these tests
    silence and warn demo accounts, which would refuse the other modules' posts."""
    port = _free_port()
    data = tmp_path_factory.mktemp("moderation-data")
    yield from serve_demo(demo_env(data, port, **QUICK_POSTING), port)


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
    dialog = page.locator("dialog.confirm-dialog")  # a sanction asks first
    expect(dialog).to_contain_text("告知当事人")
    dialog.get_by_role("button", name="执行处理").click()
    expect(page.locator(".flash")).to_contain_text("已警告")
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
        host.locator(".page-header").get_by_role("link", name="安排会议").click()
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
        host.locator("dialog.confirm-dialog button.button-danger").click()
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


def _flag_a_reply(page: Any, live_server: str, flagger: str, text: str, last: bool) -> None:
    """Flag a reply by someone else (the first or the last one flaggable in the first
    topic that has one) as spam, with `text`."""
    login(page, live_server, flagger)
    for topic in range(1, 40):
        page.goto(f"{live_server}/t/{topic}")
        links = page.locator("article.post a[href^='/moderation/flag?kind=post']")
        if links.count() > 1:
            href = str((links.last if last else links.first).get_attribute("href"))
            page.goto(live_server + href)
            page.locator("input[name=reason][value=spam]").check()
            page.fill("[name=text]", text)
            page.locator("main form button[type=submit]").click()
            page.wait_for_url(lambda url: "/moderation/flag" not in url)
            return
    raise AssertionError("no reply to flag in the demo")


def _silences(page: Any, live_server: str) -> int:
    page.goto(live_server + "/moderation/sanctions")
    return int(page.locator("li.sanction").filter(has_text="禁言").count())


@pytest.mark.parametrize(("width", "flagger"), [(360, "full_member"), (1280, "probationary")])
def test_moderator_silences_an_author_from_the_queue_in_one_step(
    browser: Any, live_server: str, width: int, flagger: str
) -> None:
    """The queue item shows the author, the place and the flag; one button silences the
    author for 3 days (the reason filled from the flag), and the item then says so."""
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    text = f"浏览器测试 {width}：反复发广告"
    try:
        _flag_a_reply(page, live_server, flagger, text, last=width > 360)
        context.clear_cookies()
        login(page, live_server, "moderator")
        before = _silences(page, live_server)
        page.goto(live_server + "/moderation/queue")
        assert _no_horizontal_scroll(page)
        item = page.locator("article.review-item").filter(has_text=text).first
        place = item.locator(".review-place a")
        expect(place).to_have_attribute("href", re.compile(r"^/t/\d+/\d+$"))
        expect(item.locator(".review-author")).to_contain_text("作者")
        expect(item.locator(".review-flags")).to_contain_text("垃圾广告")
        expect(item.locator("input[name=reason]")).to_have_value(re.compile("垃圾广告"))
        button = item.get_by_role("button", name="禁言 3 天")
        box = button.bounding_box()
        assert box is not None and box["height"] >= 44  # touch target
        button.click()  # the one step, confirmed in a dialog
        dialog = page.locator("dialog.confirm-dialog")
        expect(dialog).to_contain_text("3 天")
        dialog.locator("button.button-danger").click()
        page.wait_for_url(re.compile(r"/moderation/queue#item-\d+$"))
        item = page.locator("article.review-item").filter(has_text=text).first
        expect(item.locator(".review-author")).to_contain_text("禁言中")
        assert _silences(page, live_server) == before + 1
        assert errors == []
    finally:
        context.close()
