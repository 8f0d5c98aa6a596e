"""党务公开 in a real browser: a branch publisher drafts a public item, it is reviewed and
approved (public scope: the superior committee's secretary approves), a visitor reads it
on the public board on a phone, and a correction shows as a revision with its changes."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from tests.browser.conftest import login

PHONE = {"width": 360, "height": 740}
TITLE = "浏览器测试：第一党支部换届选举结果公告"


def _logout(page: Any) -> None:
    page.click("form[action='/logout'] button[type=submit]")
    page.wait_for_url(lambda url: "/login" not in url)


def _no_horizontal_scroll(page: Any) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


def test_publish_then_visitor_reads_and_sees_correction(browser: Any, live_server: str) -> None:
    staff = browser.new_context(viewport={"width": 1280, "height": 900})
    page = staff.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))

    # 1. the branch publisher drafts and proposes
    login(page, live_server, "publisher")
    page.goto(live_server + "/disclosures")
    page.click("text=起草公开事项")
    page.fill("input[name=title]", TITLE)
    page.select_option("select[name=category]", label="换届选举")
    page.fill("textarea[name=body]", "新一届支部委员会由 5 名委员组成，书记张三。")
    page.check("input[name=scope][value=public]")
    page.click("button:has-text('保存草稿')")
    expect(page.locator("h1")).to_have_text(TITLE)
    item_url = page.url
    page.click("button:has-text('提出（提交审核）')")
    expect(page.locator(".disc-state")).to_have_text("已提出，待审核")
    _logout(page)

    # 2. the branch secretary does the secrecy review; approval is routed upward
    login(page, live_server, "secretary")
    page.goto(live_server + "/disclosures/work")
    page.click(f"text={TITLE}")
    for box in page.locator("input[name=checklist]").all():
        box.check()
    page.click("button:has-text('审核通过')")
    expect(page.locator(".disc-state")).to_have_text("已审核，待审批")
    expect(page.get_by_text("须报示范街道党委审批")).to_be_visible()
    expect(page.locator("button:has-text('审批通过')")).to_have_count(0)
    _logout(page)

    # 3. the superior committee's secretary approves
    login(page, live_server, "committee_secretary")
    page.goto(item_url)
    page.click("button:has-text('审批通过')")
    expect(page.locator(".disc-state")).to_have_text("已审批，待发布")
    _logout(page)

    # 4. the publisher publishes
    login(page, live_server, "publisher")
    page.goto(item_url)
    page.click("button:has-text('发布')")
    page.locator("dialog.confirm-dialog button.button-danger").click()  # 发布 asks first
    expect(page.locator(".disc-state")).to_have_text("已发布")

    # 5. a visitor on a phone finds it on the public board
    visitor = browser.new_context(viewport=PHONE)
    reader = visitor.new_page()
    reader.on("pageerror", lambda exc: errors.append(str(exc)))
    reader.goto(live_server + "/disclosures")
    expect(reader.get_by_role("link", name=TITLE)).to_be_visible()
    assert _no_horizontal_scroll(reader)
    reader.get_by_role("link", name=TITLE).click()
    expect(reader.locator(".prose").first).to_contain_text("书记张三")
    assert _no_horizontal_scroll(reader)

    # 6. the publisher corrects it; the visitor sees the new revision and what changed
    page.click("text=发布更正")
    page.fill("textarea[name=body]", "新一届支部委员会由 5 名委员组成，书记李四。")
    page.fill("input[name=note]", "更正书记姓名")
    page.click("button:has-text('发布更正')")
    expect(page.locator("#revisions")).to_contain_text("更正书记姓名")

    reader.reload()
    expect(reader.locator(".prose").first).to_contain_text("书记李四")
    expect(reader.locator("#revisions")).to_contain_text("第 2 版")
    reader.click("#revisions >> text=查看改动")
    expect(reader.locator(".diff-line.diff-del")).to_contain_text("书记张三")
    expect(reader.locator(".diff-line.diff-add")).to_contain_text("书记李四")
    assert _no_horizontal_scroll(reader)
    assert errors == []
    staff.close()
    visitor.close()
