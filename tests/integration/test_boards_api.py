"""Boards JSON API: same policy and actions as the pages, strict input, JSON errors."""

from __future__ import annotations

from forum.boards.models import Post, Topic
from tests.boards_helpers import make_world, start_topic
from tests.helpers import Client


async def test_api_lists_boards_and_topics_per_viewer(client: Client) -> None:
    world = await make_world()
    await start_topic(world.public, world.users["full"], "公开主题")
    boards = (await client.get("/api/v1/boards")).json()["items"]
    names = {b["name"]: b for b in boards}
    assert "学习园地" in names and "甲支部内部交流" not in names
    assert names["学习园地"]["can_read"] and not names["学习园地"]["can_start_topic"]
    await client.login("full")
    names = {b["name"]: b for b in (await client.get("/api/v1/boards")).json()["items"]}
    assert names["甲支部内部交流"]["can_start_topic"] is True
    topics = (await client.get(f"/api/v1/boards/{world.public.id}/topics")).json()
    assert [t["title"] for t in topics["items"]] == ["公开主题"] and topics["next"] is None
    assert (await client.get("/api/v1/boards/99999/topics")).json() == {
        "error": "页面不存在或您无权查看",
        "status": 404,
    }


async def test_api_create_topic_reply_edit_delete(client: Client) -> None:
    world = await make_world()
    await client.login("full")
    response = await client.post_json(
        f"/api/v1/boards/{world.public.id}/topics", {"title": "接口主题", "body": "正文"}
    )
    assert response.status_code == 201, response.text
    topic_id = response.json()["id"]
    response = await client.post_json(
        f"/api/v1/topics/{topic_id}/posts", {"body": "回复 @full2", "reply_to": 1}
    )
    assert response.status_code == 201
    post = response.json()
    assert post["number"] == 2 and post["reply_to_number"] == 1 and post["can_edit"]
    response = await client.request_json(
        "PATCH", f"/api/v1/topics/{topic_id}/posts/2", {"body": "改过的回复"}
    )
    assert response.status_code == 200 and response.json()["edit_count"] == 1
    response = await client.request_json("DELETE", f"/api/v1/topics/{topic_id}/posts/2")
    assert response.status_code == 200 and response.json()["deleted"] is True
    view = (await client.get(f"/api/v1/topics/{topic_id}")).json()
    assert [p["html"] for p in view["posts"]] == ["<p>正文</p>", None]
    notes = await other_notifications(client, world)
    assert notes == ["mention"]


async def other_notifications(client: Client, world: object) -> list[str]:
    await client.logout()
    await client.login("full2")
    data = (await client.get("/api/v1/notifications")).json()
    assert data["unread"] == len(data["items"])
    return [n["kind"] for n in data["items"]]


async def test_api_refuses_bad_input_and_writes_nothing(client: Client) -> None:
    world = await make_world()
    topic = await start_topic(world.public, world.users["full"])
    await client.login("full")
    url = f"/api/v1/boards/{world.public.id}/topics"
    bad_bodies = [
        {"title": "标题", "body": "正文", "extra": 1},
        {"title": 5, "body": "正文"},
        {"title": "标" * 100_000, "body": "正文"},
        {"title": "", "body": "正文"},
        {"title": "标题", "body": "字" * 20_001},
        {"title": "标题", "body": True},
    ]
    for body in bad_bodies:
        response = await client.post_json(url, body)
        assert response.status_code == 400, body
        assert response.json()["status"] == 400
    assert (await client.post_json(url, ["not", "an", "object"])).status_code == 400
    response = await client.http.post(
        url, content=b"{broken", headers={"X-CSRF-Token": await client.csrf()}
    )
    assert response.status_code == 400
    posts_url = f"/api/v1/topics/{topic.id}/posts"
    assert (await client.post_json(posts_url, {"body": "x", "reply_to": "1"})).status_code == 400
    assert (await client.post_json(posts_url, {"body": "x", "reply_to": 99})).status_code == 404
    assert (await client.post_json("/api/v1/topics/99999/posts", {"body": "x"})).status_code == 404
    no_csrf = await client.http.post(posts_url, json={"body": "x"})
    assert no_csrf.status_code == 403
    assert await Topic.all().count() == 1 and await Post.all().count() == 1


async def test_api_anonymous_cannot_post_or_read_notifications(client: Client) -> None:
    world = await make_world()
    topic = await start_topic(world.public, world.users["full"])
    response = await client.post_json(f"/api/v1/topics/{topic.id}/posts", {"body": "游客"})
    assert response.status_code == 403
    assert (await client.get("/api/v1/notifications")).status_code == 403
    view = (await client.get(f"/api/v1/topics/{topic.id}")).json()
    assert view["topic"]["can_reply"] is False and view["posts"][0]["can_like"] is False


async def test_openapi_documents_board_routes(client: Client) -> None:
    doc = (await client.get("/api/v1/openapi.json")).json()
    for path, method in [
        ("/api/v1/boards", "get"),
        ("/api/v1/boards/{board_id}/topics", "get"),
        ("/api/v1/boards/{board_id}/topics", "post"),
        ("/api/v1/topics/{topic_id}", "get"),
        ("/api/v1/topics/{topic_id}/posts", "post"),
        ("/api/v1/topics/{topic_id}/posts/{number}", "patch"),
        ("/api/v1/topics/{topic_id}/posts/{number}", "delete"),
        ("/api/v1/notifications", "get"),
        ("/api/v1/search", "get"),
    ]:
        assert method in doc["paths"][path], (path, method)
