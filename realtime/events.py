"""Per-channel event log (STUB until the realtime core lands; see docs/realtime.md)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class ChannelEvent:
    channel: str
    seq: int
    type: str
    payload: dict[str, Any]
    audience: dict[str, Any] = field(default_factory=dict)


async def append(
    channel: str, type: str, payload: dict[str, Any], *, audience: dict[str, Any] | None = None
) -> ChannelEvent:
    """Store the next event of `channel`; call inside the action's transaction."""
    return ChannelEvent(channel, 0, type, payload, audience or {})
