"""Writes for meetings. Each action: policy (fresh facts) -> validation -> one transaction
(rows + audit + channel events) -> publish after commit.

Inbound websocket actions and HTML forms call the same functions, and every one of them
re-reads the actor's membership facts and seat, so a member sanctioned, muted or removed
mid-meeting loses the right at once.
"""

from __future__ import annotations

from forum.clock import utcnow
from realtime.meetings.actions._common import audience_of, fresh
from realtime.meetings.actions.hybrid import (
    check_in_by_qr,
    exclude_from_roll,
    name_recorder,
    record_attendance,
    record_in_person_count,
    restore_to_roll,
)
from realtime.meetings.actions.lifecycle import (
    end_meeting,
    pause_meeting,
    publish_meeting,
    request_leave,
    schedule_meeting,
    start_meeting,
)
from realtime.meetings.actions.records import (
    append_correction,
    archive_meeting,
    update_minutes_summary,
)
from realtime.meetings.actions.room import (
    check_in,
    give_floor,
    lock_discussion,
    mute_participant,
    next_agenda_item,
    post_message,
    raise_hand,
    remove_message,
    unmute_participant,
)
from realtime.meetings.actions.voting import (
    cast_ballot,
    close_vote,
    create_vote,
    enter_written_opinion,
    open_vote,
)

__all__ = [
    "append_correction",
    "archive_meeting",
    "audience_of",
    "cast_ballot",
    "check_in",
    "check_in_by_qr",
    "close_vote",
    "create_vote",
    "end_meeting",
    "enter_written_opinion",
    "exclude_from_roll",
    "fresh",
    "give_floor",
    "lock_discussion",
    "mute_participant",
    "name_recorder",
    "next_agenda_item",
    "open_vote",
    "pause_meeting",
    "post_message",
    "publish_meeting",
    "raise_hand",
    "record_attendance",
    "record_in_person_count",
    "remove_message",
    "request_leave",
    "restore_to_roll",
    "schedule_meeting",
    "start_meeting",
    "unmute_participant",
    "update_minutes_summary",
    "utcnow",
]
