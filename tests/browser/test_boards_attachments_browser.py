"""Attachments in Chromium: the JS picker inserts the link and the image shows in the post;
the same upload works with JavaScript turned off (the plain multipart form)."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import expect

from tests.boards_helpers import png_bytes
from tests.browser.conftest import login


def _image_loaded(page: Any, selector: str) -> bool:
    return bool(page.eval_on_selector(selector, "img => img.complete && img.naturalWidth === 8"))


def test_js_picker_uploads_and_the_image_shows(page: Any, live_server: str) -> None:
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    login(page, live_server, "full_member")
    page.goto(live_server + "/forum")
    page.locator(".board-link", has_text="学习园地").click()
    page.get_by_role("link", name="发起主题").click()
    page.fill("input[name=title]", "带图片的主题")
    page.fill("textarea[name=body]", "活动照片如下：")
    page.set_input_files(
        "input[name=files]",
        files=[{"name": "活动.png", "mimeType": "image/png", "buffer": png_bytes(size=8)}],
    )
    expect(page.locator(".attach-status")).to_contain_text("已上传")
    expect(page.locator("textarea[name=body]")).to_have_value(
        re.compile(r"活动照片如下：\n!\[活动\.png\]\(/attachments/\d+/")
    )
    page.click("main form.form button[type=submit]")
    expect(page.locator("h1")).to_have_text("带图片的主题")
    image = page.locator("#p1 .post-body img")
    expect(image).to_have_attribute("alt", "活动.png")
    page.wait_for_function(
        "() => { const i = document.querySelector('#p1 .post-body img');"
        " return i && i.complete && i.naturalWidth === 8; }"
    )
    assert _image_loaded(page, "#p1 .post-body img")
    assert errors == []


def test_upload_without_javascript(browser: Any, live_server: str) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        login(page, live_server, "full_member")
        page.goto(live_server + "/forum")
        page.locator(".board-link", has_text="学习园地").click()
        page.get_by_role("link", name="发起主题").click()
        page.fill("input[name=title]", "无脚本上传")
        page.fill("textarea[name=body]", "见附件")
        page.set_input_files(
            "input[name=files]",
            files=[
                {"name": "图.png", "mimeType": "image/png", "buffer": png_bytes(size=8)},
                {"name": "说明.txt", "mimeType": "text/plain", "buffer": "学习要点".encode()},
            ],
        )
        page.click("main form.form button[type=submit]")
        expect(page.locator("h1")).to_have_text("无脚本上传")
        expect(page.locator("#p1 .post-files")).to_contain_text("说明.txt")
        page.wait_for_function(
            "() => { const i = document.querySelector('#p1 .post-body img');"
            " return i && i.complete && i.naturalWidth === 8; }",
            timeout=60_000,  # the image's own request, behind four test lanes on two cores
        )
    finally:
        context.close()
