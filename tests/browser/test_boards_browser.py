"""Forum in Chromium: a member's phone flow, and the XSS corpora rendered in posts and titles."""

from __future__ import annotations

import re
from typing import Any

import httpx
from playwright.sync_api import expect

from tests.browser.conftest import login
from tests.corpora import all_xss_vectors
from tests.figures import report

PHONE = {"width": 360, "height": 740}
CSRF_RE = re.compile(r'name="csrf-token" content="([^"]+)"')


def _no_horizontal_scroll(page: Any) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


def test_member_starts_topic_and_replies_on_a_phone(page: Any, live_server: str) -> None:
    page.set_viewport_size(PHONE)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    login(page, live_server, "full_member")
    page.goto(live_server + "/forum")
    assert _no_horizontal_scroll(page)
    page.locator(".board-link", has_text="学习园地").click()
    page.get_by_role("link", name="发起主题").click()
    page.fill("input[name=title]", "手机上发起的主题")
    page.fill("textarea[name=body]", "第一段\n\n- 要点一\n- 要点二")
    page.click("main form.form button[type=submit]")
    expect(page.locator("h1")).to_have_text("手机上发起的主题")
    expect(page.locator("#p1 li")).to_have_count(2)
    page.fill("textarea[name=body]", "自己补充一句")
    page.click(".reply-form button[type=submit]")
    expect(page.locator("#p2 .post-body")).to_have_text("自己补充一句")
    assert _no_horizontal_scroll(page)
    page.goto(live_server + "/forum/search?q=" + "发起的主")
    expect(page.locator(".search-result").first).to_contain_text("手机上发起的主题")
    assert errors == []


def _api_client(base: str, username: str) -> httpx.Client:
    client = httpx.Client(base_url=base, follow_redirects=False, timeout=30)
    token = CSRF_RE.search(client.get("/login").text)
    assert token is not None
    client.post(
        "/login",
        data={"username": username, "password": "demo-password-2026", "csrf_token": token[1]},
    )
    client.headers["X-CSRF-Token"] = client.get("/api/v1/csrf").json()["csrf_token"]
    return client


def _batches(vectors: list[str], limit: int = 18_000) -> list[str]:
    out, current = [], ""
    for vector in vectors:
        if len(current) + len(vector) + 2 > limit:
            out.append(current)
            current = ""
        current += vector + "\n\n"
    return [*out, current] if current.strip() else out


def test_xss_corpora_do_not_execute_in_posts_or_titles(page: Any, live_server: str) -> None:
    vectors = all_xss_vectors()
    api = _api_client(live_server, "publicity")
    boards = {b["name"]: b["id"] for b in api.get("/api/v1/boards").json()["items"]}
    created = api.post(
        f"/api/v1/boards/{boards['学习园地']}/topics",
        json={"title": "XSS 语料测试", "body": "语料如下"},
    )
    assert created.status_code == 201, created.text
    topic_id = created.json()["id"]
    for body in _batches(vectors):
        response = api.post(f"/api/v1/topics/{topic_id}/posts", json={"body": body})
        assert response.status_code == 201, response.text
    title_topics = []
    for vector in [v for v in vectors if len(v.strip()) >= 2][:: max(1, len(vectors) // 40)]:
        response = api.post(
            f"/api/v1/boards/{boards['学习园地']}/topics",
            json={"title": vector[:120], "body": "标题语料"},
        )
        if response.status_code == 201:
            title_topics.append(response.json()["id"])
    assert len(title_topics) >= 30
    fired: list[str] = []
    page.on("dialog", lambda dialog: (fired.append(dialog.message), dialog.dismiss()))
    login(page, live_server, "full_member")
    last = api.get(f"/api/v1/topics/{topic_id}").json()["topic"]["last_number"]
    for start in range(1, last + 1, 20):
        page.goto(f"{live_server}/t/{topic_id}?from={start}")
        page.wait_for_load_state("load")
    for tid in title_topics:
        page.goto(f"{live_server}/t/{tid}")
    page.goto(f"{live_server}/forum/b/{boards['学习园地']}")
    page.goto(f"{live_server}/forum/search?q=XSS")
    assert fired == []
    assert page.evaluate("typeof window.xss === 'undefined'")
    report(
        f"XSS: {len(vectors)} vectors x post body ({last} posts), "
        f"{len(title_topics)} x topic title, 0 executions"
    )


def test_reply_appears_live_in_another_readers_page(page: Any, live_server: str) -> None:
    reader_context = page.context.browser.new_context()
    reader = reader_context.new_page()
    try:
        login(page, live_server, "secretary")
        login(reader, live_server, "probationary")
        page.goto(live_server + "/forum")
        page.locator(".board-link", has_text="内部交流").click()
        page.locator(".topic-title").first.click()
        topic_url = page.url
        reader.goto(topic_url)
        expect(reader.locator("#posts")).to_be_visible()
        reader.wait_for_function("window.GrassrootsRealtime !== undefined")
        before = reader.locator("#posts .post").count()
        bell = reader.locator("header [data-notification-bell]")
        unread = int(bell.get_attribute("data-unread") or 0)
        page.fill(".reply-form textarea[name=body]", "**现场**补充通知 @probationary")
        page.click(".reply-form button[type=submit]")
        live_post = reader.locator("#posts .post").nth(before)
        expect(live_post.locator(".post-body strong")).to_have_text("现场", timeout=10_000)
        expect(live_post.locator(".post-author")).to_have_text("第一党支部书记")
        # The live-inserted name links to the profile, like the names the server rendered.
        expect(live_post.locator("a.post-author")).to_have_attribute("href", "/u/secretary")
        # @mention links to the mentioned member's profile (markup VERSION 3).
        expect(live_post.locator(".post-body a.mention")).to_have_attribute(
            "href", "/u/probationary"
        )
        # The mention arrives live: the header bell counts one more.
        expect(bell.locator("[data-notification-count]")).to_have_text(str(unread + 1))
        assert reader.url == topic_url  # no reload happened
    finally:
        reader_context.close()
