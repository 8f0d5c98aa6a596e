"""The realtime core end to end: real uvicorn processes, PostgreSQL, Redis, websockets."""

from __future__ import annotations

import uuid

import pytest

from tests.e2e.servers import (
    UvicornServer,
    login,
    register,
)
from tests.e2e.wsclient import WsClient

pytestmark = pytest.mark.e2e


def _name(prefix: str) -> str:
    return f"{prefix}{uuid.uuid4().hex[:8]}"


async def _user(server: UvicornServer) -> str:
    """Register a fresh account, then log in over HTTP; returns the cookie header."""
    username = _name("u")
    await register(server.base_url, username)
    return await login(server.base_url, username)


async def _whoami(ws: WsClient) -> int:
    ack = await ws.action("echo:1", "whoami")
    assert ack["type"] == "ack", ack
    return int(ack["data"]["user_id"])


def _ids(frames: list[dict[str, object]]) -> list[object]:
    return [f["id"] for f in frames]


async def test_clients_on_two_workers_see_each_others_events(
    server_pair: tuple[UvicornServer, UvicornServer],
) -> None:
    a, b = server_pair
    channel = f"echo:{uuid.uuid4().int % 100000}"
    alice_cookie, bob_cookie = await _user(a), await _user(b)
    async with (
        WsClient.connect(a.ws_url, alice_cookie) as alice,
        WsClient.connect(b.ws_url, bob_cookie) as bob,
    ):
        replay, subscribed = await alice.subscribe(channel)
        assert (replay, subscribed["last_id"]) == ([], 0)
        await bob.subscribe(channel, last_id=0)
        bob_id = await _whoami(bob)

        ack = await alice.action(channel, "emit", {"text": "你好"})
        assert ack == {"type": "ack", "ref": ack["ref"], "data": {"ids": [1]}}
        for ws in (alice, bob):
            (event,) = await ws.events(channel, 1)
            assert event == {
                "type": "event", "channel": channel, "id": 1, "event": "echo.said",
                "data": {"text": "你好", "n": 0},
            }  # fmt: skip
        assert (await bob.action(channel, "emit", {"text": "b", "count": 3}))["data"] == {
            "ids": [2, 3, 4]
        }
        assert _ids(await alice.events(channel, 3)) == [2, 3, 4]
        assert _ids(await bob.events(channel, 3)) == [2, 3, 4]

        # The policy filters at delivery: 5 is for bob only; alice skips it without a gap-fill.
        await alice.action(channel, "emit", {"text": "secret", "only": [bob_id]})
        await alice.action(channel, "emit", {"text": "public"})
        assert [(f["id"], f["data"]["text"]) for f in await bob.events(channel, 2)] == [
            (5, "secret"),
            (6, "public"),
        ]
        assert [(f["id"], f["data"]["text"]) for f in await alice.events(channel, 1)] == [
            (6, "public")
        ]
        # Nothing else arrived (no duplicates): a ping is answered next.
        for ws in (alice, bob):
            await ws.send({"type": "ping"})
            assert await ws.next_frame(lambda f: True) == {"type": "pong"}
            assert ws.backlog == []
