"""Every action answers, in Chromium at 360 px and 1280 px, as the demo branch secretary:
a meeting scheduled with a bad date comes back with the message at the field and the title
kept, the fixed form says the meeting is scheduled; publishing a disclosure asks in a
dialog, then says it is published."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import login

BEIJING = dt.timezone(dt.timedelta(hours=8))


def _no_horizontal_scroll(page: Any) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


@pytest.mark.parametrize("width", [360, 1280])
def test_schedule_with_a_bad_date_then_fix_it_and_publish_through_the_dialog(
    browser: Any, live_server: str, width: int
) -> None:
    viewport = {"width": width, "height": 800}
    secretary_ctx = browser.new_context(viewport=viewport)
    publisher_ctx = browser.new_context(viewport=viewport)
    errors: list[str] = []
    try:
        page = secretary_ctx.new_page()
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        login(page, live_server, "secretary")

        # 1. A meeting with a date in the past: back in place, the message at the field.
        title = f"答复测试支部党员大会（{width}）"
        page.locator("a[href$='/meetings/new']").first.click()
        page.fill("input[name=title]", title)
        page.fill("input[name=scheduled_at]", "2020-01-06T09:30")
        page.fill("input[name=location]", "党员活动室")
        page.get_by_role("button", name="保存").click()
        error = page.locator("#scheduled_at-error")
        expect(error).to_have_text("会议时间不能早于现在")
        expect(page.locator("#scheduled_at")).to_have_attribute("aria-invalid", "true")
        expect(page.locator("input[name=title]")).to_have_value(title)
        expect(page.locator("input[name=location]")).to_have_value("党员活动室")
        expect(page.locator("[role=alert] .flash-error a[href='#scheduled_at']")).to_be_visible()
        assert _no_horizontal_scroll(page)
        page.screenshot(path=f"/tmp/answers-tm-meeting-error-{width}.png", full_page=True)

        # 2. Fixed: the room opens and says what happened.
        tomorrow = (dt.datetime.now(BEIJING) + dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
        page.fill("input[name=scheduled_at]", tomorrow)
        page.get_by_role("button", name="保存").click()
        page.wait_for_url(lambda url: "/meetings/" in url and url.rstrip("/")[-1].isdigit())
        done = page.locator("[role=status] .flash-success")
        expect(done).to_contain_text(f"已安排「{title}」")
        assert _no_horizontal_scroll(page)

        # 3. A disclosure drafted and proposed by the publisher ...
        item_title = f"答复测试公开事项（{width}）"
        drafter = publisher_ctx.new_page()
        drafter.on("pageerror", lambda exc: errors.append(str(exc)))
        login(drafter, live_server, "publisher")
        drafter.goto(live_server + "/disclosures/new")
        drafter.fill("input[name=title]", item_title)
        drafter.fill("textarea[name=body]", "本月支部活动安排如下。")
        drafter.get_by_role("button", name="保存草稿").click()
        expect(drafter.locator("[role=status] .flash-success")).to_contain_text("已保存")
        item_url = drafter.url.split("#")[0]
        drafter.get_by_role("button", name="提出（提交审核）").click()
        expect(drafter.locator("[role=status] .flash-success")).to_contain_text("已提出")

        # ... reviewed and approved by the secretary, who publishes it through the dialog.
        page.goto(item_url)
        for box in page.locator("input[name=checklist]").all():
            box.check()
        page.get_by_role("button", name="审核通过").click()
        expect(page.locator("[role=status] .flash-success")).to_contain_text("保密审查已通过")
        page.get_by_role("button", name="审批通过").click()
        expect(page.locator("[role=status] .flash-success")).to_contain_text("已审批通过")
        page.get_by_role("button", name="发布", exact=True).click()
        dialog = page.locator("dialog.confirm-dialog")
        expect(dialog).to_be_visible()
        expect(dialog).to_contain_text("确定发布")
        assert page.locator(".disc-state").inner_text() == "已审批，待发布"  # nothing yet
        page.screenshot(path=f"/tmp/answers-tm-publish-dialog-{width}.png")
        dialog.get_by_role("button", name="发布").click()
        expect(page.locator("[role=status] .flash-success")).to_contain_text(
            f"已发布「{item_title}」"
        )
        expect(page.locator(".disc-state")).to_have_text("已发布")
        assert _no_horizontal_scroll(page)
        page.screenshot(path=f"/tmp/answers-tm-published-{width}.png", full_page=True)
        assert errors == []
    finally:
        secretary_ctx.close()
        publisher_ctx.close()
