"""Publishing after commit (STUB until the realtime core lands; see docs/realtime.md)."""

from __future__ import annotations

from typing import Any

from forum.services import get_services
from realtime.events import ChannelEvent


async def publish(*events: ChannelEvent) -> None:
    broker = get_services().broker
    for event in events:
        await broker.publish(
            event.channel,
            {
                "id": event.seq,
                "event": event.type,
                "data": event.payload,
                "audience": event.audience,
            },
        )


async def notify_user(user_id: int, type: str, data: dict[str, Any] | None = None) -> None:
    await get_services().broker.publish(f"user:{user_id}", {"type": type, **(data or {})})
