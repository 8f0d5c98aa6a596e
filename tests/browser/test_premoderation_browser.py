"""A new member's first post is not lost (phone, 360 px), with production new-member rules.

A freshly registered account (群众, no member record) replies and mentions a member: the
reply is held for review, the author sees it marked 等待审核 with a success message, a quick
second reply keeps its text with an inline wait message, a moderator approves, and the
mentioned member gets the mention notification.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import _free_port, demo_env, login, serve_demo

PHONE = {"width": 360, "height": 740}
ROOT = Path(__file__).resolve().parents[2]
SHOTS = Path(os.environ.get("BROWSER_SHOTS", "/tmp/grassroots-shots"))
TOPIC = "推进基层党建工作的几点体会"
BODY = "新成员报到，第一次发帖，请 @probationary 多指教"


@pytest.fixture(scope="module")
def strict_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A server with the production defaults of new-member safety (3 days, 3 approved posts,
    cooldown 10 s / 120 s for new accounts); the session's server turns them off."""
    data = tmp_path_factory.mktemp("premod-data")
    port = _free_port()
    env = demo_env(data, port)
    yield from serve_demo(env, port)


def _no_horizontal_scroll(page: Any) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


def _register(page: Any, base: str, username: str) -> None:
    page.goto(base + "/register")
    page.fill("input[name=username]", username)
    page.fill("input[name=display_name]", "新来的群众")
    page.fill("input[name=password]", "a-long-password-2026")
    page.fill("input[name=password_confirm]", "a-long-password-2026")
    page.click("main button[type=submit]")
    expect(page.get_by_text("注册成功，欢迎加入")).to_be_visible()


def test_new_members_held_post_is_marked_and_its_mention_delivered_on_approval(
    browser: Any, strict_server: str
) -> None:
    base = strict_server
    SHOTS.mkdir(parents=True, exist_ok=True)
    newcomer_ctx = browser.new_context(viewport=PHONE)
    moderator_ctx = browser.new_context(viewport=PHONE)
    member_ctx = browser.new_context(viewport=PHONE)
    newcomer, moderator, member = (c.new_page() for c in (newcomer_ctx, moderator_ctx, member_ctx))
    errors: list[str] = []
    newcomer.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        _register(newcomer, base, "xinlai")
        newcomer.goto(base + "/forum")
        newcomer.get_by_role("link", name="学习园地").first.click()
        newcomer.get_by_role("link", name=TOPIC).first.click()
        topic_url = newcomer.url.split("?")[0]
        newcomer.fill("form.reply-form textarea[name=body]", BODY)
        newcomer.click("form.reply-form button[type=submit]")

        # The author's own held reply, where they posted it, with a clear message.
        expect(newcomer.get_by_text("发布成功！您的内容已提交管理员审核")).to_be_visible()
        held = newcomer.locator("article.post-held")
        expect(held).to_have_count(1)
        expect(held.locator(".badge-held")).to_have_text("等待审核")
        expect(held.locator(".post-body")).to_contain_text("新成员报到，第一次发帖")
        assert _no_horizontal_scroll(newcomer)
        newcomer.screenshot(path=str(SHOTS / "premod-held-360.png"), full_page=True)

        # A second try inside the new-account cooldown: same form, text kept, wait inline.
        newcomer.goto(topic_url + "/reply")
        newcomer.fill("textarea[name=body]", "第二条回复，文字不能丢")
        with newcomer.expect_response(lambda r: r.request.method == "POST") as answer:
            newcomer.click("main form button[type=submit]")
        assert answer.value.status == 429
        expect(newcomer.locator("textarea[name=body]")).to_have_value("第二条回复，文字不能丢")
        expect(newcomer.locator("#body-error")).to_have_text(re.compile(r"请在 \d+ 秒后再发帖"))
        expect(newcomer.locator("h1")).to_contain_text("回复")
        assert _no_horizontal_scroll(newcomer)
        newcomer.screenshot(path=str(SHOTS / "premod-cooldown-360.png"), full_page=True)

        # The author's own page lists the held reply.
        newcomer.goto(base + "/me")
        section = newcomer.locator(
            "section.profile-section", has=newcomer.get_by_role("heading", name="等待审核的帖子")
        )
        expect(section.locator("h2")).to_have_text("等待审核的帖子")
        expect(section.get_by_role("link", name=TOPIC)).to_be_visible()
        expect(section.locator(".badge-held")).to_have_text("等待审核")
        newcomer.screenshot(path=str(SHOTS / "premod-me-360.png"), full_page=True)

        # Everyone else: the reply stays hidden, and no mention has been delivered yet.
        login(member, base, "probationary")
        member.goto(topic_url)
        expect(member.get_by_text("新成员报到，第一次发帖")).to_have_count(0)
        member.goto(base + "/forum/notifications")
        expect(member.get_by_text("新来的群众 提到了你")).to_have_count(0)

        # A moderator approves it from the queue.
        login(moderator, base, "moderator")
        moderator.goto(base + "/moderation/queue")
        item = moderator.locator("article.review-item", has_text="新成员报到，第一次发帖")
        expect(item).to_have_count(1)
        item.get_by_role("button", name="通过").click()
        expect(
            moderator.locator("article.review-item", has_text="新成员报到，第一次发帖")
        ).to_have_count(0)

        # The mentioned member now has the mention and can read the reply.
        member.goto(base + "/forum/notifications")
        mention = member.get_by_role("link", name=f"新来的群众 提到了你：{TOPIC}")
        expect(mention).to_be_visible()
        assert _no_horizontal_scroll(member)
        member.screenshot(path=str(SHOTS / "premod-mention-360.png"), full_page=True)
        mention.click()
        expect(member.get_by_text("新成员报到，第一次发帖")).to_be_visible()

        # The author sees it published, no longer marked, and is told it passed review.
        newcomer.goto(topic_url)
        expect(newcomer.locator("article.post-held")).to_have_count(0)
        expect(newcomer.get_by_text("新成员报到，第一次发帖")).to_be_visible()
        assert errors == []
    finally:
        for ctx in (newcomer_ctx, moderator_ctx, member_ctx):
            ctx.close()
