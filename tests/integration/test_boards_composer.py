"""The composer through HTTP: preview (sanitised, policy, CSRF, limits), drafts (save, restore,
list, discard on post and by 丢弃草稿, private to their author), @mention suggestions (the
directory's visibility and the topic's readers) and landing on a new reply in context."""

from __future__ import annotations

import re

from forum.boards.models import Draft, Post, Topic
from forum.models import User
from tests.boards_helpers import World, make_world, reply_to, start_topic
from tests.factories import make_person
from tests.figures import report
from tests.helpers import Client

CONFIRMED = {"confirmed": "1"}


def textarea(page: str) -> str:
    found = re.search(r'<textarea id="body"[^>]*>(.*?)</textarea>', page, re.S)
    assert found, page[:2000]
    return found.group(1)


# --- preview ----------------------------------------------------------------------------


async def test_preview_renders_the_posts_sanitised_html(client: Client) -> None:
    await make_world()
    await client.login("full")
    body = "**加粗** <script>alert(1)</script> [链接](javascript:alert(1)) <img src=x onerror=alert(1)>"
    response = await client.post_json("/api/v1/preview", {"body": body})
    assert response.status_code == 200, response.text
    html = response.json()["html"]
    assert "<strong>加粗</strong>" in html
    assert "<script" not in html and "onerror" not in html
    # CommonMark refuses a javascript: destination: the text stays text, never a link.
    assert "[链接](javascript:alert(1))" in html and 'href="javascript' not in html
    empty = await client.post_json("/api/v1/preview", {"body": "   "})
    assert empty.json() == {"html": ""}


async def test_preview_refused_for_visitors_without_csrf_and_when_too_long(
    client: Client,
) -> None:
    await make_world()
    visitor = await client.post_json("/api/v1/preview", {"body": "你好"})
    assert visitor.status_code == 403 and visitor.json()["error"]
    await client.login("full")
    no_csrf = await client.http.post("/api/v1/preview", json={"body": "你好"})
    assert no_csrf.status_code == 403
    too_long = await client.post_json("/api/v1/preview", {"body": "字" * 20_001})
    assert too_long.status_code == 400 and "20000" in too_long.json()["error"]
    wrong = await client.post_json("/api/v1/preview", {"body": 5})
    assert wrong.status_code == 400 and wrong.json()["error"]


async def test_preview_is_rate_limited_per_account(client: Client) -> None:
    from forum.boards.actions.composer import PREVIEWS_PER_MINUTE

    await make_world()
    await client.login("full")
    for _ in range(PREVIEWS_PER_MINUTE):
        assert (await client.post_json("/api/v1/preview", {"body": "x"})).status_code == 200
    refused = await client.post_json("/api/v1/preview", {"body": "x"})
    assert refused.status_code == 429 and "预览过于频繁" in refused.json()["error"]
    assert refused.headers.get("retry-after")


async def test_preview_button_without_js_keeps_the_text_and_saves_the_draft(
    client: Client,
) -> None:
    world = await make_world()
    await client.login("full")
    page = await client.post_form(
        f"/forum/b/{world.public.id}/new",
        {"title": "预览中的主题", "body": "**要点**：<b onclick=x>学习</b>", "preview": "1"},
    )
    assert page.status_code == 200, page.text
    assert await Topic.all().count() == 0
    assert 'value="预览中的主题"' in page.text
    assert "**要点**" in textarea(page.text)
    preview = page.text[page.text.index('class="composer-preview"') :]
    assert "<strong>要点</strong>" in preview and "onclick" not in preview
    draft = await Draft.get(user_id=world.users["full"].id)
    assert draft.key == f"topic:{world.public.id}" and draft.title == "预览中的主题"
    assert "丢弃草稿" in page.text


# --- drafts -----------------------------------------------------------------------------


async def test_reply_draft_saved_restored_listed_and_private(
    client: Client, other_client: Client
) -> None:
    world = await make_world()
    topic = await start_topic(world.public, world.users["full2"])
    await client.login("full")
    saved = await client.post_json(
        "/api/v1/drafts", {"topic_id": topic.id, "body": "还没写完的回复 <i>草稿</i>"}
    )
    assert saved.status_code == 200 and saved.json()["saved"] is True
    again = await client.post_json("/api/v1/drafts", {"topic_id": topic.id, "body": "改过的草稿"})
    assert again.status_code == 200
    assert await Draft.filter(user_id=world.users["full"].id).count() == 1
    # Restored by the server, in the reply page and in the topic page's reply box.
    assert textarea((await client.get(f"/t/{topic.id}/reply")).text) == "改过的草稿"
    topic_page = (await client.get(f"/t/{topic.id}")).text
    assert textarea(topic_page) == "改过的草稿" and "已恢复" in topic_page
    me = (await client.get("/me")).text
    assert "我的草稿" in me and f'href="/t/{topic.id}/reply"' in me and "改过的草稿" in me
    # Another member never sees it, and has their own.
    await other_client.login("full2")
    assert textarea((await other_client.get(f"/t/{topic.id}/reply")).text) == ""
    assert "改过的草稿" not in (await other_client.get("/me")).text
    await other_client.post_json("/api/v1/drafts", {"topic_id": topic.id, "body": "别人的草稿"})
    assert textarea((await client.get(f"/t/{topic.id}/reply")).text) == "改过的草稿"
    # Sending the reply removes the author's draft (same transaction), not the other one.
    posted = await client.post_form(f"/t/{topic.id}/reply", {"body": "改过的草稿"})
    assert posted.status_code == 303
    assert await Draft.filter(user_id=world.users["full"].id).count() == 0
    assert await Draft.filter(user_id=world.users["full2"].id).count() == 1
    assert textarea((await client.get(f"/t/{topic.id}/reply")).text) == ""


