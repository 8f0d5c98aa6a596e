"""The realtime core end to end: real uvicorn processes, PostgreSQL, Redis, websockets."""

from __future__ import annotations

import asyncio
import json
import subprocess
import time
import uuid
from pathlib import Path

import httpx
import pytest
from websockets.exceptions import ConnectionClosed, InvalidStatus

from tests.e2e.servers import (
    DEMO_PASSWORD,
    RedisServer,
    UvicornServer,
    async_wait_for,
    login,
    post_form,
    register,
    run_cli,
    running,
    server_env,
)
from tests.e2e.wsclient import WsClient

pytestmark = pytest.mark.e2e


def _name(prefix: str) -> str:
    return f"{prefix}{uuid.uuid4().hex[:8]}"


async def _user(server: UvicornServer) -> str:
    """Register a fresh account, then log in over HTTP; returns the cookie header."""
    return (await _account(server))[1]


async def _account(server: UvicornServer) -> tuple[str, str]:
    username = _name("u")
    await register(server.base_url, username)
    return username, await login(server.base_url, username)


def _channel() -> str:
    return f"echo:{uuid.uuid4().int % 900000 + 1}"


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
    channel = _channel()
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


async def _assert_quiet(ws: WsClient) -> None:
    """Nothing is pending: the next frame after a ping is its pong."""
    await ws.send({"type": "ping"})
    assert await ws.next_frame(lambda f: True) == {"type": "pong"}
    assert ws.backlog == []


async def test_reconnect_to_the_other_worker_gets_exactly_the_missed_events(
    server_pair: tuple[UvicornServer, UvicornServer],
) -> None:
    a, b = server_pair
    channel = _channel()
    alice_cookie, bob_cookie = await _user(a), await _user(b)
    async with WsClient.connect(a.ws_url, alice_cookie) as alice:
        await alice.subscribe(channel, last_id=0)
        async with WsClient.connect(b.ws_url, bob_cookie) as bob:
            await bob.subscribe(channel, last_id=0)
            await alice.action(channel, "emit", {"count": 2})
            assert _ids(await bob.events(channel, 2)) == [1, 2]
        # bob is offline while events happen
        await alice.action(channel, "emit", {"text": "missed", "count": 5})
        await alice.action(channel, "emit", {"text": "missed too"})
        async with WsClient.connect(a.ws_url, bob_cookie) as bob_again:  # the other worker
            replay, subscribed = await bob_again.subscribe(channel, last_id=2)
            assert _ids(replay) == [3, 4, 5, 6, 7, 8]
            assert [f["data"]["n"] for f in replay[:5]] == [0, 1, 2, 3, 4]
            assert replay[-1]["data"]["text"] == "missed too"
            assert subscribed == {"type": "subscribed", "channel": channel, "last_id": 8}
            async with WsClient.connect(b.ws_url, bob_cookie) as writer:  # live, cross-worker
                await writer.action(channel, "emit", {"text": "live"})
            assert _ids(await bob_again.events(channel, 1)) == [9]
            assert _ids(await alice.events(channel, 9)) == list(range(1, 10))
            await _assert_quiet(bob_again)
            await _assert_quiet(alice)


async def test_resume_limits_reload_when_too_far_behind(
    server_pair: tuple[UvicornServer, UvicornServer], e2e_database_url: str
) -> None:
    a, b = server_pair
    channel = _channel()
    async with WsClient.connect(a.ws_url, await _user(a)) as writer:
        for _ in range(11):
            ack = await writer.action(channel, "emit", {"count": 50})
            assert ack["type"] == "ack", ack
    async with WsClient.connect(b.ws_url, await _user(b)) as reader:
        before, subscribed = await reader.subscribe(channel, last_id=49)  # 501 behind
        assert before == [{"type": "reload", "channel": channel, "reason": "too_far_behind"}]
        assert subscribed["last_id"] == 550
        assert await reader.subscribe(channel, last_id=3) == ([], subscribed)  # no-op
        await reader.send({"type": "unsubscribe", "channel": channel})
        assert (await reader.recv())["type"] == "unsubscribed"
        before, subscribed = await reader.subscribe(channel, last_id=50)  # exactly 500: replayed
        assert _ids(before) == list(range(51, 551))
        assert subscribed["last_id"] == 550
        await reader.send({"type": "unsubscribe", "channel": channel})
        await reader.recv()
        before, subscribed = await reader.subscribe(channel, last_id=9999)
        assert before == [{"type": "reload", "channel": channel, "reason": "unknown_position"}]
        assert subscribed["last_id"] == 550
        await reader.send({"type": "unsubscribe", "channel": channel})
        await reader.recv()
        # Events pruned from the log (here: deleted by hand) cannot be replayed: reload.
        subprocess.run(
            ["psql", e2e_database_url, "-qc",
             f"DELETE FROM realtime_channel_events WHERE channel = '{channel}' AND seq = 545"],  # noqa: S608 - test-made name
            check=True, capture_output=True, timeout=30,
        )  # fmt: skip
        before, subscribed = await reader.subscribe(channel, last_id=540)
        assert before == [{"type": "reload", "channel": channel, "reason": "too_far_behind"}]
        assert subscribed["last_id"] == 550
        await _assert_quiet(reader)


