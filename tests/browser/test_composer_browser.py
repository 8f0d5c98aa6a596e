"""The composer in Chromium at 360 and 1280 px: the preview (a tab on phones, side by side on
desktop), a draft restored after the tab was closed, @mention picked from the listbox with the
keyboard by part of a Chinese display name, an image pasted and one dropped into the text,
and a reply that lands on its post."""

from __future__ import annotations

import base64
import re
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.boards_helpers import png_bytes
from tests.browser.conftest import login
from tests.browser.test_design_browser import AXE, WCAG

# One account per width: drafts are per person and composer, so the runs stay apart.
WHO = {360: "full_member", 1280: "deputy"}

# The composer's own markup (the header is the design walk's, at 360 px).
_AXE_RUN = """async (tags) => {
  const r = await axe.run({include: [["main"]]}, {runOnly: {type: 'tag', values: tags}});
  return r.violations.map(v => v.id + ' ' + v.nodes.map(n => n.target.join(' ')).join(', '));
}"""

_DROP_OR_PASTE = """([kind, b64]) => {
  const bytes = Uint8Array.from(atob(b64), c => c.charCodeAt(0));
  const file = new File([bytes], kind + ".png", { type: "image/png" });
  const data = new DataTransfer();
  data.items.add(file);
  const area = document.querySelector("textarea[name=body]");
  area.focus();
  area.setSelectionRange(area.value.length, area.value.length);
  const event = kind === "paste"
    ? new ClipboardEvent("paste", { clipboardData: data, bubbles: true, cancelable: true })
    : new DragEvent("drop", { dataTransfer: data, bubbles: true, cancelable: true });
  area.dispatchEvent(event);
  return event.defaultPrevented;
}"""


def _new_topic_url(page: Any, base: str) -> str:
    page.goto(base + "/forum")
    page.locator(".board-link", has_text="学习园地").click()
    page.get_by_role("link", name="发起主题").click()
    return str(page.url)


@pytest.mark.parametrize("width", [360, 1280])
def test_composer_preview_draft_mention_and_images(
    browser: Any, live_server: str, width: int
) -> None:
    context = browser.new_context(viewport={"width": width, "height": 900})
    context.add_init_script(AXE)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        login(page, live_server, WHO[width])
        url = _new_topic_url(page, live_server)
        body = page.locator("textarea[name=body]")
        page.fill("input[name=title]", f"作曲器测试 {width}")
        body.fill("**学习**心得")
        preview = page.locator(".composer-preview-body")
        if width < 860:
            tab = page.get_by_role("tab", name="预览")
            expect(tab).to_be_visible()
            expect(page.locator(".composer-preview")).to_be_hidden()
            tab.click()
            expect(preview.locator("strong")).to_have_text("学习")
            expect(body).to_be_hidden()
            page.screenshot(path=f"/tmp/composer-preview-{width}.png", full_page=True)
            page.get_by_role("tab", name="编辑").click()
        else:
            expect(page.get_by_role("tab", name="预览")).to_be_hidden()
            expect(preview.locator("strong")).to_have_text("学习")  # live, beside the text
            edit_box = body.bounding_box()
            preview_box = page.locator(".composer-preview").bounding_box()
            assert edit_box and preview_box and preview_box["x"] > edit_box["x"] + edit_box["width"]
        expect(body).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= width

        # @ + part of a Chinese display name, picked with the keyboard.
        body.click()
        page.keyboard.press("End")
        page.keyboard.press("Control+End")
        page.keyboard.type(" 请 @宣传")
        listbox = page.get_by_role("listbox", name="可以提醒的成员")
        option = listbox.get_by_role("option", name=re.compile("第一党支部宣传委员"))
        expect(option).to_be_visible()
        expect(option).to_have_attribute("aria-selected", "true")
        expect(body).to_have_attribute("aria-activedescendant", re.compile("mention-option-"))
        page.screenshot(path=f"/tmp/composer-mention-{width}.png", full_page=True)
        assert page.evaluate(_AXE_RUN, WCAG) == []  # tabs, panes and the open listbox
        page.keyboard.press("ArrowDown")
        page.keyboard.press("ArrowUp")
        page.keyboard.press("Enter")
        expect(listbox).to_be_hidden()
        expect(body).to_have_value("**学习**心得 请 @publicity ")
        page.keyboard.type("看看")

        # An image pasted and one dropped: a placeholder, then the Markdown link.
        png = base64.b64encode(png_bytes(size=8)).decode()
        for kind in ("paste", "drop"):
            assert page.evaluate(_DROP_OR_PASTE, [kind, png]) is True
            expect(body).to_have_value(
                re.compile(rf"!\[{kind}\.png\]\(/attachments/\d+/{kind}\.png\)")
            )
        expect(body).not_to_have_value(re.compile("上传中"))
        expect(page.locator(".composer-status")).to_have_text("草稿已保存")
        expect(page.get_by_role("button", name="丢弃草稿")).to_be_visible()
        page.screenshot(path=f"/tmp/composer-saved-{width}.png", full_page=True)
        saved = body.input_value()

        # Close the tab, open a new one: the server renders the draft back.
        page.close()
        page = context.new_page()
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto(url)
        expect(page.locator("textarea[name=body]")).to_have_value(saved)
        expect(page.locator("input[name=title]")).to_have_value(f"作曲器测试 {width}")
        expect(page.locator(".composer-status")).to_contain_text("已恢复")
        page.goto(live_server + "/me")
        expect(page.get_by_role("link", name=f"作曲器测试 {width}")).to_be_visible()
        page.screenshot(path=f"/tmp/composer-me-{width}.png", full_page=True)

        # Publish: the images show, the draft is gone.
        page.goto(url)
        page.click("main form.form button[type=submit]")
        expect(page.locator("h1")).to_have_text(f"作曲器测试 {width}")
        expect(page.locator("#p1 .post-body img")).to_have_count(2)
        expect(page.locator("#p1 .post-body")).to_contain_text("@publicity")
        page.goto(live_server + "/me")
        expect(page.get_by_role("link", name=f"作曲器测试 {width}")).to_have_count(0)
        assert errors == []
    finally:
        context.close()


@pytest.mark.parametrize("width", [360, 1280])
def test_reply_lands_on_the_new_post(browser: Any, live_server: str, width: int) -> None:
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    try:
        login(page, live_server, WHO[width])
        page.goto(live_server + "/forum")
        page.locator(".board-link", has_text="内部交流").click()
        page.locator(".topic-title").first.click()
        text = f"在上下文中看到我的回复 {width}"
        page.fill(".reply-form textarea[name=body]", text)
        expect(page.locator(".reply-form .composer-status")).to_have_text("草稿已保存")
        page.click(".reply-form button[type=submit]")
        page.wait_for_url(re.compile(r"#p\d+$"))
        number = int(page.url.rsplit("#p", 1)[1])
        post = page.locator(f"#p{number}")
        expect(post.locator(".post-body")).to_have_text(text)
        expect(post).to_be_in_viewport()
        if number > 1:  # the posts before it on its page are there too
            expect(page.locator(f"#p{number - 1}")).to_have_count(1)
        expect(page.locator(".reply-form textarea[name=body]")).to_have_value("")
        page.screenshot(path=f"/tmp/composer-landed-{width}.png", full_page=False)
    finally:
        context.close()
