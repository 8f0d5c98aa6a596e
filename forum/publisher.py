"""Publishing after commit: fan committed events out to every worker through the broker.

`publish()` never raises: the events are already in the database, so a broker outage only
delays delivery (other workers poll the database until the broker is back, and clients
resume by id). When the broker cannot send, this worker's own subscribers still get the
message (see `RedisBroker.publish`).
"""

from __future__ import annotations

import logging
from typing import Any, Literal

from tortoise.backends.base.client import TransactionalDBClient
from tortoise.connection import get_connection

from forum.clock import timestamp
from forum.eventlog import ChannelEvent
from forum.events import channel_name
from forum.observability import EVENTS_PUBLISHED
from forum.services import get_services

logger = logging.getLogger("grassroots.realtime")


def user_channel(user_id: int) -> str:
    """The broker channel of one person's live connections (never stored in the log)."""
    return channel_name("user", user_id)


# What a user's live connections hear (not stored, not replayed). The hub acts on the first
# two; the others reach the user's sockets as `notice` frames.
UserNotice = Literal["session.revoked", "viewer.changed", "notification.created"]


async def publish(*events: ChannelEvent) -> None:
    """Send committed events (returned by `events.append`) to every subscriber."""
    if _in_transaction():
        logger.warning("publish() called inside a transaction: publish after the commit")
    broker = get_services().broker
    for event in events:
        try:
            # `ts` lets each worker measure the broker lag (grassroots_broker_lag_seconds).
            await broker.publish(event.channel, {**event.as_message(), "ts": timestamp()})
            EVENTS_PUBLISHED.inc()
        except Exception:  # the log is the source of truth: never fail the action
            logger.exception("publishing %s #%s failed", event.channel, event.seq)


def _in_transaction() -> bool:
    try:
        return isinstance(get_connection("default"), TransactionalDBClient)
    except Exception:  # no database configured (scripts): nothing to check
        return False


async def session_revoked(user_id: int, session_id: str) -> None:
    """The hub closes the user's sockets that run on this session."""
    await notify_user(user_id, "session.revoked", {"session_id": session_id})


async def viewer_changed(user_id: int, reason: str) -> None:
    """The hub reloads the user's viewer facts (a sanction began or ended, a role changed)."""
    await notify_user(user_id, "viewer.changed", {"reason": reason})


async def notification_created(user_id: int, **data: Any) -> None:
    """The user's bell: a new notification is waiting."""
    await notify_user(user_id, "notification.created", data)


async def notify_user(user_id: int, type: UserNotice, data: dict[str, Any] | None = None) -> None:
    """An ephemeral message to every live connection of a user (not stored, not replayed)."""
    message = {**(data or {}), "type": type}
    try:
        await get_services().broker.publish(user_channel(user_id), message)
    except Exception:
        logger.exception("notifying user %s of %s failed", user_id, type)
