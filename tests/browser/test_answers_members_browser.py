"""Browser: a branch secretary edits a member record with a bad ID number, gets the same form
back with the message at the ID field and every other input kept, fixes it and is told the
record was saved (real uvicorn, demo data; phone and desktop widths)."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import login

BAD_ID = "340524198001010019"  # the check character is wrong


@pytest.mark.parametrize("width", [360, 1280])
def test_secretary_fixes_a_bad_id_number_in_place(
    page: Page, live_server: str, tmp_path: Path, width: int
) -> None:
    page.set_viewport_size({"width": width, "height": 800})
    login(page, live_server, "secretary")
    page.goto(live_server + "/members?status=applicant")
    first = page.locator("table.directory tbody a").first
    name = first.inner_text()
    record = first.get_attribute("href")
    assert record and record.startswith("/members/")
    page.goto(live_server + record + "/edit")

    workplace, phone = f"浏览器测试单位{width}", "13800001234"
    page.fill("input[name=workplace]", workplace)
    page.fill("input[name=phone]", phone)
    page.fill("input[name=id_number]", BAD_ID)
    page.click("form.record-form button[type=submit]")

    # The same form, the message at the ID field, the input as typed.
    error = page.locator("#id_number-error")
    expect(error).to_have_text("身份证号校验位不正确，请核对后重新输入")
    expect(error).to_be_visible()
    id_field = page.locator("#id_number")
    expect(id_field).to_have_value(BAD_ID)
    expect(id_field).to_have_attribute("aria-invalid", "true")
    expect(id_field).to_be_focused()
    expect(page.locator("input[name=workplace]")).to_have_value(workplace)
    expect(page.locator("input[name=phone]")).to_have_value(phone)
    expect(page.locator("input[name=name]")).to_have_value(name)
    expect(page.locator(".flash-error a[href='#id_number']")).to_contain_text("校验位")
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the refused form scrolls sideways at {width} px"
    page.screenshot(path=str(tmp_path / f"refused-{width}.png"), full_page=False)

    # Fixed (left blank: the stored number stays): saved, and the record page says so.
    page.fill("#id_number", "")
    page.click("form.record-form button[type=submit]")
    page.wait_for_url(lambda url: url.rstrip("/").endswith(record))
    expect(page.locator(".flash-success")).to_have_text(f"已保存「{name}」的档案。")
    expect(page.locator("#card")).to_contain_text(workplace)
    expect(page.locator("#card")).to_contain_text(phone)
    page.screenshot(path=str(tmp_path / f"saved-{width}.png"), full_page=False)
