"""Meeting discussion messages in the moderation tools (flag, review queue).

Removing is the meetings part's own soft state (`removed`, kept for the record); hide and
delete both remove, restore brings the message back (`message.posted` to the open rooms).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from forum.clock import utcnow
from forum.errors import ActionError
from forum.events import ChannelEvent
from forum.policy import Viewer, can_moderate_meeting, can_see_meeting
from moderation.registry import FlagTarget, Place, TargetInfo
from realtime.meetings import eventtypes, queries
from realtime.meetings.actions._common import _event
from realtime.meetings.models import Meeting, MeetingMessage

REMOVED_REASON_MAX = 500  # MeetingMessage.removed_reason


async def load_message(message_id: int) -> TargetInfo | None:
    message = await MeetingMessage.get_or_none(id=message_id)
    meeting = await Meeting.get_or_none(id=message.meeting_id) if message else None
    if message is None or meeting is None:
        return None
    return TargetInfo(
        kind="meeting_message",
        id=message.id,
        author_id=message.author_id,
        org_path=meeting.org_path,
        excerpt=message.body_raw[:200],
        url=f"/meetings/{meeting.id}",
        hidden=message.removed,
        context=meeting,
    )


def message_visible(viewer: Viewer, info: TargetInfo) -> bool:
    meeting = info.context
    if not isinstance(meeting, Meeting) or not can_see_meeting(viewer, meeting):
        return False
    return not info.hidden or can_moderate_meeting(viewer, meeting)


async def remove_message(message_id: int, actor: Viewer, reason: str) -> Sequence[ChannelEvent]:
    message = await MeetingMessage.get(id=message_id)
    if message.removed:
        return []
    if len(reason) > REMOVED_REASON_MAX:  # kept with the message: refused, never cut
        raise ActionError(f"移除原因不能超过 {REMOVED_REASON_MAX} 个字", field="reason")
    await MeetingMessage.filter(id=message.id).update(
        removed=True,
        removed_by_id=actor.user_id,
        removed_reason=reason,
        removed_at=utcnow(),
    )
    meeting = await Meeting.get(id=message.meeting_id)
    return [await _event(meeting, eventtypes.MESSAGE_REMOVED, {"number": message.number})]


async def restore_message(message_id: int, actor: Viewer, reason: str) -> Sequence[ChannelEvent]:
    """Back in the room: the open rooms hear `message.posted` (e.g. a held message approved)."""
    message = await MeetingMessage.get(id=message_id)
    if not message.removed:
        return []
    await MeetingMessage.filter(id=message.id).update(
        removed=False, removed_by_id=None, removed_reason="", removed_at=None
    )
    message.removed = False
    meeting = await Meeting.get(id=message.meeting_id)
    payload = queries.serialize_message(message, host=False)
    return [await _event(meeting, eventtypes.MESSAGE_POSTED, payload)]


async def message_places(message_ids: Sequence[int]) -> Mapping[int, Place]:
    """「会议：标题」 and the meeting's room for each message: two queries."""
    messages = await MeetingMessage.filter(id__in=list(message_ids)).only("id", "meeting_id")
    titles = dict(
        await Meeting.filter(id__in={m.meeting_id for m in messages}).values_list("id", "title")
    )
    return {
        m.id: Place(f"会议：{titles[m.meeting_id]}", f"/meetings/{m.meeting_id}")
        for m in messages
        if m.meeting_id in titles
    }


FLAG_TARGET = FlagTarget(
    "meeting_message",
    label="会议发言",
    load=load_message,
    hide=remove_message,
    restore=restore_message,
    delete=remove_message,
    visible_to=message_visible,
    places=message_places,
)