async def test_handshake_needs_an_allowed_origin_and_a_live_session(
    server_pair: tuple[UvicornServer, UvicornServer],
) -> None:
    a, _ = server_pair
    cookie = await _user(a)
    for origin in ("http://evil.example", None):
        with pytest.raises(InvalidStatus) as refused:
            await WsClient.connect(a.ws_url, cookie, origin=origin).open()
        assert refused.value.response.status_code == 403
    async with WsClient.connect(a.ws_url, None) as anonymous:
        assert await anonymous.closed_with() == 4401
    async with WsClient.connect(a.ws_url, "grassroots_session=forged") as forged:
        assert await forged.closed_with() == 4401
    async with WsClient.connect(a.ws_url, cookie) as ws:
        await _assert_quiet(ws)
    assert (await post_form(a.base_url, cookie, "/logout")).status_code == 303
    async with WsClient.connect(a.ws_url, cookie) as revoked:  # the old cookie is dead
        assert await revoked.closed_with() == 4401


async def test_bad_frames_get_error_frames_and_the_connection_survives(
    server_pair: tuple[UvicornServer, UvicornServer],
) -> None:
    for server in server_pair:  # with uvicorn's --ws-max-size 65536, and with the app's check
        async with WsClient.connect(server.ws_url, await _user(server)) as ws:
            cases: list[tuple[str | dict[str, object], str]] = [
                ("{not json", "invalid"),
                ("[1, 2]", "invalid"),
                ({"type": "shout"}, "invalid"),
                ({"type": "subscribe", "channel": "echo:1", "extra": 1}, "invalid"),
                ({"type": "subscribe", "channel": "echo:1", "last_id": "3"}, "invalid"),
                ({"type": "subscribe", "channel": "echo:1", "last_id": -1}, "invalid"),
                ({"type": "subscribe", "channel": "nokind:1"}, "not_found"),
                ({"type": "subscribe", "channel": "echo:2000000"}, "not_found"),
                ({"type": "action", "channel": "echo:1", "action": "emit", "data": []}, "invalid"),
                ({"type": "action", "channel": "echo:1", "data": {}}, "invalid"),
                ('"' + "x" * (64 * 1024 - 2) + '"', "invalid"),  # exactly 64 KB: allowed
            ]
            for frame, code in cases:
                await ws.send(frame)
                error = await ws.recv()
                assert (error["type"], error["code"]) == ("error", code), (frame, error)
                assert error["message"]
            await ws.connection.send(b"\x00binary")
            assert (await ws.recv())["code"] == "invalid"
            for code in ("forbidden", "not_found", "invalid", "rate_limited"):
                error = await ws.action("echo:1", "fail", {"code": code})
                assert (error["type"], error["code"]) == ("error", code)
                assert error.get("field") == ("code" if code == "invalid" else None)
            await _assert_quiet(ws)
            await ws.send("[" + " " * (64 * 1024 - 1) + "]")  # 64 KB + 1
            assert await ws.closed_with() == 1009


async def test_frame_flood_is_closed_with_4429(
    server_pair: tuple[UvicornServer, UvicornServer],
) -> None:
    a, _ = server_pair
    async with WsClient.connect(a.ws_url, await _user(a)) as ws:
        ping = json.dumps({"type": "ping"})
        try:
            for _ in range(200):
                await ws.connection.send(ping)
        except ConnectionClosed:
            pass
        frames: list[dict[str, object]] = []
        try:
            while True:
                frames.append(await ws.recv())
        except ConnectionClosed as closed:
            assert closed.rcvd is not None and closed.rcvd.code == 4429
        assert {"type": "pong"} in frames
        assert any(f.get("code") == "rate_limited" for f in frames)
        assert len([f for f in frames if f == {"type": "pong"}]) <= 45


async def test_session_revoked_and_notices_reach_sockets_on_every_worker(
    server_pair: tuple[UvicornServer, UvicornServer],
) -> None:
    a, b = server_pair
    username, cookie = await _account(a)
    second = await login(a.base_url, username)
    async with (
        WsClient.connect(b.ws_url, cookie) as ws,
        WsClient.connect(b.ws_url, second) as other,
    ):
        await ws.subscribe(_channel())
        assert (await other.action("echo:1", "notify", {"text": "新通知"}))["type"] == "ack"
        for sock in (ws, other):
            notice = await sock.next_frame(lambda f: f["type"] == "notice")
            assert notice == {
                "type": "notice", "event": "notification.created", "data": {"text": "新通知"}
            }  # fmt: skip
        # Logging out on worker A closes that session's socket on worker B, only that one.
        assert (await post_form(a.base_url, cookie, "/logout")).status_code == 303
        assert await ws.closed_with() == 4401
        await _assert_quiet(other)