async def test_new_topic_draft_restored_and_gone_with_the_topic(client: Client) -> None:
    world = await make_world()
    await client.login("full")
    url = f"/forum/b/{world.public.id}/new"
    payload = {"board_id": world.public.id, "title": "草稿标题", "body": "草稿正文"}
    assert (await client.post_json("/api/v1/drafts", payload)).status_code == 200
    page = (await client.get(url)).text
    assert 'value="草稿标题"' in page and textarea(page) == "草稿正文"
    me = (await client.get("/me")).text
    assert f'href="{url}"' in me and "草稿标题" in me
    created = await client.post_form(url, {"title": "草稿标题", "body": "草稿正文"})
    assert created.status_code == 303
    assert await Draft.all().count() == 0


async def test_empty_draft_is_removed(client: Client) -> None:
    world = await make_world()
    topic = await start_topic(world.public, world.users["full2"])
    await client.login("full")
    await client.post_json("/api/v1/drafts", {"topic_id": topic.id, "body": "一句话"})
    cleared = await client.post_json("/api/v1/drafts", {"topic_id": topic.id, "body": "  "})
    assert cleared.json()["saved"] is False
    assert await Draft.all().count() == 0


async def test_discard_button_asks_then_removes_only_ones_own_draft(
    client: Client, other_client: Client
) -> None:
    world = await make_world()
    topic = await start_topic(world.public, world.users["full2"])
    await client.login("full")
    await other_client.login("full2")
    key = f"reply:{topic.id}"
    for c, text in ((client, "我的草稿"), (other_client, "他的草稿")):
        await c.post_json("/api/v1/drafts", {"topic_id": topic.id, "body": text})
    ask = await client.post_form(
        "/forum/drafts/discard",
        {"key": key},
        headers={"referer": f"http://testserver/t/{topic.id}/reply"},
    )
    assert ask.status_code == 200 and "确定丢弃" in ask.text
    assert await Draft.all().count() == 2
    gone = await client.post_form(
        "/forum/drafts/discard",
        {"key": key, **CONFIRMED},
        headers={"referer": f"http://testserver/t/{topic.id}/reply"},
    )
    assert gone.status_code == 303 and gone.headers["location"] == f"/t/{topic.id}/reply"
    assert [d.body for d in await Draft.all()] == ["他的草稿"]
    assert "草稿已丢弃" in (await client.get(gone.headers["location"])).text
    await other_client.logout()
    refused = await other_client.post_form("/forum/drafts/discard", {"key": key, **CONFIRMED})
    assert refused.status_code == 403 and await Draft.all().count() == 1


async def test_draft_follows_the_board_policy(client: Client) -> None:
    world = await make_world()
    branch_topic = await start_topic(world.branch, world.users["full2"])
    await client.login("sibling")  # branch B: branch A's board does not exist for them
    hidden = await client.post_json("/api/v1/drafts", {"topic_id": branch_topic.id, "body": "x"})
    assert hidden.status_code == 404
    await client.login("applicant")  # reads branch A's board, may not start topics there
    refused = await client.post_json(
        "/api/v1/drafts", {"board_id": world.branch.id, "title": "t", "body": "x"}
    )
    assert refused.status_code == 403
    both = await client.post_json(
        "/api/v1/drafts", {"board_id": world.public.id, "topic_id": branch_topic.id, "body": "x"}
    )
    assert both.status_code == 400 and both.json()["error"]
    assert await Draft.all().count() == 0


# --- @mention suggestions --------------------------------------------------------------


async def _named(world: World) -> dict[str, User]:
    people = {
        "zhangjg": await make_person(world.tree.branch_a, "full", username="zhangjg"),
        "zhangjh": await make_person(world.tree.branch_b, "full", username="zhangjh"),
        "zhangwei": await make_person(world.tree.group_a1, "full", username="zhangwei"),
    }
    names = {"zhangjg": "张建国", "zhangjh": "张建华", "zhangwei": "张伟"}
    for key, user in people.items():
        await User.filter(id=user.id).update(display_name=names[key])
    return people


async def suggest(client: Client, query: str) -> list[str]:
    response = await client.get(f"/api/v1/users/suggest?{query}")
    assert response.status_code == 200, response.text
    return [item["username"] for item in response.json()["items"]]


