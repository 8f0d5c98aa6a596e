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
    check_end_meeting,
    end_meeting,
    pause_meeting,
    publish_meeting,
    request_leave,
    reschedule_meeting,
    schedule_meeting,
    start_meeting,
)
from realtime.meetings.actions.records import (
    append_correction,
    archive_meeting,
    check_archive_meeting,
    update_minutes_summary,
)
from realtime.meetings.actions.room import (
    check_in,
    check_remove_message,
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
    check_close_vote,
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
    "check_archive_meeting",
    "check_close_vote",
    "check_end_meeting",
    "check_in",
    "check_in_by_qr",
    "check_remove_message",
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
    "reschedule_meeting",
    "restore_to_roll",
    "schedule_meeting",
    "start_meeting",
    "unmute_participant",
    "update_minutes_summary",
    "utcnow",
]
