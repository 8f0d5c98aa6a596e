"""Boards and moderation answer every action in Chromium: a reply lands with its message, a
flag refused at its field keeps the chosen reason, a duplicate flag is said in place, and a
deletion asks in a dialog (取消 keeps the post) before it is done and said."""

from __future__ import annotations

import re
import uuid
from typing import Any

from playwright.sync_api import expect

from tests.browser.conftest import login


def test_reply_flag_and_delete_each_answer(browser: Any, live_server: str) -> None:
    author_ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    reader_ctx = browser.new_context(viewport={"width": 360, "height": 740})
    author, reader = author_ctx.new_page(), reader_ctx.new_page()
    errors: list[str] = []
    for p in (author, reader):
        p.on("pageerror", lambda exc: errors.append(str(exc)))
    text = f"浏览器测试：待删除的回帖 {uuid.uuid4().hex[:8]}"
    try:
        login(author, live_server, "secretary")
        author.goto(live_server + "/forum")
        author.locator(".board-link", has_text="内部交流").click()
        author.locator(".topic-title").first.click()
        author.fill(".reply-form textarea[name=body]", text)
        author.click(".reply-form button[type=submit]")
        post = author.locator("#posts .post").filter(has_text=text)
        expect(post).to_be_visible()
        number = post.get_attribute("data-number")
        topic_url = re.sub(r"(/t/\d+).*", r"\1", author.url)

        # The reader flags it on a phone: "其他" with no words is refused at its field.
        login(reader, live_server, "probationary")
        reader.goto(f"{topic_url}/{number}")
        reader.locator(f"#p{number}").get_by_role("link", name="举报").click()
        flag_url = reader.url
        reader.get_by_role("radio", name="其他").check()
        reader.get_by_role("button", name="提交举报").click()
        expect(reader.locator("#text-error")).to_contain_text("请说明原因")
        expect(reader.get_by_role("radio", name="其他")).to_be_checked()  # the choice is kept
        reader.fill("textarea[name=text]", "浏览器测试：与主题无关")
        reader.get_by_role("button", name="提交举报").click()
        expect(reader.locator(".flash-success")).to_contain_text("已举报，感谢反馈")
        # A second flag on the same post is said in place, the text kept.
        reader.goto(flag_url)
        reader.get_by_role("radio", name="其他").check()
        reader.fill("textarea[name=text]", "再举报一次")
        reader.get_by_role("button", name="提交举报").click()
        expect(reader.locator(".flash-error, .field-error").first).to_contain_text("您已经举报过")
        expect(reader.locator("textarea[name=text]")).to_have_value("再举报一次")

        # The author deletes it: the dialog asks, 取消 keeps it, 删除 removes it and says so.
        author.reload()
        delete = author.locator(f"#p{number}").get_by_role("button", name="删除")
        delete.click()
        dialog = author.locator("dialog.confirm-dialog")
        expect(dialog).to_contain_text("不能恢复")
        dialog.get_by_role("button", name="取消").click()
        expect(dialog).to_have_count(0)
        expect(author.locator(f"#p{number}")).to_contain_text(text)
        delete.click()
        author.locator("dialog.confirm-dialog").get_by_role("button", name="删除").click()
        expect(author.locator(".flash-success")).to_contain_text(f"#{number} 已删除。")
        expect(author.locator("#posts")).not_to_contain_text(text)
        assert errors == []
    finally:
        author_ctx.close()
        reader_ctx.close()
