"""What a person does first: log in on a phone, find their org, and an admin's pages."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from tests.browser.conftest import login

PHONE = {"width": 360, "height": 740}


def _no_horizontal_scroll(page: Any) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


def test_member_logs_in_on_a_phone_and_sees_profile(page: Any, live_server: str) -> None:
    page.set_viewport_size(PHONE)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    login(page, live_server, "full_member")
    page.goto(live_server + "/me")
    expect(page.locator("h1")).to_have_text("我的")
    expect(page.locator("main").get_by_text("正式党员").first).to_be_visible()
    expect(page.locator(".tab-bar")).to_be_visible()  # bottom tab bar on phones
    assert _no_horizontal_scroll(page)
    for path in ["/", "/orgs", "/login"]:
        page.goto(live_server + path)
        assert _no_horizontal_scroll(page), path
    assert errors == []


def test_wrong_password_shows_chinese_error(page: Any, live_server: str) -> None:
    page.goto(live_server + "/login")
    page.fill("input[name=username]", "secretary")
    page.fill("input[name=password]", "not-the-password")
    page.click("button[type=submit]")
    # The same form again: the message at the password field, the username kept.
    expect(page.locator("#password-error")).to_have_text("用户名或密码错误")
    expect(page.locator("#password")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#username")).to_have_value("secretary")


def test_secretary_manages_branch_and_creates_group(page: Any, live_server: str) -> None:
    page.set_viewport_size({"width": 1280, "height": 900})
    login(page, live_server, "secretary")
    page.goto(live_server + "/manage")
    page.locator("main a[href$='/admin']", has_text="第一党支部").click()
    expect(page.locator("h1")).to_contain_text("第一党支部")
    page.fill("form[action$='/children'] input[name=name]", "浏览器测试小组")
    page.click("form[action$='/children'] button[type=submit]")
    expect(page.locator("h1")).to_contain_text("浏览器测试小组")
    page.goto(live_server + "/orgs")
    expect(page.get_by_text("浏览器测试小组")).to_be_visible()
