"""Presence in a meeting room: who is connected now, across workers.

Each open room page sends a `here` heartbeat (on subscribe and every 20 s); a user counts as
present while their last heartbeat is younger than `TTL`. With Redis the heartbeats live in a
sorted set per meeting (shared by every worker); without Redis (one process) in memory.
Presence is ephemeral: it is not written to the event log, and a Redis outage only makes the
list empty until it is back (it never fails an action).
"""

from __future__ import annotations

import logging

from redis.exceptions import RedisError

from forum.clock import timestamp
from forum.services import get_services
from forum.settings import get_settings

TTL = 45.0

logger = logging.getLogger("grassroots.meetings")
_memory: dict[int, dict[int, float]] = {}
_memory_owner: object = None


def _local() -> dict[int, dict[int, float]]:
    """The in-process table, tied to the current services (fresh services: fresh table)."""
    global _memory_owner
    services = get_services()
    if _memory_owner is not services:
        _memory_owner = services
        _memory.clear()
    return _memory


def _key(meeting_id: int) -> str:
    return f"{get_settings().redis_prefix}:meeting-presence:{meeting_id}"


async def touch(meeting_id: int, user_id: int) -> None:
    now = timestamp()
    redis = get_services().redis
    if redis is None:
        _local().setdefault(meeting_id, {})[user_id] = now
        return
    key = _key(meeting_id)
    try:
        async with redis.pipeline(transaction=False) as pipe:
            pipe.zadd(key, {str(user_id): now})
            pipe.zremrangebyscore(key, 0, now - TTL)
            pipe.expire(key, int(TTL * 4))
            await pipe.execute()
    except (RedisError, OSError) as exc:
        logger.warning("presence heartbeat for meeting %s failed: %s", meeting_id, exc)


async def leave(meeting_id: int, user_id: int) -> None:
    redis = get_services().redis
    if redis is None:
        _local().get(meeting_id, {}).pop(user_id, None)
        return
    try:
        await redis.zrem(_key(meeting_id), str(user_id))
    except (RedisError, OSError) as exc:
        logger.warning("presence leave for meeting %s failed: %s", meeting_id, exc)


async def present(meeting_id: int) -> list[int]:
    """User ids seen within TTL, in ascending order."""
    since = timestamp() - TTL
    redis = get_services().redis
    if redis is None:
        seen = _local().get(meeting_id, {})
        return sorted(uid for uid, at in seen.items() if at >= since)
    try:
        members = await redis.zrangebyscore(_key(meeting_id), since, "+inf")
    except (RedisError, OSError) as exc:
        logger.warning("presence read for meeting %s failed: %s", meeting_id, exc)
        return []
    return sorted(int(str(m)) for m in members)
