"""The realtime hub: connection registry and delivery of broker messages to websockets.

Started and stopped by the app lifespan. (The full core arrives with the boards/meetings
issues: per-channel ids, resume from a last id, policy filtering at delivery.)
"""

from __future__ import annotations

from forum.services import Services


async def start(services: Services) -> None:
    return None


async def stop() -> None:
    return None
