"""The `topic:{id}` channel kind: who may follow a topic and receive each of its events."""

from __future__ import annotations

from typing import Any

from forum.errors import NotFound
from forum.policy import Viewer, can_receive_topic_event
from realtime.channels import ChannelKind, register_channel_kind


async def can_subscribe(viewer: Viewer, topic_id: int) -> bool:
    from forum.boards import queries

    try:
        await queries.get_topic_for(viewer, topic_id)
    except NotFound:
        return False
    return True


def can_receive(viewer: Viewer, event: dict[str, Any]) -> bool:
    audience = event.get("audience")
    return isinstance(audience, dict) and can_receive_topic_event(viewer, audience)


register_channel_kind(
    ChannelKind(prefix="topic", can_subscribe=can_subscribe, can_receive=can_receive)
)
