"""Every action answers, in a browser, for org administration: a success message, an error
at its field with the input kept, and a dialog before an irreversible step (360 and 1280 px)."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import login


@pytest.mark.parametrize("width", [360, 1280])
def test_secretary_gets_an_answer_for_every_org_step(
    page: Any, live_server: str, width: int
) -> None:
    page.set_viewport_size({"width": width, "height": 900})
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    login(page, live_server, "secretary")
    page.goto(live_server + "/manage")
    page.locator("main a[href$='/admin']", has_text="第一党支部").click()
    admin_url = page.url

    # A success message after creating a group, announced in the status region.
    group = f"答复测试小组{width}"
    page.fill("form[action$='/children'] input[name=name]", group)
    page.click("form[action$='/children'] button[type=submit]")
    status = page.locator("[data-flash-region=polite]")
    expect(status).to_contain_text(f"已创建下级组织「{group}」")
    expect(status).to_have_attribute("aria-live", "polite")
    group_url = page.url

    # A refused form: back on the same page, the message at the field, the input kept.
    page.goto(admin_url)
    page.fill("form[action$='/roles'] input[name=username]", f"no-such-user-{width}")
    page.select_option("form[action$='/roles'] select[name=role]", "publisher")
    page.click("form[action$='/roles'] button[type=submit]")
    expect(page.locator("#username-error")).to_have_text("找不到该用户名")
    expect(page.locator("form[action$='/roles'] input[name=username]")).to_have_value(
        f"no-such-user-{width}"
    )
    expect(page.locator("form[action$='/roles'] select[name=role]")).to_have_value("publisher")
    expect(page.locator("[data-flash-region=assertive]")).to_contain_text("找不到该用户名")
    assert page.url.split("#")[0] == admin_url.split("#")[0]

    # An irreversible step asks in a dialog; cancelling changes nothing.
    page.goto(group_url + "/admin")
    page.fill("form[action$='/deactivate'] input[name=reason]", "合并")
    danger = page.locator("form[action$='/deactivate'] button[type=submit]")
    expect(danger).to_have_class("button button-danger")
    danger.click()
    dialog = page.locator("dialog.confirm-dialog")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("不能恢复")
    dialog.get_by_role("button", name="取消").click()
    expect(dialog).to_have_count(0)
    expect(page.locator("form[action$='/deactivate']")).to_be_visible()
    # Confirming takes the step and says so.
    danger.click()
    page.locator("dialog.confirm-dialog").get_by_role("button", name="撤销组织").click()
    expect(page.locator("[data-flash-region=polite]")).to_contain_text(f"已撤销组织「{group}」")
    page.screenshot(path=f"/tmp/answers-orgs-{width}.png", full_page=False)
    assert errors == []