async def test_redis_outage_loses_nothing_and_healthz_reports_it(
    e2e_database_url: str, private_redis: RedisServer
) -> None:
    env = server_env(e2e_database_url, private_redis.url)
    with running(UvicornServer(env), UvicornServer(env)) as (c, d):
        channel = _channel()
        alice_cookie, bob_cookie = await _user(c), await _user(d)
        async with (
            WsClient.connect(c.ws_url, alice_cookie) as alice,
            WsClient.connect(d.ws_url, bob_cookie) as bob,
        ):
            await alice.subscribe(channel, last_id=0)
            await bob.subscribe(channel, last_id=0)
            await alice.action(channel, "emit", {"text": "before"})
            assert _ids(await bob.events(channel, 1)) == [1]

            private_redis.stop()

            async def both(status: int) -> bool:
                return [await c.health(), await d.health()] == [status, status]

            await async_wait_for(lambda: both(503), 45, "/healthz 503 on both workers")
            assert (await alice.action(channel, "emit", {"text": "down", "count": 2}))["data"] == {
                "ids": [2, 3]
            }
            assert (await bob.action(channel, "emit", {"text": "down"}))["data"] == {"ids": [4]}
            assert _ids(await alice.events(channel, 4)) == [1, 2, 3, 4]
            assert _ids(await bob.events(channel, 3)) == [2, 3, 4]
            async with WsClient.connect(d.ws_url, alice_cookie) as late:  # resume while down
                replay, _ = await late.subscribe(channel, last_id=1)
                assert _ids(replay) == [2, 3, 4]

            # A stream of events across the restart: each must reach the other worker, in order.
            restarted = asyncio.Event()
            streamed: list[int] = []

            async def stream() -> None:
                while len(streamed) < 30 and not (restarted.is_set() and len(streamed) >= 3):
                    ack = await bob.action(channel, "emit", {"text": "stream"})
                    assert ack["type"] == "ack", ack
                    (got,) = await alice.events(channel, 1, timeout=15)
                    assert got["id"] == ack["data"]["ids"][0]
                    streamed.append(got["id"])

            async def streamed_at_least(n: int) -> bool:
                if streamer.done():
                    streamer.result()  # surface the stream's failure
                return len(streamed) >= n

            streamer = asyncio.create_task(stream())
            await async_wait_for(lambda: streamed_at_least(2), 45, "events streamed while down")
            private_redis.start()
            await async_wait_for(lambda: both(200), 45, "/healthz 200 on both workers")
            restarted.set()
            await asyncio.wait_for(streamer, 60)
            assert streamed == list(range(5, 5 + len(streamed)))
            assert _ids(await bob.events(channel, len(streamed))) == streamed
            last = streamed[-1]
            await alice.action(channel, "emit", {"text": "back"})
            await bob.action(channel, "emit", {"text": "back"})
            for ws in (alice, bob):
                # Generous: right after the restart a publish may still fail on its own, and
                # then the safety poll (5 s) delivers; on a loaded CI machine that takes longer.
                assert _ids(await ws.events(channel, 2, timeout=30)) == [last + 1, last + 2]
                await _assert_quiet(ws)


async def test_viewer_changed_drops_subscriptions_the_viewer_may_no_longer_hold(
    server_pair: tuple[UvicornServer, UvicornServer],
) -> None:
    a, b = server_pair
    channel = _channel()
    cookie = await _user(a)
    async with (
        WsClient.connect(b.ws_url, cookie) as ws,
        WsClient.connect(b.ws_url, await _user(a)) as observer,
    ):
        await ws.subscribe(channel, last_id=0)
        await observer.subscribe(channel, last_id=0)
        await observer.action(channel, "emit", {"text": "seen"})
        assert _ids(await ws.events(channel, 1)) == [1]
        # A fact of the viewer changes (here: the display name the echo kind checks) ...
        changed = await post_form(a.base_url, cookie, "/me", {"display_name": "blocked-x"})
        assert changed.status_code == 303
        await observer.action(channel, "viewer_changed")  # another user's change: no effect
        await _assert_quiet(ws)
        # ... and is announced on user:{id} (from worker A's HTTP side in real code).
        assert (await ws.action(channel, "viewer_changed"))["type"] == "ack"
        assert await ws.next_frame(lambda f: f["type"] == "unsubscribed") == {
            "type": "unsubscribed", "channel": channel, "reason": "forbidden"
        }  # fmt: skip
        # ... and the page hears the reload with the facts it shows controls by.
        notice = await ws.next_frame(lambda f: f["type"] == "notice")
        assert notice["event"] == "viewer.changed" and notice["data"]["can_post"] is True
        await observer.action(channel, "emit", {"text": "not for you"})
        assert _ids(await observer.events(channel, 2)) == [1, 2]  # worker B handled event 2
        await _assert_quiet(ws)
        await ws.send({"type": "subscribe", "channel": channel, "last_id": 1})
        assert (await ws.recv())["code"] == "not_found"


