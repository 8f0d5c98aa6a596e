"""Fixed-window counters for throttling (login failures, posting, per-IP requests).

Redis when `FORUM_REDIS_URL` is set (shared by all workers), in-process otherwise.
"""

from __future__ import annotations

import time
from typing import Protocol

import redis.asyncio as aioredis
from redis.exceptions import RedisError


class Counter(Protocol):
    async def hit(self, key: str, window: int) -> int:
        """Count one event in the current window; return the window's total."""
        ...

    async def peek(self, key: str, window: int) -> tuple[int, int]:
        """(events in the current window, seconds until it resets)."""
        ...

    async def reset(self, key: str) -> None: ...


class MemoryCounter:
    def __init__(self) -> None:
        self._windows: dict[str, tuple[float, int]] = {}

    def _current(self, key: str, window: int) -> tuple[float, int]:
        now = time.monotonic()
        start, count = self._windows.get(key, (now, 0))
        if now - start >= window:
            start, count = now, 0
        return start, count

    async def hit(self, key: str, window: int) -> int:
        start, count = self._current(key, window)
        self._windows[key] = (start, count + 1)
        if len(self._windows) > 100_000:  # bound memory under a flood of distinct keys
            self._expire(window)
        return count + 1

    async def peek(self, key: str, window: int) -> tuple[int, int]:
        start, count = self._current(key, window)
        return count, max(1, int(window - (time.monotonic() - start)))

    async def reset(self, key: str) -> None:
        self._windows.pop(key, None)

    def _expire(self, window: int) -> None:
        now = time.monotonic()
        for key in [k for k, (s, _) in self._windows.items() if now - s >= window]:
            del self._windows[key]


class RedisCounter:
    def __init__(self, client: aioredis.Redis, prefix: str) -> None:
        self._redis = client
        self._prefix = prefix + ":rl:"
        self._fallback = MemoryCounter()

    async def hit(self, key: str, window: int) -> int:
        name = self._prefix + key
        try:
            async with self._redis.pipeline(transaction=True) as pipe:
                pipe.incr(name)
                pipe.expire(name, window, nx=True)
                count, _ = await pipe.execute()
            return int(count)
        except (RedisError, OSError):
            # Redis down: keep throttling within this worker rather than not at all.
            return await self._fallback.hit(key, window)

    async def peek(self, key: str, window: int) -> tuple[int, int]:
        name = self._prefix + key
        try:
            async with self._redis.pipeline(transaction=False) as pipe:
                pipe.get(name)
                pipe.ttl(name)
                raw, ttl = await pipe.execute()
            return int(raw or 0), max(1, int(ttl) if ttl and int(ttl) > 0 else window)
        except (RedisError, OSError):
            return await self._fallback.peek(key, window)

    async def reset(self, key: str) -> None:
        try:
            await self._redis.delete(self._prefix + key)
        except (RedisError, OSError):
            await self._fallback.reset(key)
