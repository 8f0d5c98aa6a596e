"""The live room's state: everything the room page shows, server-rendered and as JSON."""

from __future__ import annotations

from typing import Any

from forum import events
from forum.models import User
from forum.policy import MEETING_RULES, Viewer, can_host_meeting, meeting_role
from realtime.meetings import presence
from realtime.meetings.eventtypes import meeting_channel
from realtime.meetings.models import (
    AgendaItem,
    CheckIn,
    LeaveRequest,
    Meeting,
    MeetingMessage,
    Mute,
    RollEntry,
    SpeakingRequest,
    SpeakingState,
    Vote,
)
from realtime.meetings.queries.lookups import seat_for
from realtime.meetings.queries.roll import attendance
from realtime.meetings.queries.voting import serialize_votes

ROOM_MESSAGE_LIMIT = 200


async def channel_head(meeting_id: int) -> int:
    """The last event id of the meeting's channel: the page subscribes from there."""
    return await events.head(meeting_channel(meeting_id))


def serialize_message(message: MeetingMessage, *, host: bool) -> dict[str, Any]:
    data: dict[str, Any] = {
        "number": message.number,
        "author_id": message.author_id,
        "author_name": message.author_name,
        "created_at": message.created_at.isoformat(),
        "removed": message.removed,
        "html": "" if message.removed else message.body_html,
    }
    if host and message.removed:
        data["removed_reason"] = message.removed_reason
    return data


async def room_state(viewer: Viewer, meeting: Meeting) -> dict[str, Any]:
    """Everything the live room shows, server-rendered and as JSON (reload target)."""
    host = can_host_meeting(viewer, meeting)
    seat = await seat_for(viewer, meeting)
    agenda = await AgendaItem.filter(meeting_id=meeting.id).order_by("position")
    roll = await RollEntry.filter(meeting_id=meeting.id).order_by("guest", "name", "id")
    checkin_rows = {c.member_id: c for c in await CheckIn.filter(meeting_id=meeting.id)}
    checkins = {m: c.checked_in_at for m, c in checkin_rows.items()}
    leaves = {lr.member_id: lr.reason for lr in await LeaveRequest.filter(meeting_id=meeting.id)}
    messages = list(
        reversed(
            await MeetingMessage.filter(meeting_id=meeting.id)
            .order_by("-number")
            .limit(ROOM_MESSAGE_LIMIT)
        )
    )
    queue = await SpeakingRequest.filter(
        meeting_id=meeting.id, state__in=["waiting", "speaking"]
    ).order_by("raised_at", "id")
    mutes = await Mute.filter(meeting_id=meeting.id, lifted_at__isnull=True)
    votes_ = await Vote.filter(meeting_id=meeting.id).order_by("id")
    visible_votes = [v for v in votes_ if host or str(v.state) != "unpublished"]
    return {
        "meeting": meeting,
        "rule": MEETING_RULES[str(meeting.type)],
        "host": host,
        "seat": seat,
        "role": meeting_role(viewer, meeting, seat),
        "agenda": agenda,
        "current_item": next((a for a in agenda if a.is_current), None),
        "roll": [
            {
                "member_id": r.member_id,
                "user_id": r.user_id,
                "name": r.name,
                "status": r.status,
                "guest": r.guest,
                "voter": r.voter,
                "checked_in_at": checkins.get(r.member_id),
                "on_leave": r.on_leave and r.member_id not in checkins,
                "leave_reason": leaves.get(r.member_id, "") if host else "",
                "checkin_method": checkin_rows[r.member_id].method
                if r.member_id in checkin_rows
                else "",
                "checkin_note": checkin_rows[r.member_id].note
                if host and r.member_id in checkin_rows
                else "",
                "excluded": r.excluded_category,
                "excluded_reason": r.excluded_reason,
                "excluded_approval": r.excluded_approval,
                "excluded_decision": r.excluded_decision,
            }
            for r in roll
        ],
        "leave_requests": len(leaves),
        "attendance": await attendance(meeting),
        "messages": [serialize_message(m, host=host) for m in messages if host or not m.removed],
        "queue": [
            {
                "id": q.id,
                "user_id": q.user_id,
                "name": q.name,
                "state": str(q.state),
                "floor_at": q.floor_at.isoformat() if q.floor_at else None,
            }
            for q in queue
        ],
        "speaker": next((q for q in queue if q.state == SpeakingState.speaking), None),
        "mutes": [{"user_id": m.user_id, "kind": str(m.kind)} for m in mutes],
        "votes": await serialize_votes(viewer, meeting, visible_votes),
        "vote_objects": {v.id: v for v in visible_votes},
        "last_event_id": await channel_head(meeting.id),
        "present_user_ids": await presence.present(meeting.id),
        **(await _recorder_fields(meeting, roll) if host else {"recorder_usernames": []}),
    }


async def _recorder_fields(meeting: Meeting, roll: list[RollEntry]) -> dict[str, Any]:
    """For the host's 记录人 picker: the current recorder and the roll's members with accounts
    (one query), so the host picks a name instead of typing a username."""
    user_ids = {r.user_id for r in roll if r.user_id and not r.guest}
    user_ids |= set(meeting.recorder_user_ids)
    usernames = dict(await User.filter(id__in=list(user_ids)).values_list("id", "username"))
    return {
        "recorder_usernames": [usernames[i] for i in meeting.recorder_user_ids if i in usernames],
        "recorder_choices": [
            (usernames[r.user_id], r.name) for r in roll if r.user_id in usernames and not r.guest
        ],
    }
