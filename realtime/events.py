"""Per-channel event log: `append()` stores the next event of a channel in the caller's
transaction, `since()` reads what a client missed.

Ids are allocated by `UPDATE ... SET last_seq = last_seq + 1 ... RETURNING last_seq` on the
channel's counter row. The row lock is held until the caller's transaction ends, so within
a channel ids are 1, 2, 3 ... with no gaps and commit order equals id order (a rolled back
transaction also rolls back its increment). The counter row is created on first use with
`INSERT ... ON CONFLICT DO NOTHING`, which is race free on PostgreSQL (a concurrent insert
waits for the first one) and trivially so on SQLite (writers are serialized).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient, TransactionalDBClient
from tortoise.connection import get_connection
from tortoise.transactions import in_transaction

from realtime.models import ChannelCounter, ChannelEvent

__all__ = ["MAX_CHANNEL_LENGTH", "ChannelEvent", "append", "head", "heads", "prune", "since"]

MAX_CHANNEL_LENGTH = 100
MAX_TYPE_LENGTH = 64
CHANNEL_RE = re.compile(r"^[a-z][a-z0-9_]*:[0-9]{1,10}$")

_COUNTERS = ChannelCounter._meta.db_table
_BUMP = 'UPDATE "{t}" SET "last_seq" = "last_seq" + 1 WHERE "channel" = {p} RETURNING "last_seq"'
_CREATE = 'INSERT INTO "{t}" ("channel", "last_seq") VALUES ({p}, 0) ON CONFLICT DO NOTHING'


def _placeholder(conn: BaseDBAsyncClient) -> str:
    return "?" if conn.capabilities.dialect == "sqlite" else "$1"


def check_channel(channel: str) -> None:
    if not CHANNEL_RE.match(channel) or len(channel) > MAX_CHANNEL_LENGTH:
        raise ValueError(f"invalid channel name {channel!r} (expected 'kind:<id>')")


async def _next_seq(conn: BaseDBAsyncClient, channel: str) -> int:
    param = _placeholder(conn)
    bump = _BUMP.format(t=_COUNTERS, p=param)
    rows = await conn.execute_query_dict(bump, [channel])
    if not rows:
        await conn.execute_query(_CREATE.format(t=_COUNTERS, p=param), [channel])
        rows = await conn.execute_query_dict(bump, [channel])
    return int(rows[0]["last_seq"])


async def append(
    channel: str, type: str, payload: dict[str, Any], *, audience: dict[str, Any] | None = None
) -> ChannelEvent:
    """Store the next event of `channel`; call inside the action's transaction.

    Publish the returned event with `realtime.publisher.publish` after the commit. Called
    outside a transaction it opens its own (the event is then committed on return).
    """
    check_channel(channel)
    if not type or len(type) > MAX_TYPE_LENGTH:
        raise ValueError(f"invalid event type {type!r}")
    conn = get_connection("default")
    if not isinstance(conn, TransactionalDBClient):
        async with in_transaction() as tx:
            return await _append(tx, channel, type, payload, audience or {})
    return await _append(conn, channel, type, payload, audience or {})


async def _append(
    conn: BaseDBAsyncClient,
    channel: str,
    type: str,
    payload: dict[str, Any],
    audience: dict[str, Any],
) -> ChannelEvent:
    seq = await _next_seq(conn, channel)
    return await ChannelEvent.create(
        channel=channel, seq=seq, type=type, payload=payload, audience=audience, using_db=conn
    )


async def since(
    channel: str, after: int, *, upto: int | None = None, limit: int
) -> list[ChannelEvent]:
    """Events of `channel` with `after < seq <= upto`, in id order, at most `limit`."""
    query = ChannelEvent.filter(channel=channel, seq__gt=after)
    if upto is not None:
        query = query.filter(seq__lte=upto)
    return await query.order_by("seq").limit(limit)


async def head(channel: str) -> int:
    """The last committed id of `channel` (0 when it has none)."""
    return (await heads([channel])).get(channel, 0)


async def heads(channels: list[str]) -> dict[str, int]:
    """Last committed ids of several channels (missing ones are absent)."""
    if not channels:
        return {}
    rows = await ChannelCounter.filter(channel__in=channels).values_list("channel", "last_seq")
    return {str(channel): int(seq) for channel, seq in rows}


async def prune(older_than: dt.datetime) -> int:
    """Delete events created before `older_than`; returns how many.

    Counters are kept, so ids never repeat; a client resuming from a pruned id gets a
    `reload` frame (the hub never skips missing ids).
    """
    return await ChannelEvent.filter(created_at__lt=older_than).delete()
