"""Live topic updates end to end: two uvicorn workers, PostgreSQL, Redis, websockets.

A reader on worker A follows a topic from the id its page was rendered with; replies posted
through worker B arrive live; after a disconnect the reader gets exactly what it missed; a
member of another branch cannot follow the branch-internal topic at all.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx
import pytest

from tests.e2e.servers import DEMO_PASSWORD, UvicornServer, login, post_form, running
from tests.e2e.wsclient import WsClient

pytestmark = pytest.mark.e2e
LAST_ID = re.compile(r'data-channel="(topic:\d+)" data-last-id="(\d+)"')


@pytest.fixture(scope="module")
def workers(e2e_demo_env: dict[str, str]) -> Iterator[tuple[UvicornServer, UvicornServer]]:
    with running(UvicornServer(e2e_demo_env), UvicornServer(e2e_demo_env)) as pair:
        yield pair


async def _internal_topic(server: UvicornServer, cookie: str) -> int:
    async with httpx.AsyncClient(base_url=server.base_url, headers={"Cookie": cookie}) as client:
        boards = (await client.get("/api/v1/boards")).json()["items"]
        board = next(b for b in boards if b["name"].endswith("内部交流"))
        topics = (await client.get(f"/api/v1/boards/{board['id']}/topics")).json()["items"]
        return int(topics[0]["id"])


async def _page_position(server: UvicornServer, cookie: str, topic_id: int) -> tuple[str, int]:
    async with httpx.AsyncClient(base_url=server.base_url, headers={"Cookie": cookie}) as client:
        page = await client.get(f"/t/{topic_id}")
    match = LAST_ID.search(page.text)
    assert match is not None, page.text[:300]
    return match[1], int(match[2])


async def test_replies_on_one_worker_reach_a_reader_on_the_other_and_resume(
    workers: tuple[UvicornServer, UvicornServer],
) -> None:
    a, b = workers
    reader = await login(a.base_url, "full_member", DEMO_PASSWORD)
    writer = await login(b.base_url, "secretary", DEMO_PASSWORD)
    topic_id = await _internal_topic(a, reader)
    channel, last_id = await _page_position(a, reader, topic_id)
    async with WsClient.connect(a.ws_url, reader) as ws:
        replay, subscribed = await ws.subscribe(channel, last_id=last_id)
        assert replay == [] and subscribed["last_id"] == last_id
        response = await post_form(
            b.base_url, writer, f"/t/{topic_id}/reply", {"body": "**实时**回复"}
        )
        assert response.status_code == 303, response.text[:300]
        (event,) = await ws.events(channel, 1)
        assert event["id"] == last_id + 1 and event["event"] == "post.created"
        assert event["data"]["html"] == "<p><strong>实时</strong>回复</p>"
        assert "audience" not in event
        last_id = event["id"]
    # Offline: two more replies and an edit; the reader resumes on the other worker.
    for username, text in (("deputy", "第一条"), ("organizer", "第二条")):  # separate cooldowns
        cookie = await login(b.base_url, username, DEMO_PASSWORD)
        response = await post_form(b.base_url, cookie, f"/t/{topic_id}/reply", {"body": text})
        assert response.status_code == 303, response.text[:300]
    async with WsClient.connect(b.ws_url, reader) as ws:
        replay, subscribed = await ws.subscribe(channel, last_id=last_id)
        assert [f["data"]["html"] for f in replay] == ["<p>第一条</p>", "<p>第二条</p>"]
        assert [f["id"] for f in replay] == [last_id + 1, last_id + 2]
        assert subscribed["last_id"] == last_id + 2


async def test_outsider_cannot_follow_branch_topic(
    workers: tuple[UvicornServer, UvicornServer],
) -> None:
    a, _ = workers
    member = await login(a.base_url, "full_member", DEMO_PASSWORD)
    outsider = await login(a.base_url, "sibling_secretary", DEMO_PASSWORD)
    topic_id = await _internal_topic(a, member)
    async with WsClient.connect(a.ws_url, outsider) as ws:
        await ws.send({"type": "subscribe", "channel": f"topic:{topic_id}", "ref": "s1"})
        refused = await ws.next_frame(lambda f: f.get("ref") == "s1")
        assert refused["type"] == "error" and refused["code"] == "not_found"
        await post_form(a.base_url, member, f"/t/{topic_id}/reply", {"body": "内部消息"})
        await ws.send({"type": "ping"})
        assert await ws.next_frame(lambda f: True) == {"type": "pong"}
        assert ws.backlog == []
