"""Reads for meetings, one concept per module: lists, the live room state, seats, the
expected roll and attendance, votes.

Callers import the package (`from realtime.meetings import queries; queries.room_state(...)`);
the public reads are re-exported here.
"""

from __future__ import annotations

from realtime.meetings.queries._common import ints
from realtime.meetings.queries.lists import (
    LIST_LIMIT,
    OverdueFlag,
    meetings_for,
    overdue_flags,
    upcoming_for_home,
)
from realtime.meetings.queries.lookups import get_meeting, get_meeting_for, get_vote, seat_for
from realtime.meetings.queries.roll import (
    Attendance,
    RollCandidate,
    attendance,
    expected_roll,
    member_viewer,
)
from realtime.meetings.queries.room import (
    ROOM_MESSAGE_LIMIT,
    channel_head,
    room_state,
    serialize_message,
)
from realtime.meetings.queries.voting import (
    eligible_candidates,
    serialize_vote,
    serialize_votes,
    tallies_of,
)

__all__ = [
    "LIST_LIMIT",
    "ROOM_MESSAGE_LIMIT",
    "Attendance",
    "OverdueFlag",
    "RollCandidate",
    "attendance",
    "channel_head",
    "eligible_candidates",
    "expected_roll",
    "get_meeting",
    "get_meeting_for",
    "get_vote",
    "ints",
    "meetings_for",
    "member_viewer",
    "overdue_flags",
    "room_state",
    "seat_for",
    "serialize_message",
    "serialize_vote",
    "serialize_votes",
    "tallies_of",
    "upcoming_for_home",
]
