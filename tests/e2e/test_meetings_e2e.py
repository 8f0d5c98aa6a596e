"""A full branch plenary end to end: two uvicorn workers, PostgreSQL, Redis, websockets.

Check-in, discussion across workers, an admission vote that fails on quorum and one that
passes, a non-eligible ballot and a duplicate ballot refused, resume after a forced
disconnect on the other worker, a cross-origin handshake and an oversized frame refused.
Faults: Redis outage and worker restart (2 clients), and the fault harness of
`bench/meeting_faults.py` at 20 clients (Redis stopped, then a worker SIGKILLed).
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from websockets.exceptions import ConnectionClosed, InvalidStatus

from tests.e2e import meeting_faults
from tests.e2e.meeting_faults import seed_branch, start_plenary
from tests.e2e.servers import (
    DEMO_PASSWORD,
    RedisServer,
    UvicornServer,
    async_wait_for,
    login,
    running,
    server_env,
)
from tests.e2e.wsclient import WsClient

pytestmark = pytest.mark.e2e


async def _cookie(server: UvicornServer, username: str) -> str:
    return await login(server.base_url, username, DEMO_PASSWORD)


def _ok(frame: dict[str, Any]) -> dict[str, Any]:
    assert frame["type"] == "ack", frame
    return frame["data"]  # type: ignore[no-any-return]


async def test_full_plenary_over_two_workers(
    server_pair: tuple[UvicornServer, UvicornServer], e2e_env: dict[str, str]
) -> None:
    a, b = server_pair
    p = f"m{uuid.uuid4().hex[:6]}"
    seed = seed_branch(e2e_env, p, voters=4)  # expected voters: 4 (quorum needs 3, passing 3 yes)
    sec = await _cookie(a, f"{p}sec")
    meeting_id = await start_plenary(a, sec, seed["branch_id"])
    channel = f"meeting:{meeting_id}"
    cookies = {name: await _cookie(b, f"{p}{name}") for name in ("v1", "v2", "v3", "prob")}

    async with (
        WsClient.connect(a.ws_url, sec) as host,
        WsClient.connect(b.ws_url, cookies["v1"]) as v1,
        WsClient.connect(a.ws_url, cookies["v2"]) as v2,
        WsClient.connect(b.ws_url, cookies["prob"]) as prob,
    ):
        for ws in (host, v1, v2, prob):
            await ws.subscribe(channel, last_id=0)
        # Presence spans both workers (Redis): four people are in the room.
        here = _ok(await v2.action(channel, "here"))
        assert here["count"] == 4
        # Check-in: the host and v1 (2 of 4 voters: exactly half, no quorum), and prob.
        for ws in (host, v1, prob):
            _ok(await ws.action(channel, "check_in"))
        # Discussion crosses workers (v1 on b, v2 on a).
        number = _ok(await v1.action(channel, "message", {"body": "同意**接收**"}))["number"]
        seen = await v2.next_frame(
            lambda f: f.get("type") == "event" and f.get("event") == "message.posted"
        )
        assert seen["data"]["number"] == number and "<strong>接收</strong>" in seen["data"]["html"]
        # Not checked in yet: v2 may not speak.
        refused = await v2.action(channel, "message", {"body": "我也说"})
        assert refused["type"] == "error" and refused["code"] == "forbidden"

        # First admission vote: no quorum.
        first = _ok(
            await host.action(
                channel,
                "create_vote",
                {
                    "kind": "admission",
                    "title": "接收预备党员",
                    "candidate_id": seed["target_member_id"],
                },
            )
        )["vote_id"]
        _ok(await host.action(channel, "open_vote", {"vote_id": first}))
        for ws in (host, v1):
            _ok(await ws.action(channel, "cast_ballot", {"vote_id": first, "choice": "yes"}))
        result = _ok(await host.action(channel, "close_vote", {"vote_id": first}))["result"]
        assert result["quorum"] is False and result["passed"] is False

        # v2 checks in: 3 of 4. Second vote passes with 3 yes; prob's ballot is refused and
        # a second ballot by the same voter is refused by the database.
        _ok(await v2.action(channel, "check_in"))
        second = _ok(
            await host.action(
                channel,
                "create_vote",
                {"kind": "admission", "title": "复议", "candidate_id": seed["target_member_id"]},
            )
        )["vote_id"]
        _ok(await host.action(channel, "open_vote", {"vote_id": second}))
        bad = await prob.action(channel, "cast_ballot", {"vote_id": second, "choice": "yes"})
        assert bad["type"] == "error" and bad["code"] == "forbidden"
        for ws in (host, v1, v2):
            _ok(await ws.action(channel, "cast_ballot", {"vote_id": second, "choice": "yes"}))
        again = await v1.action(channel, "cast_ballot", {"vote_id": second, "choice": "no"})
        assert again["type"] == "error" and again["code"] == "invalid"
        result = _ok(await host.action(channel, "close_vote", {"vote_id": second}))["result"]
        assert result["quorum"] is True and result["passed"] is True
        closed = await prob.next_frame(
            lambda f: (
                f.get("type") == "event"
                and f.get("event") == "vote.closed"
                and f["data"]["vote_id"] == second
            )
        )
        assert closed["data"]["result"]["passed"] is True

        # Every client saw the same ids, in order, once.
        last = closed["id"]

    # Resume: v3 was never connected; it joins on the other worker from id 0 and gets the
    # whole history in order, exactly once; then a forced disconnect and resume from a
    # middle id on worker a.
    async with WsClient.connect(a.ws_url, cookies["v3"]) as v3:
        replay, subscribed = await v3.subscribe(channel, last_id=0)
        ids = [f["id"] for f in replay if f.get("type") == "event"]
        assert ids == sorted(set(ids)) and subscribed["last_id"] == last
        # Everything but the two hosts-only `vote.created` events of unpublished questions.
        assert len(set(range(1, last + 1)) - set(ids)) == 2
        assert {f["event"] for f in replay} >= {"message.posted", "ballot.cast", "vote.closed"}
    async with WsClient.connect(b.ws_url, cookies["v3"]) as v3:
        replay, _ = await v3.subscribe(channel, last_id=last - 3)
        assert [f["id"] for f in replay] == [last - 2, last - 1, last]
        _ok(await v3.action(channel, "check_in"))
        (own,) = await v3.events(channel, 1)
        assert own["id"] == last + 1 and own["event"] == "member.checked_in"


async def test_outsider_origin_and_oversized_frames_refused(
    server_pair: tuple[UvicornServer, UvicornServer], e2e_env: dict[str, str]
) -> None:
    a, _ = server_pair
    p = f"m{uuid.uuid4().hex[:6]}"
    seed = seed_branch(e2e_env, p, voters=3)
    sec = await _cookie(a, f"{p}sec")
    meeting_id = await start_plenary(a, sec, seed["branch_id"])
    channel = f"meeting:{meeting_id}"
    outsider = await _cookie(a, f"{p}out")
    async with WsClient.connect(a.ws_url, outsider) as ws:
        await ws.send({"type": "subscribe", "channel": channel, "last_id": 0})
        refused = await ws.next_frame(lambda f: f.get("type") == "error")
        assert refused["code"] == "not_found"
        denied = await ws.action(channel, "check_in")
        assert denied["type"] == "error" and denied["code"] in {"not_found", "forbidden"}
    with pytest.raises(InvalidStatus):
        async with WsClient.connect(a.ws_url, sec, origin="http://evil.example"):
            pass
    async with WsClient.connect(a.ws_url, sec) as ws:
        await ws.subscribe(channel, last_id=0)
        await ws.send(
            {
                "type": "action",
                "channel": channel,
                "action": "message",
                "data": {"body": "x" * 70000},
            }
        )
        with pytest.raises(ConnectionClosed) as closed:
            while True:
                await ws.connection.recv()
        assert closed.value.rcvd is not None and closed.value.rcvd.code == 1009


async def test_redis_outage_and_worker_restart_lose_nothing(
    e2e_database_url: str, private_redis: RedisServer
) -> None:
    env = server_env(e2e_database_url, private_redis.url)
    p = f"m{uuid.uuid4().hex[:6]}"
    seed = seed_branch(env, p, voters=3)
    with running(UvicornServer(env), UvicornServer(env)) as (c, d):
        sec = await _cookie(c, f"{p}sec")
        meeting_id = await start_plenary(c, sec, seed["branch_id"])
        channel = f"meeting:{meeting_id}"
        v1_cookie = await _cookie(d, f"{p}v1")
        async with WsClient.connect(c.ws_url, sec) as host:
            await host.subscribe(channel, last_id=0)
            async with WsClient.connect(d.ws_url, v1_cookie) as v1:
                _, subscribed = await v1.subscribe(channel, last_id=0)
                start = subscribed["last_id"]
                _ok(await v1.action(channel, "check_in"))
                private_redis.stop()
                await async_wait_for(
                    lambda: _status(d, 503), 20, "/healthz 503 while Redis is down"
                )
                # Messages are stored and delivered across workers (the DB poll) while down.
                numbers = [
                    _ok(await v1.action(channel, "message", {"body": f"断线中 {n}"}))["number"]
                    for n in range(3)
                ]
                got = await host.events(channel, 4, timeout=30)
                assert [f["event"] for f in got] == ["member.checked_in"] + ["message.posted"] * 3
                assert [f["data"]["number"] for f in got[1:]] == numbers
                last = got[-1]["id"]
            # Worker d restarts while v1 is away; the host keeps talking on worker c.
            d.stop()
            _ok(await host.action(channel, "message", {"body": "重启期间"}))
            private_redis.start()
            d.start()
            await async_wait_for(lambda: _status(d, 200), 45, "/healthz 200 after the restart")
            async with WsClient.connect(d.ws_url, v1_cookie) as v1:
                replay, subscribed = await v1.subscribe(channel, last_id=last)
                assert [f["id"] for f in replay] == [last + 1]
                assert replay[0]["data"]["html"] == "<p>重启期间</p>"
                _ok(await v1.action(channel, "message", {"body": "回来了"}))
                own, live = await host.events(channel, 2, timeout=30)
                assert [own["id"], live["id"]] == [last + 1, last + 2]
                assert live["data"]["html"] == "<p>回来了</p>"
            assert start < last


async def _status(server: UvicornServer, status: int) -> bool:
    return await server.health() == status


async def test_meeting_faults_harness_small_scale(e2e_database_url: str) -> None:
    """`bench/meeting_faults.py` (500 clients) with 20: Redis stops (both workers up, so
    cross-worker delivery falls back to the database poll; /healthz degraded then ok), then a
    worker is SIGKILLed and its clients resume on the other. Every participant sees every event
    exactly once, in order; every acknowledged message is stored exactly once."""
    config = meeting_faults.Config(
        clients=20,
        duration=5.0,
        rate=5.0,
        active_every=4,  # 5 speakers and voters
        fault="both",
        fault_at=0.5,
        redis_outage=1.5,
        settle_timeout=60.0,
        quiet=True,
    )
    report = await meeting_faults.run(config, e2e_database_url)
    summary = "\n".join(report.lines())
    assert report.ok, summary
    assert report.lost == report.duplicates == report.out_of_order == 0, summary
    assert report.expected > 20 * 20 and report.deliveries == report.expected, summary
    assert [status for _, status in report.health_down] == ["degraded", "degraded"], summary
    assert [status for _, status in report.health_after] == ["ok", "ok"], summary
    # The killed worker's half of the room reconnected to the survivor and resumed.
    assert report.reconnected_clients == 10, summary
    assert report.messages_acked >= 10 and report.ballots_acked == 5, summary