async def test_single_process_on_sqlite_without_redis(tmp_path: Path) -> None:
    """The embedded setup (`forum serve` defaults): SQLite and the in-process broker."""
    env = server_env(f"sqlite://{tmp_path / 'forum.sqlite3'}", None)
    run_cli(env, "migrate")
    server = UvicornServer(env).start()
    try:
        health = await server.health()
        assert health == 200
        channel = _channel()
        cookie = await _user(server)
        async with WsClient.connect(server.ws_url, cookie) as alice:
            await alice.subscribe(channel, last_id=0)
            async with WsClient.connect(server.ws_url, await _user(server)) as bob:
                await bob.subscribe(channel, last_id=0)
                assert (await alice.action(channel, "emit", {"count": 3}))["type"] == "ack"
                assert _ids(await bob.events(channel, 3)) == [1, 2, 3]
            await alice.action(channel, "emit", {"count": 2})
            async with WsClient.connect(server.ws_url, cookie) as again:
                replay, subscribed = await again.subscribe(channel, last_id=3)
                assert (_ids(replay), subscribed["last_id"]) == ([4, 5], 5)
            assert _ids(await alice.events(channel, 5)) == [1, 2, 3, 4, 5]
            await _assert_quiet(alice)

            async def metrics_show(*lines: str) -> bool:
                async with httpx.AsyncClient(base_url=server.base_url) as http:
                    text = (await http.get("/metrics")).text
                return all(line in text for line in lines)

            await async_wait_for(
                lambda: metrics_show(
                    "grassroots_websocket_connections 1.0",  # alice only, once the others closed
                    "grassroots_events_published_total 5.0",
                ),
                10,
                "realtime metrics",
            )
    finally:
        server.stop()


async def test_demo_accounts_log_in_and_open_sockets(e2e_demo_env: dict[str, str]) -> None:
    """The shared `e2e_demo_env` fixture: demo accounts work over HTTP and /ws."""
    with running(UvicornServer(e2e_demo_env)) as (server,):
        cookie = await login(server.base_url, "secretary", DEMO_PASSWORD)
        async with WsClient.connect(server.ws_url, cookie) as ws:
            await _assert_quiet(ws)
            assert (await ws.action("echo:1", "whoami"))["data"]["user_id"] > 0


async def test_uvicorn_with_two_worker_processes_fans_out(e2e_env: dict[str, str]) -> None:
    """`--workers 2` behind one port: sockets land on both processes and all get the events."""
    with running(UvicornServer(e2e_env, workers=2)) as (server,):
        cookie = await _user(server)
        channel = _channel()
        clients: dict[int, WsClient] = {}
        opened: list[WsClient] = []
        try:
            # The workers share the listening socket: whichever is in accept() takes the next
            # connection. On a loaded machine the second may still be starting (/healthz only
            # needs one), so keep connecting until a second pid answers, for up to 60 s.
            deadline = time.monotonic() + 60
            attempts = 0
            while len(clients) < 2 and time.monotonic() < deadline:
                ws = await WsClient.connect(server.ws_url, cookie).open()
                pid = (await ws.action(channel, "whoami"))["data"]["pid"]
                if pid in clients:
                    await ws.close()
                else:
                    clients[pid] = ws
                    opened.append(ws)
                attempts += 1
                if attempts >= 20:
                    await asyncio.sleep(0.2)  # poll interval while the other worker starts
            assert len(clients) == 2, "all connections landed on one worker for 60 s"
            first, second = clients.values()
            for ws in (first, second):
                await ws.subscribe(channel, last_id=0)
            await first.action(channel, "emit", {"count": 2})
            await second.action(channel, "emit", {"count": 1})
            for ws in (first, second):
                assert _ids(await ws.events(channel, 3)) == [1, 2, 3]
                await _assert_quiet(ws)
        finally:
            for ws in opened:
                await ws.close()


def test_prune_events_command(e2e_env: dict[str, str]) -> None:
    assert "已删除 0 条 30 天前的实时事件" in run_cli(e2e_env, "prune-events", "--days", "30")
