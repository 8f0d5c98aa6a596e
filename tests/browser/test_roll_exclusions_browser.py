"""Browser: 不计入应到 on a member record. The branch secretary proposes it; the committee's
secretary finds it on 审批, types a date in the future and gets the form back with the
reference kept and the message at the field, fixes the date, approves in the confirm dialog,
and the record says it waits for the plenary (real uvicorn, demo data; phone and desktop)."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import login

WIDTHS = [360, 1280]


@pytest.mark.parametrize("width", WIDTHS)
def test_propose_then_the_committee_approves(
    page: Page, live_server: str, tmp_path: Path, width: int
) -> None:
    page.set_viewport_size({"width": width, "height": 900})
    login(page, live_server, "secretary")
    page.goto(live_server + "/members?status=full")
    # One member per width (the server is shared by the session's tests).
    link = page.locator("table.directory tbody a").nth(10 + WIDTHS.index(width))
    name, record = link.inner_text(), link.get_attribute("href")
    assert record and record.startswith("/members/")
    page.goto(live_server + record)
    section = page.locator("#roll-exclusions")
    section.get_by_text("提出不计入应到").click()
    reason = f"自费出国留学两年（{width}）"
    section.locator("select[name=category]").select_option("abroad")
    section.locator("textarea[name=reason]").fill(reason)
    section.get_by_role("button", name="报上级党组织批准").click()
    expect(page.locator(".flash-success")).to_have_text(f"{name}：不计入应到已报上级党组织批准。")
    expect(page.locator("#roll-exclusions")).to_contain_text("待上级党组织批准")
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the record scrolls sideways at {width} px"
    page.screenshot(path=str(tmp_path / f"proposed-{width}.png"), full_page=True)

    # The superior committee approves it, after the confirm dialog.
    page.context.clear_cookies()
    login(page, live_server, "committee_secretary")
    page.goto(live_server + "/members/approvals")
    row = page.locator("#roll-exclusions tr", has_text=name)
    expect(row).to_contain_text("自费出国半年以上")
    row.get_by_role("link", name=name).click()
    today = page.evaluate("new Date().toLocaleDateString('sv-SE', {timeZone: 'Asia/Shanghai'})")
    approve = page.locator("#roll-exclusions form[action$='/approve']")
    approve.locator("input[name=on]").fill("2099-01-01")
    approve.locator("input[name=note]").fill("组〔2026〕9号")
    approve.get_by_role("button", name="批准").click()
    page.locator("dialog.confirm-dialog").get_by_role("button", name="批准").click()
    # Refused in place: the message at the date, the reference kept.
    expect(page.locator("#on-error")).to_have_text("审批日期不能晚于今天")
    expect(approve.locator("input[name=note]")).to_have_value("组〔2026〕9号")
    approve.locator("input[name=on]").fill(today)
    approve.get_by_role("button", name="批准").click()
    dialog = page.locator("dialog.confirm-dialog")
    expect(dialog).to_contain_text("批准后由支部党员大会表决")
    dialog.get_by_role("button", name="批准").click()
    expect(page.locator(".flash-success")).to_have_text(f"{name}：不计入应到已批准。")
    expect(page.locator("#roll-exclusions")).to_contain_text("已批准，待党员大会通过")
    expect(page.locator("#roll-exclusions")).to_contain_text("组〔2026〕9号")
    page.screenshot(path=str(tmp_path / f"approved-{width}.png"), full_page=True)
    page.screenshot(path=f"/tmp/roll-exclusion-{width}.png", full_page=True)
