"""Per-channel event log: `append()` stores the next event of a channel in the caller's
transaction, `since()` reads what a client missed.

Ids are allocated by `UPDATE ... SET last_seq = last_seq + 1 ... RETURNING last_seq` on the
channel's counter row. The row lock is held until the caller's transaction ends, so within
a channel ids are 1, 2, 3 ... with no gaps and commit order equals id order (a rolled back
transaction also rolls back its increment). The counter row is created on first use with
`INSERT ... ON CONFLICT DO NOTHING`, which is race free on PostgreSQL (a concurrent insert
waits for the first one) and trivially so on SQLite (writers are serialized).

Content that moderation can take away (a post, a meeting message) is never kept in the log
after it is gone: events carrying it are tagged with their `subject` (`post:17`), and an
event that removes the subject (`post.hidden`, `message.removed`) rewrites every earlier
event of that subject into a copy of itself, in the same transaction, keeping their ids.
An event that updates the subject (`post.edited`) merges its payload into the earlier
ones, so a replay carries the current version, never the old text. See `EventType.subject`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Generic, Literal, TypeVar

from tortoise.backends.base.client import BaseDBAsyncClient, TransactionalDBClient
from tortoise.connection import get_connection
from tortoise.transactions import in_transaction

from forum.eventlog import ChannelCounter, ChannelEvent
from forum.parts import Registry

__all__ = [
    "MAX_CHANNEL_LENGTH",
    "TYPES",
    "ChannelEvent",
    "EventType",
    "Subject",
    "append",
    "channel_name",
    "emit",
    "head",
    "heads",
    "prune",
    "since",
    "subject_of",
]

MAX_CHANNEL_LENGTH = 100
MAX_TYPE_LENGTH = 64
CHANNEL_RE = re.compile(r"^[a-z][a-z0-9_]*:[0-9]{1,10}$")

_COUNTERS = ChannelCounter._meta.db_table
_BUMP = 'UPDATE "{t}" SET "last_seq" = "last_seq" + 1 WHERE "channel" = {p} RETURNING "last_seq"'
_CREATE = 'INSERT INTO "{t}" ("channel", "last_seq") VALUES ({p}, 0) ON CONFLICT DO NOTHING'


@dataclass(frozen=True)
class Subject:
    """How an event type names the content it is about, and what it does to the earlier
    events about the same content: `carries` it (new), `updates` it (merged into the earlier
    carrying events), or `removes` it (the earlier carrying events become copies of it)."""

    noun: str  # the subject's prefix: `post` -> subject `post:<payload[key]>`
    key: str  # the payload field with the content's id (unique within the channel)
    does: Literal["carries", "updates", "removes"]


P = TypeVar("P", bound=Mapping[str, Any])


@dataclass(frozen=True)
class EventType(Generic[P]):
    """One event type of a channel kind, with its payload shape `P` (a TypedDict) for the
    type checker. Parts declare their types once (`forum/boards/eventtypes.py`) and list
    them in their `Part.provides`; a type that carries removable user content names its
    `subject`, so hiding the content also rewrites the earlier events about it."""

    name: str
    subject: Subject | None = None

    def install(self) -> None:
        TYPES.add(self.name, self)


TYPES: Registry[EventType[Any]] = Registry("event types")


def channel_name(prefix: str, object_id: int) -> str:
    """The channel of one object (`topic:17`); its kind's prefix comes from its part."""
    return f"{prefix}:{object_id}"


def _carrying(noun: str) -> list[str]:
    return [
        t.name
        for t in TYPES
        if t.subject is not None and t.subject.noun == noun and t.subject.does != "removes"
    ]


def subject_of(type: str, payload: dict[str, Any]) -> tuple[Subject, str] | None:
    """The rule and subject (`post:17`) of an event, or None if it is about no content
    (an unlisted type, or a payload without the integer id)."""
    known = TYPES.get(type)
    rule = known.subject if known is not None else None
    value = payload.get(rule.key) if rule is not None else None
    if rule is None or not isinstance(value, int) or isinstance(value, bool):
        return None
    return rule, f"{rule.noun}:{value}"


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


async def emit(
    channel: str, type: EventType[P], payload: P, *, audience: dict[str, Any] | None = None
) -> ChannelEvent:
    """`append` with a declared event type: the payload is checked against its shape."""
    return await append(channel, type.name, dict(payload), audience=audience)


async def append(
    channel: str, type: str, payload: dict[str, Any], *, audience: dict[str, Any] | None = None
) -> ChannelEvent:
    """Store the next event of `channel`; call inside the action's transaction.

    Publish the returned event with `forum.publisher.publish` after the commit. Called
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
    seq = await _next_seq(conn, channel)  # from here on the channel's appends wait for us
    found = subject_of(type, payload)
    subject = None
    if found is not None:
        rule, subject = found
        await _supersede(conn, channel, subject, rule, type, payload, audience)
    return await ChannelEvent.create(
        channel=channel,
        seq=seq,
        type=type,
        payload=payload,
        audience=audience,
        subject=subject,
        using_db=conn,
    )


async def _supersede(
    conn: BaseDBAsyncClient,
    channel: str,
    subject: str,
    rule: Subject,
    type: str,
    payload: dict[str, Any],
    audience: dict[str, Any],
) -> None:
    """Rewrite the earlier events of `subject` that carry its content (see `Subject`)."""
    if rule.does == "carries":
        return
    earlier = ChannelEvent.filter(
        channel=channel, subject=subject, type__in=_carrying(rule.noun)
    ).using_db(conn)
    if rule.does == "removes":  # a tombstone: the removal itself, without any text
        await earlier.update(type=type, payload=payload, audience=audience)
        return
    for row in await earlier:  # a handful per subject: its creation and edits
        row.payload = {**row.payload, **payload}
        await row.save(update_fields=["payload"], using_db=conn)


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
