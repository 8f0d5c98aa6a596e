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
