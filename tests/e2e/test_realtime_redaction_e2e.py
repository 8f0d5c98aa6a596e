"""Removed content never comes back through a replay, across workers: a reply is hidden by a
moderator on worker A (and a meeting message by the host); a reader already following on worker B hears `post.hidden` live
(through Redis), and readers subscribing on worker B afterwards, from id 0 or from a cursor
before the reply, get no trace of its text. Two uvicorn workers, PostgreSQL, Redis."""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Iterator

import httpx
import pytest

from tests.e2e.meeting_faults import seed_branch, start_plenary
from tests.e2e.servers import DEMO_PASSWORD, UvicornServer, login, post_form, running
from tests.e2e.wsclient import WsClient

pytestmark = pytest.mark.e2e
LAST_ID = re.compile(r'data-channel="(topic:\d+)" data-last-id="(\d+)"')


@pytest.fixture(scope="module")
def workers(e2e_demo_env: dict[str, str]) -> Iterator[tuple[UvicornServer, UvicornServer]]:
    with running(UvicornServer(e2e_demo_env), UvicornServer(e2e_demo_env)) as pair:
        yield pair


async def _topic_and_position(server: UvicornServer, cookie: str) -> tuple[int, str, int]:
    async with httpx.AsyncClient(base_url=server.base_url, headers={"Cookie": cookie}) as client:
        boards = (await client.get("/api/v1/boards")).json()["items"]
        board = next(b for b in boards if b["name"].endswith("内部交流"))
        topics = (await client.get(f"/api/v1/boards/{board['id']}/topics")).json()["items"]
        topic_id = int(topics[0]["id"])
        page = await client.get(f"/t/{topic_id}")
    match = LAST_ID.search(page.text)
    assert match is not None, page.text[:300]
    return topic_id, match[1], int(match[2])


async def test_reply_hidden_on_one_worker_is_never_replayed_on_the_other(
    workers: tuple[UvicornServer, UvicornServer],
) -> None:
    a, b = workers
    secret = "只应短暂出现的回复内容"
    reader = await login(b.base_url, "full_member", DEMO_PASSWORD)
    author = await login(a.base_url, "deputy", DEMO_PASSWORD)
    moderator = await login(a.base_url, "secretary", DEMO_PASSWORD)
    topic_id, channel, cursor = await _topic_and_position(a, reader)
    async with WsClient.connect(b.ws_url, reader) as live:
        await live.subscribe(channel, last_id=cursor)
        response = await post_form(a.base_url, author, f"/t/{topic_id}/reply", {"body": secret})
        assert response.status_code == 303, response.text[:300]
        (created,) = await live.events(channel, 1)
        assert created["event"] == "post.created" and secret in created["data"]["html"]
        number = created["data"]["number"]
        response = await post_form(
            a.base_url,
            moderator,
            f"/t/{topic_id}/{number}/hide",
            {"hidden": "1", "confirmed": "1"},
        )
        assert response.status_code == 303, response.text[:300]
        (hidden,) = await live.events(channel, 1)
        assert hidden["event"] == "post.hidden" and hidden["data"]["number"] == number
    for last_id in (0, cursor):  # a fresh subscriber and a reconnecting one, on worker B
        async with WsClient.connect(b.ws_url, reader) as ws:
            replay, subscribed = await ws.subscribe(channel, last_id=last_id)
        assert subscribed["last_id"] == created["id"] + 1
        assert secret not in json.dumps(replay, ensure_ascii=False)
        mine = [f for f in replay if f["data"].get("number") == number]
        assert [f["event"] for f in mine] == ["post.hidden", "post.hidden"]
        assert [f["id"] for f in mine] == [created["id"], hidden["id"]]  # ids kept
    # The page agrees: the text is gone there too.
    async with httpx.AsyncClient(base_url=b.base_url, headers={"Cookie": reader}) as client:
        page = await client.get(f"/t/{topic_id}")
    assert page.status_code == 200 and secret not in page.text


async def test_message_removed_on_one_worker_is_never_replayed_on_the_other(
    server_pair: tuple[UvicornServer, UvicornServer], e2e_env: dict[str, str]
) -> None:
    a, b = server_pair
    p = f"r{uuid.uuid4().hex[:6]}"
    seed = seed_branch(e2e_env, p, voters=3)
    host_cookie = await login(a.base_url, f"{p}sec", DEMO_PASSWORD)
    meeting_id = await start_plenary(a, host_cookie, seed["branch_id"])
    channel = f"meeting:{meeting_id}"
    speaker = await login(a.base_url, f"{p}v1", DEMO_PASSWORD)
    listener = await login(b.base_url, f"{p}v2", DEMO_PASSWORD)
    secret = "主持人移除的会议发言"
    async with (
        WsClient.connect(a.ws_url, host_cookie) as host,
        WsClient.connect(a.ws_url, speaker) as ws,
    ):
        _, subscribed = await ws.subscribe(channel, last_id=0)
        cursor = subscribed["last_id"]
        await host.subscribe(channel, last_id=cursor)
        assert (await ws.action(channel, "check_in"))["type"] == "ack"
        posted = await ws.action(channel, "message", {"body": secret})
        assert posted["type"] == "ack", posted
        number = posted["data"]["number"]
        removed = await host.action(channel, "remove_message", {"number": number})
        assert removed["type"] == "ack", removed
    for last_id in (0, cursor):  # on worker B, after the removal on worker A
        async with WsClient.connect(b.ws_url, listener) as late:
            replay, _ = await late.subscribe(channel, last_id=last_id)
        assert secret not in json.dumps(replay, ensure_ascii=False)
        mine = [f for f in replay if f["data"].get("number") == number]
        assert [f["event"] for f in mine] == ["message.removed", "message.removed"]
