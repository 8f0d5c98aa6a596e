"""Browser at 360 px: a member files a service request in the service hall with a scanned
document attached, the branch accepts it and passes it up, the general branch passes it on,
the committee opens the file, completes the request and sees it in the monthly chart, and the
member rates it (real uvicorn, demo data)."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Browser, Page, expect

from tests.boards_helpers import png_bytes
from tests.browser.conftest import login

TITLE = "开具党员身份证明（浏览器测试）"


def step(page: Page, label: str, reason: str | None = None) -> None:
    if reason is not None:
        form = page.locator("form").filter(has=page.get_by_role("button", name=label))
        form.locator("input[name=reason]").fill(reason)
    page.get_by_role("button", name=label, exact=True).click()
    expect(page.locator(".flash-success")).to_contain_text("已办理")


def no_sideways_scroll(page: Page) -> None:
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{page.url} scrolls sideways at 360 px"


def test_a_request_goes_up_the_tree_and_is_rated(
    browser: Browser, live_server: str, tmp_path: Path
) -> None:
    phone = {"viewport": {"width": 360, "height": 780}}
    member = browser.new_context(**phone).new_page()
    login(member, live_server, "full_member")
    member.goto(live_server + "/affairs")
    expect(member.get_by_role("link", name="我要咨询")).to_be_visible()
    no_sideways_scroll(member)
    member.get_by_role("link", name="开具党员身份证明", exact=True).click()
    member.fill("input[name=title]", TITLE)
    member.fill("textarea[name=f_purpose]", "出国政审")
    member.set_input_files(
        "input[name=files]",
        files=[{"name": "单位证明.png", "mimeType": "image/png", "buffer": png_bytes(size=8)}],
    )
    member.get_by_role("button", name="提交申请").click()
    expect(member.locator(".flash-success")).to_contain_text("申请已提交")
    expect(member.locator(".service-files")).to_contain_text("单位证明.png")
    request_url = member.url

    def as_handler(username: str) -> Page:
        page = browser.new_context(**phone).new_page()
        login(page, live_server, username)
        page.goto(request_url)
        return page

    branch = as_handler("secretary")
    step(branch, "受理")
    step(branch, "上报上级组织", "需上级党组织出具")
    # No longer the branch's: back to the hall, told where it went.
    expect(branch).to_have_url(live_server + "/affairs")
    expect(branch.locator(".flash-success")).to_contain_text("已上报至第一党总支")
    general = as_handler("gb_secretary")
    step(general, "上报上级组织", "请党委出具证明")
    committee = as_handler("committee_secretary")
    # The handler opens the file (served only to the request's people).
    link = committee.locator(".service-files a", has_text="单位证明.png")
    href = link.get_attribute("href")
    assert href
    got = committee.request.get(live_server + href)
    assert got.status == 200 and got.headers["content-type"] == "image/png"
    step(committee, "受理")
    step(committee, "办结")
    expect(committee.locator("[data-state]")).to_have_text("已办结")
    no_sideways_scroll(committee)
    committee.goto(live_server + "/affairs/stats")
    chart = committee.locator("#monthly svg")
    expect(chart).to_be_visible()
    assert chart.locator("rect.bar-completed").count() == 12
    no_sideways_scroll(committee)
    committee.screenshot(path=str(tmp_path / "stats.png"), full_page=True)
    committee.screenshot(path="/tmp/affairs-stats-360.png", full_page=True)

    member.goto(request_url)
    expect(member.locator("[data-state]")).to_have_text("已办结")
    expect(member.locator(".service-thread")).to_contain_text("上报至")
    member.get_by_label("4 星").check()
    member.fill("input[name=rating_comment]", "办理及时")
    member.get_by_role("button", name="提交评价").click()
    expect(member.locator(".flash-success")).to_have_text("感谢你的评价。")
    expect(member.get_by_text("评价：4 星，办理及时", exact=True)).to_be_visible()
    no_sideways_scroll(member)
    member.screenshot(path=str(tmp_path / "rated.png"), full_page=True)
