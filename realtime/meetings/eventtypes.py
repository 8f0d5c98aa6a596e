"""The meetings part's live vocabulary: the `meeting:{id}` channel and its event types.

Chat messages are the one removable content: `message.posted` names its message (by its
number within the meeting) as its subject, so removing it rewrites the earlier events that
carried its text (see `forum.events`). Every payload also carries `meeting_id`."""

from __future__ import annotations

from typing import Any, TypedDict

from forum.events import EventType, Subject, channel_name

MEETING = "meeting"


def meeting_channel(meeting_id: int) -> str:
    return channel_name(MEETING, meeting_id)


class MessageRemoved(TypedDict):
    meeting_id: int
    number: int


Payload = dict[str, Any]

MESSAGE_POSTED: EventType[Payload] = EventType(
    "message.posted", Subject("message", "number", "carries")
)
MESSAGE_REMOVED: EventType[MessageRemoved] = EventType(
    "message.removed", Subject("message", "number", "removes")
)
MEETING_STARTED: EventType[Payload] = EventType("meeting.started")
MEETING_PAUSED: EventType[Payload] = EventType("meeting.paused")
MEETING_ENDED: EventType[Payload] = EventType("meeting.ended")
DISCUSSION_LOCKED: EventType[Payload] = EventType("discussion.locked")
AGENDA_ADVANCED: EventType[Payload] = EventType("agenda.advanced")
MEMBER_CHECKED_IN: EventType[Payload] = EventType("member.checked_in")
LEAVE_REQUESTED: EventType[Payload] = EventType("leave.requested")
ROLL_CHANGED: EventType[Payload] = EventType("roll.changed")
RECORDER_NAMED: EventType[Payload] = EventType("recorder.named")
HAND_RAISED: EventType[Payload] = EventType("hand.raised")
FLOOR_GIVEN: EventType[Payload] = EventType("floor.given")
PARTICIPANT_MUTED: EventType[Payload] = EventType("participant.muted")
PARTICIPANT_REMOVED: EventType[Payload] = EventType("participant.removed")
PARTICIPANT_RESTORED: EventType[Payload] = EventType("participant.restored")
VOTE_CREATED: EventType[Payload] = EventType("vote.created")
VOTE_OPENED: EventType[Payload] = EventType("vote.opened")
VOTE_CLOSED: EventType[Payload] = EventType("vote.closed")
BALLOT_CAST: EventType[Payload] = EventType("ballot.cast")
VOTE_COUNTED_IN_PERSON: EventType[Payload] = EventType("vote.counted_in_person")
WRITTEN_OPINION_ENTERED: EventType[Payload] = EventType("written_opinion.entered")

ALL: tuple[EventType[Any], ...] = (
    MESSAGE_POSTED,
    MESSAGE_REMOVED,
    MEETING_STARTED,
    MEETING_PAUSED,
    MEETING_ENDED,
    DISCUSSION_LOCKED,
    AGENDA_ADVANCED,
    MEMBER_CHECKED_IN,
    LEAVE_REQUESTED,
    ROLL_CHANGED,
    RECORDER_NAMED,
    HAND_RAISED,
    FLOOR_GIVEN,
    PARTICIPANT_MUTED,
    PARTICIPANT_REMOVED,
    PARTICIPANT_RESTORED,
    VOTE_CREATED,
    VOTE_OPENED,
    VOTE_CLOSED,
    BALLOT_CAST,
    VOTE_COUNTED_IN_PERSON,
    WRITTEN_OPINION_ENTERED,
)
