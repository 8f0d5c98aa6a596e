"""Helpers shared by the meeting actions: events with their audience, fresh viewer facts."""

from __future__ import annotations

import dataclasses
from typing import Any

from forum import events
from forum.events import ChannelEvent, EventType
from forum.policy import (
    Viewer,
)
from forum.viewer import viewer_for_user
from realtime.meetings import queries
from realtime.meetings.eventtypes import meeting_channel
from realtime.meetings.models import (
    Meeting,
)

MAX_MESSAGE_CHARS = 5000
MAX_AGENDA_ITEMS = 30


def audience_of(meeting: Meeting, *, hosts_only: bool = False) -> dict[str, Any]:
    """Facts `can_receive` needs to filter deliveries without a query."""
    return {
        "meeting_id": meeting.id,
        "type": str(meeting.type),
        "org_id": meeting.org_id,
        "org_path": meeting.org_path,
        "host_user_ids": list(meeting.host_user_ids),
        "hosts_only": hosts_only,
    }


async def _event(
    meeting: Meeting,
    type: EventType[Any],
    payload: dict[str, Any],
    *,
    hosts_only: bool = False,
) -> ChannelEvent:
    return await events.emit(
        meeting_channel(meeting.id),
        type,
        {"meeting_id": meeting.id, **payload},
        audience=audience_of(meeting, hosts_only=hosts_only),
    )


async def fresh(actor: Viewer) -> Viewer:
    """Re-read the actor's membership, roles and sanctions (never trust connect-time facts)."""
    if actor.user_id is None:
        return actor
    viewer = await viewer_for_user(actor.user_id, session_id=actor.session_id)
    return dataclasses.replace(viewer, ip=actor.ip)


async def _reload(meeting: Meeting) -> Meeting:
    return await queries.get_meeting(meeting.id)
