"""Message broker: fan-out of committed events to every worker process.

Two implementations behind one interface: `MemoryBroker` (one process, the embedded
default) and `RedisBroker` (Redis pub/sub, for several uvicorn workers). The database is
the source of truth; the broker only carries notifications, so a lost message is recovered
by the resume path (clients ask for what they missed by id).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections import defaultdict
from collections.abc import Awaitable, Callable
from typing import Any, Protocol

import redis.asyncio as aioredis
from redis.exceptions import RedisError

logger = logging.getLogger("grassroots.broker")

Handler = Callable[[str, dict[str, Any]], Awaitable[None]]
# Called after the broker (re)connected: messages sent meanwhile may have been missed.
ReconnectHook = Callable[[], Awaitable[None]]


class Broker(Protocol):
    name: str

    async def start(self) -> None: ...

    async def close(self) -> None: ...

    async def publish(self, channel: str, message: dict[str, Any]) -> bool:
        """Send to every subscriber in every worker. False if it could not be sent."""
        ...

    def subscribe(self, channel: str, handler: Handler) -> Callable[[], None]:
        """Call `handler(channel, message)` for each message; returns an unsubscribe."""
        ...

    async def healthy(self) -> bool: ...

    @property
    def connected(self) -> bool:
        """False while messages from other workers may be missed (poll the database)."""
        ...

    def on_reconnect(self, hook: ReconnectHook) -> Callable[[], None]:
        """Call `hook()` each time the broker (re)connects; returns a remover."""
        ...


class _LocalFanout:
    """Subscriber bookkeeping shared by both brokers (delivery inside one process)."""

    def __init__(self) -> None:
        self._handlers: dict[str, set[Handler]] = defaultdict(set)
        self._reconnect_hooks: list[ReconnectHook] = []

    def on_reconnect(self, hook: ReconnectHook) -> Callable[[], None]:
        self._reconnect_hooks.append(hook)

        def remove() -> None:
            with contextlib.suppress(ValueError):
                self._reconnect_hooks.remove(hook)

        return remove

    async def _run_reconnect_hooks(self) -> None:
        for hook in list(self._reconnect_hooks):
            try:
                await hook()
            except Exception:
                logger.exception("broker reconnect hook failed")

    def subscribe(self, channel: str, handler: Handler) -> Callable[[], None]:
        self._handlers[channel].add(handler)

        def unsubscribe() -> None:
            handlers = self._handlers.get(channel)
            if handlers is not None:
                handlers.discard(handler)
                if not handlers:
                    del self._handlers[channel]

        return unsubscribe

    async def deliver(self, channel: str, message: dict[str, Any]) -> None:
        for handler in list(self._handlers.get(channel, ())):
            try:
                await handler(channel, message)
            except Exception:  # one bad subscriber must not stop the others
                logger.exception("broker handler failed on %s", channel)

    @property
    def channels(self) -> int:
        return len(self._handlers)


class MemoryBroker(_LocalFanout):
    name = "memory"

    async def start(self) -> None:
        return None

    async def close(self) -> None:
        self._handlers.clear()

    async def publish(self, channel: str, message: dict[str, Any]) -> bool:
        await self.deliver(channel, message)
        return True

    async def healthy(self) -> bool:
        return True

    @property
    def connected(self) -> bool:
        return True


class RedisBroker(_LocalFanout):
    """One pattern subscription per process; messages are dispatched to local handlers.

    If Redis goes away the listener keeps retrying; publishes fail fast (returning False,
    after delivering to this process's own subscribers) and the server keeps accepting and
    storing. While disconnected `connected` is False (the hub polls the database), and the
    reconnect hooks run after each successful subscription so the hub can catch up.
    """

    name = "redis"

    def __init__(self, client: aioredis.Redis, prefix: str) -> None:
        super().__init__()
        self._redis = client
        self._prefix = prefix + ":ch:"
        self._task: asyncio.Task[None] | None = None
        self._connected = asyncio.Event()
        self.reconnects = 0

    async def start(self) -> None:
        self._task = asyncio.create_task(self._listen(), name="redis-broker-listener")

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        self._handlers.clear()

    async def wait_connected(self, timeout: float = 5.0) -> bool:
        try:
            await asyncio.wait_for(self._connected.wait(), timeout)
        except TimeoutError:
            return False
        return True

    @property
    def connected(self) -> bool:
        return self._connected.is_set()

    async def publish(self, channel: str, message: dict[str, Any]) -> bool:
        try:
            await self._redis.publish(self._prefix + channel, json.dumps(message))
        except (RedisError, OSError) as exc:
            logger.warning("broker publish to %s failed: %s", channel, exc)
            await self.deliver(channel, message)  # this worker's own subscribers still hear it
            return False
        return True

    async def healthy(self) -> bool:
        try:
            return bool(await asyncio.wait_for(self._redis.ping(), 1.0))
        except (RedisError, OSError, TimeoutError):
            return False

    async def _listen(self) -> None:
        delay = 0.1
        while True:
            pubsub = self._redis.pubsub(ignore_subscribe_messages=True)
            try:
                await pubsub.psubscribe(self._prefix + "*")
                self._connected.set()
                delay = 0.1
                await self._run_reconnect_hooks()
                async for raw in pubsub.listen():
                    if raw.get("type") != "pmessage":
                        continue
                    channel = _text(raw["channel"])[len(self._prefix) :]
                    try:
                        message = json.loads(_text(raw["data"]))
                    except ValueError:
                        logger.warning("dropping malformed broker message on %s", channel)
                        continue
                    await self.deliver(channel, message)
            except asyncio.CancelledError:
                raise
            except (RedisError, OSError) as exc:
                self._connected.clear()
                self.reconnects += 1
                logger.warning("broker lost Redis (%s); retrying in %.1fs", exc, delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 2.0)
            finally:
                with contextlib.suppress(Exception):
                    await pubsub.aclose()  # type: ignore[no-untyped-call]


def _text(value: str | bytes) -> str:
    return value.decode() if isinstance(value, bytes) else value


def make_redis(url: str) -> aioredis.Redis:
    return aioredis.from_url(
        url,
        decode_responses=True,
        socket_connect_timeout=1.0,
        socket_timeout=None,
        health_check_interval=5,
        retry_on_timeout=False,
    )
