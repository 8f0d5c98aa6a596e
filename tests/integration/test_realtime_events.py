"""`forum.events.append` and `forum.publisher` on the real database (SQLite and PG)."""

from __future__ import annotations

import asyncio
import datetime as dt
import socket
import time
from typing import Any

import pytest
from tortoise.transactions import in_transaction

from forum import events, publisher
from forum.broker import RedisBroker, make_redis
from forum.eventlog import ChannelCounter, ChannelEvent
from forum.services import Services


async def test_ids_are_one_to_n_per_channel(database: object) -> None:
    async with in_transaction():
        first = [await events.append("topic:1", "post.created", {"n": n}) for n in range(3)]
    async with in_transaction():
        other = await events.append("topic:2", "post.created", {"n": 0}, audience={"h": False})
        more = await events.append("topic:1", "post.edited", {"n": 3})
    assert [e.seq for e in first] == [1, 2, 3]
    assert (other.seq, more.seq) == (1, 4)
    stored = await ChannelEvent.get(channel="topic:2", seq=1)
    assert stored.type == "post.created"
    assert stored.payload == {"n": 0}
    assert stored.audience == {"h": False}
    assert await events.head("topic:1") == 4
    assert await events.head("topic:9") == 0
    assert await events.heads(["topic:1", "topic:2", "topic:9"]) == {"topic:1": 4, "topic:2": 1}
    rows = await events.since("topic:1", 1, upto=3, limit=10)
    assert [(r.seq, r.type) for r in rows] == [(2, "post.created"), (3, "post.created")]
    assert [r.seq for r in await events.since("topic:1", 0, limit=2)] == [1, 2]


async def test_rolled_back_append_leaves_no_gap(database: object) -> None:
    await events.append("topic:5", "a", {})  # outside a transaction: opens its own
    with pytest.raises(RuntimeError):
        async with in_transaction():
            await events.append("topic:5", "b", {})
            raise RuntimeError("the action failed")
    with pytest.raises(RuntimeError):
        async with in_transaction():  # first use of a channel rolled back too
            await events.append("topic:6", "b", {})
            raise RuntimeError("the action failed")
    again = await events.append("topic:5", "c", {})
    assert again.seq == 2
    assert [r.type for r in await events.since("topic:5", 0, limit=10)] == ["a", "c"]
    assert not await ChannelCounter.filter(channel="topic:6").exists()
    assert (await events.append("topic:6", "d", {})).seq == 1


async def test_concurrent_appends_have_no_duplicates_or_gaps(database: object) -> None:
    async def writer(n: int) -> list[int]:
        async with in_transaction():
            a = await events.append("meeting:7", "x", {"w": n})
            await asyncio.sleep(0)  # let the other writers run into the row lock
            b = await events.append("meeting:7", "x", {"w": n})
        return [a.seq, b.seq]

    results = await asyncio.gather(*(writer(n) for n in range(12)))
    seqs = sorted(s for pair in results for s in pair)
    assert seqs == list(range(1, 25))
    for a, b in results:  # one transaction's events are contiguous (the lock is held)
        assert b == a + 1
    assert await ChannelEvent.filter(channel="meeting:7").count() == 24


async def test_invalid_channel_or_type_is_refused(database: object) -> None:
    for channel in ("topic", "topic:", "Topic:1", "topic:1:2", "topic:abc", "x" * 99 + ":1"):
        with pytest.raises(ValueError):
            await events.append(channel, "t", {})
    with pytest.raises(ValueError):
        await events.append("topic:1", "", {})
    assert await ChannelEvent.all().count() == 0


async def test_publish_sends_channel_id_event_data_audience(
    database: object, services: Services
) -> None:
    received: list[tuple[str, dict[str, Any]]] = []

    async def handler(channel: str, message: dict[str, Any]) -> None:
        received.append((channel, message))

    services.broker.subscribe("topic:3", handler)
    services.broker.subscribe("user:8", handler)
    async with in_transaction():
        event = await events.append("topic:3", "post.created", {"p": 1}, audience={"b": 2})
    await publisher.publish(event)
    await publisher.notify_user(8, "viewer.changed", {"why": "role"})
    sent_at = received[0][1].pop("ts")
    assert isinstance(sent_at, float) and sent_at <= time.time()
    assert received == [
        (
            "topic:3",
            {
                "channel": "topic:3",
                "id": 1,
                "event": "post.created",
                "data": {"p": 1},
                "audience": {"b": 2},
            },
        ),
        ("user:8", {"type": "viewer.changed", "why": "role"}),
    ]


def _dead_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def test_publish_with_redis_down_never_raises_and_delivers_locally(
    database: object, services: Services
) -> None:
    broker = RedisBroker(make_redis(f"redis://127.0.0.1:{_dead_port()}/0"), "test-dead")
    services.broker = broker
    received: list[dict[str, Any]] = []

    async def handler(channel: str, message: dict[str, Any]) -> None:
        received.append(message)

    broker.subscribe("topic:4", handler)
    event = await events.append("topic:4", "post.created", {})
    await publisher.publish(event)
    await publisher.notify_user(1, "session.revoked", {"session_id": "s"})
    assert [m["id"] for m in received] == [1]
    assert not await broker.healthy()
    assert not broker.connected
    await broker.close()


async def test_prune_deletes_old_events_and_ids_keep_growing(database: object) -> None:
    for _ in range(3):
        await events.append("topic:8", "x", {})
    old = dt.datetime.now(dt.UTC) - dt.timedelta(days=40)
    await ChannelEvent.filter(channel="topic:8", seq__lte=2).update(created_at=old)
    cutoff = dt.datetime.now(dt.UTC) - dt.timedelta(days=30)
    assert await events.prune(cutoff) == 2
    assert [r.seq for r in await events.since("topic:8", 0, limit=10)] == [3]
    assert (await events.append("topic:8", "x", {})).seq == 4
    assert await events.prune(cutoff) == 0