async def test_suggest_offers_only_people_the_viewer_may_see(client: Client) -> None:
    world = await make_world()
    await _named(world)
    await client.login("full")  # branch A
    assert await suggest(client, "q=建") == ["zhangjg"]  # not zhangjh of sibling branch B
    assert sorted(await suggest(client, "q=张")) == ["zhangjg", "zhangwei"]
    assert await suggest(client, "q=zhangw") == ["zhangwei"]
    assert await suggest(client, "q=%40张伟") == ["zhangwei"]  # the typed "@" is ignored
    assert await suggest(client, "q=full") == ["full2"]  # never the viewer themself
    assert await suggest(client, "q=") == []
    items = (await client.get("/api/v1/users/suggest?q=张建")).json()["items"]
    assert items == [{"username": "zhangjg", "display_name": "张建国", "org": "甲支部"}]


async def test_suggest_in_a_topic_offers_only_its_readers(client: Client) -> None:
    world = await make_world()
    await _named(world)
    branch_topic = await start_topic(world.branch, world.users["full2"])
    public_topic = await start_topic(world.public, world.users["full2"])
    await client.login("root")  # site admin: the whole directory
    assert sorted(await suggest(client, "q=张建")) == ["zhangjg", "zhangjh"]
    assert await suggest(client, f"q=张建&topic={branch_topic.id}") == ["zhangjg"]
    assert sorted(await suggest(client, f"q=张建&topic={public_topic.id}")) == [
        "zhangjg",
        "zhangjh",
    ]
    assert await suggest(client, f"q=张建&board={world.branch.id}") == ["zhangjg"]


async def test_suggest_refused_for_visitors_and_hidden_topics(client: Client) -> None:
    world = await make_world()
    await _named(world)
    branch_topic = await start_topic(world.branch, world.users["full2"])
    visitor = await client.get("/api/v1/users/suggest?q=张")
    assert visitor.status_code == 403 and visitor.json()["error"]
    await client.login("sibling")
    hidden = await client.get(f"/api/v1/users/suggest?q=张&topic={branch_topic.id}")
    assert hidden.status_code == 404


async def test_suggest_is_bounded(client: Client) -> None:
    from forum.boards.queries.mentions import SUGGEST_LIMIT
    from tests.capture import count_queries

    world = await make_world()
    for n in range(3 * SUGGEST_LIMIT):
        user = await make_person(world.tree.branch_a, "full", username=f"li{n:02d}")
        await User.filter(id=user.id).update(display_name=f"李{n:02d}")
    topic = await start_topic(world.public, world.users["full2"])
    await client.login("full")
    assert len(await suggest(client, "q=李")) == SUGGEST_LIMIT
    with count_queries() as counter:
        await suggest(client, f"q=李&topic={topic.id}")
    report(
        f"@mention suggestions: {SUGGEST_LIMIT} of {3 * SUGGEST_LIMIT} matches, "
        f"{len(counter.queries)} statements with the topic's readers check"
    )
    assert len(counter.queries) <= 8 + 4 * SUGGEST_LIMIT


# --- landing on the new reply --------------------------------------------------------


async def test_reply_lands_on_its_page_with_the_posts_before_it(client: Client) -> None:
    world = await make_world()
    topic = await start_topic(world.public, world.users["full2"])
    for n in range(2, 23):
        await reply_to(topic, world.users["full2"], f"第 {n} 楼")
    await client.login("full")
    response = await client.post_form(f"/t/{topic.id}/reply", {"body": "我的第二十三楼"})
    assert response.status_code == 303
    assert response.headers["location"] == f"/t/{topic.id}?from=21#p23"
    page = (await client.get(response.headers["location"])).text
    assert all(f'id="p{n}"' in page for n in (21, 22, 23)) and 'id="p20"' not in page
    assert "回复已发表（#23）" in page
    assert await Post.filter(topic_id=topic.id).count() == 23


# --- editing a post -------------------------------------------------------------------------


async def test_editing_a_post_uses_the_composer_without_drafts(client: Client) -> None:
    world = await make_world()
    topic = await start_topic(world.public, world.users["full"], body="初稿")
    await client.login("full")
    form = await client.get(f"/t/{topic.id}/1/edit")
    assert form.status_code == 200
    assert "data-composer" in form.text and 'data-suggest="topic=' in form.text
    assert "data-draft-topic" not in form.text and "丢弃草稿" not in form.text
    assert textarea(form.text) == "初稿"
    # 预览 without JavaScript: the same form with the rendered text; nothing is saved.
    shown = await client.post_form(
        f"/t/{topic.id}/1/edit", {"body": "**改稿**", "reason": "补充", "preview": "1"}
    )
    assert shown.status_code == 200
    assert "<strong>改稿</strong>" in shown.text and textarea(shown.text) == "**改稿**"
    assert 'value="补充"' in shown.text
    assert (await Post.get(topic_id=topic.id, number=1)).body_raw == "初稿"
    assert not await Draft.exists()
    saved = await client.post_form(f"/t/{topic.id}/1/edit", {"body": "**改稿**", "reason": "补充"})
    assert saved.status_code == 303
    assert (await Post.get(topic_id=topic.id, number=1)).body_raw == "**改稿**"
