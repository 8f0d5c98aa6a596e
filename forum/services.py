"""Process-wide services opened by the app lifespan (broker, counters, Redis client).

Actions reach the broker through `get_services()` to publish after commit; tests that
drive the app without its lifespan install services with `set_services()`.
"""

from __future__ import annotations

from dataclasses import dataclass

import redis.asyncio as aioredis

from forum.broker import Broker, MemoryBroker, RedisBroker, make_redis
from forum.ratelimit import Counter, MemoryCounter, RedisCounter
from forum.settings import Settings


@dataclass
class Services:
    broker: Broker
    counter: Counter
    redis: aioredis.Redis | None = None


_current: Services | None = None


def get_services() -> Services:
    global _current
    if _current is None:  # scripts and tests without a lifespan: embedded defaults
        _current = Services(broker=MemoryBroker(), counter=MemoryCounter())
    return _current


def set_services(services: Services | None) -> None:
    global _current
    _current = services


async def open_services(settings: Settings) -> Services:
    if settings.redis_url:
        client = make_redis(settings.redis_url)
        broker: Broker = RedisBroker(client, settings.redis_prefix)
        services = Services(
            broker=broker, counter=RedisCounter(client, settings.redis_prefix), redis=client
        )
    else:
        services = Services(broker=MemoryBroker(), counter=MemoryCounter())
    await services.broker.start()
    set_services(services)
    return services


async def close_services(services: Services) -> None:
    await services.broker.close()
    if services.redis is not None:
        await services.redis.aclose()
    if _current is services:
        set_services(None)
