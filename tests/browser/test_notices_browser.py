"""Browser at 360 px: the branch secretary publishes a notice asking for a receipt, a member
confirms it in one tap, the secretary sees who has and has not confirmed and reminds the rest
(real uvicorn, demo data)."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Browser, expect

from tests.browser.conftest import login

TITLE = "关于报送学习心得的通知（浏览器测试）"


def test_a_notice_with_receipt_and_the_who_has_not_confirmed_list(
    browser: Browser, live_server: str, tmp_path: Path
) -> None:
    phone = {"viewport": {"width": 360, "height": 780}}
    secretary = browser.new_context(**phone).new_page()
    login(secretary, live_server, "secretary")
    secretary.goto(live_server + "/notices/new")
    secretary.fill("input[name=title]", TITLE)
    secretary.fill("textarea[name=body]", "请于本周五前在支部群内报送学习心得。")
    secretary.check("input[name=requires_receipt]")
    secretary.get_by_role("button", name="发布", exact=True).click()
    expect(secretary.locator(".flash-success")).to_contain_text("通知已发布给")
    expect(secretary.locator("h1")).to_have_text(TITLE)
    notice_url = secretary.url
    overflow = secretary.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, "the notice scrolls sideways at 360 px"

    member = browser.new_context(**phone).new_page()
    login(member, live_server, "full_member")
    member.goto(live_server + "/")
    expect(member.get_by_role("link", name=TITLE)).to_be_visible()
    member.get_by_role("link", name=TITLE).click()
    member.get_by_role("button", name="确认收到").click()
    expect(member.locator(".flash-success")).to_have_text("已确认收到，谢谢。")
    expect(member.locator("p.tag[role=status]")).to_contain_text("确认收到")
    member.screenshot(path=str(tmp_path / "member-confirmed.png"))

    secretary.goto(notice_url + "/receipts")
    confirmed = secretary.locator("[data-receipts=confirmed]")
    pending = secretary.locator("[data-receipts=pending]")
    expect(confirmed).to_contain_text("正式党员")
    expect(pending.locator("li").first).to_be_visible()
    assert "正式党员" not in pending.inner_text()
    overflow = secretary.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, "the receipts list scrolls sideways at 360 px"
    secretary.screenshot(path=str(tmp_path / "receipts.png"), full_page=True)
    secretary.get_by_role("button", name="提醒未确认的人").click()
    secretary.get_by_role("button", name="发送提醒").click()
    expect(secretary.locator(".flash-success")).to_contain_text("位尚未确认的接收人")
    expect(pending).to_contain_text("已提醒")
