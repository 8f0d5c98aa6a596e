"""民主评议 in Chromium at 360 px, a whole round in a small branch (a secretary and three
members): the secretary opens it, each member writes a 自评 and hands in the secret 测评表
from 我的待办, the secretary closes the rating, sees the counts, is refused a second 优秀 (four
reviewed: at most one) and records the grades; a member reads their own grade, no counts."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

from playwright.sync_api import expect

from tests.browser.conftest import login

PHONE = {"width": 360, "height": 740}


def _flash(page: Any, text: str) -> None:
    expect(page.locator("[data-flash-region] .flash").last).to_contain_text(text)


def test_a_whole_review_round_in_a_small_branch(browser: Any, live_server: str) -> None:
    from tests.browser.conftest import LIVE_ENV, ROOT

    done = subprocess.run(
        [sys.executable, "-m", "tests.browser.reviews_seed"],
        env=LIVE_ENV,
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    seed = json.loads(done.stdout.strip().splitlines()[-1])
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    try:
        login(page, live_server, seed["secretary"])
        page.goto(live_server + "/reviews")
        page.select_option("select[name=org_id]", str(seed["branch"]))
        page.click("form[action='/reviews'] button[type=submit]")
        _flash(page, "已开始")
        round_url = page.url.split("#")[0]
        page.context.clear_cookies()

        # Each member: the 自评, then the 测评表 from 我的待办 (everyone else 合格, the
        # secretary 优秀), confirmed in the dialog.
        for i, member in enumerate(seed["members"]):
            login(page, live_server, member)
            page.goto(live_server + "/todo")
            page.locator(".todo-item a", has_text="民主评议自评").first.click()
            page.fill("textarea[name=self_review]", f"第{i + 1}位同志：认真学习，按时交纳党费。")
            page.click("#self button[type=submit]")
            _flash(page, "自评已保存")
            for legend in page.locator(".review-sheet fieldset").all():
                name = legend.locator("legend").inner_text()
                choice = "excellent" if "rs_" in name else "qualified"
                legend.locator(f"input[value={choice}]").check()
            page.click(".review-sheet button[type=submit]")
            page.locator("dialog.confirm-dialog button.button-danger").click()
            _flash(page, "测评表已提交")
            expect(page.locator("#rate")).to_contain_text("任何人都看不到")
            assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
            page.context.clear_cookies()

        login(page, live_server, seed["secretary"])
        page.goto(round_url)
        page.click("form[action$='/close'] button[type=submit]")
        page.locator("dialog.confirm-dialog button.button-danger").click()
        _flash(page, "民主测评已结束")
        expect(page.locator("#decide")).to_contain_text("测评：优秀 0 · 合格 2")
        # Two 优秀 of four reviewed: refused with the count, at the field.
        choices = page.locator("#grades-form fieldset")
        for n in range(choices.count()):
            choices.nth(n).locator("input[value=qualified]").check()
        choices.nth(0).locator("input[value=excellent]").check()
        choices.nth(1).locator("input[value=excellent]").check()
        page.fill("input[name=decided_by]", "12月15日支部党员大会")
        page.click("#grades-form button[type=submit]")
        page.locator("dialog.confirm-dialog button.button-danger").click()
        expect(page.locator("#grades-error")).to_contain_text("参评 4 人，最多 1 人，现为 2 人")
        page.locator("#grades-form fieldset").nth(1).locator("input[value=qualified]").check()
        page.fill("input[name=decided_by]", "12月15日支部党员大会")
        page.click("#grades-form button[type=submit]")
        page.locator("dialog.confirm-dialog button.button-danger").click()
        _flash(page, "评议等次已确定")
        expect(page.locator("#decide .review-grade")).to_have_count(4)
        page.screenshot(path="/tmp/reviews-secretary-360.png", full_page=True)
        page.context.clear_cookies()

        login(page, live_server, seed["members"][0])
        page.goto(round_url)
        expect(page.locator("#self")).to_contain_text("评议等次")
        assert "测评：" not in page.content()
    finally:
        context.close()
