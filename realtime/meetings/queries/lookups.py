"""Single reads: a meeting, one of its votes, and the viewer's seat in it."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from forum.errors import NotFound
from forum.policy import NO_SEAT, Seat, Viewer, can_see_meeting, ensure_visible
from realtime.meetings.models import CheckIn, Meeting, Mute, MuteKind, RollEntry, Vote


async def get_meeting(meeting_id: int) -> Meeting:
    meeting = await Meeting.get_or_none(id=meeting_id)
    if meeting is None:
        raise NotFound()
    return meeting


async def get_meeting_for(viewer: Viewer, meeting_id: int) -> Meeting:
    meeting = await get_meeting(meeting_id)
    ensure_visible(can_see_meeting(viewer, meeting))
    return meeting


async def get_vote(meeting: Meeting, vote_id: int) -> Vote:
    vote = await Vote.get_or_none(id=vote_id, meeting_id=meeting.id)
    if vote is None:
        raise NotFound()
    return vote


async def seat_for(viewer: Viewer, meeting: Meeting) -> Seat:
    """The viewer's facts in this meeting, read fresh (3 small indexed queries)."""
    if viewer.user_id is None:
        return NO_SEAT
    seat = NO_SEAT
    if viewer.member_id is not None:
        entry = await RollEntry.get_or_none(meeting_id=meeting.id, member_id=viewer.member_id)
        if entry is not None:
            checked = await CheckIn.exists(meeting_id=meeting.id, member_id=viewer.member_id)
            seat = Seat(
                on_roll=True,
                # Not counted in 应到 (an approved exclusion): not counted among the voters.
                voter=entry.voter and not entry.guest and not entry.excluded_category,
                guest=entry.guest,
                checked_in=checked,
                on_leave=entry.on_leave,
            )
    kinds: set[Any] = set(
        await Mute.filter(
            meeting_id=meeting.id, user_id=viewer.user_id, lifted_at__isnull=True
        ).values_list("kind", flat=True)
    )
    if kinds:
        seat = replace(seat, muted=MuteKind.mute in kinds, removed=MuteKind.remove in kinds)
    return seat
