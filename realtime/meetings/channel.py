"""The `meeting:{id}` channel kind: subscription, delivery filter and inbound room actions.

Every inbound action goes through the part's one verb table (`realtime.meetings.verbs`), as
the HTML forms and the JSON API do; its actions re-read the actor's membership facts and
seat from the database, so a member sanctioned, muted or
removed mid-meeting loses the right with the very next frame. The frames are documented in
`docs/meetings.md`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from forum.errors import ActionError
from forum.policy import (
    Viewer,
    can_attend_meeting,
    can_host_meeting,
    can_see_meeting,
)
from realtime.channels import ChannelKind
from realtime.meetings import actions, eventtypes, presence, queries, verbs
from realtime.meetings.models import Meeting, MeetingMessage

# Users removed from a meeting, as seen by this worker (from the DB at subscribe time and
# from `participant.removed` / `participant.restored` events as they pass through).
_removed: dict[int, set[int]] = {}


@dataclass
class _AudienceMeeting:
    """The meeting facts an event carries in its audience (enough for the policy)."""

    type: str
    org_id: int
    org_path: str
    host_user_ids: list[int] = field(default_factory=list)
    status: str = "live"
    paused: bool = False
    discussion_locked: bool = False


async def can_subscribe(viewer: Viewer, meeting_id: int) -> bool:
    meeting = await Meeting.get_or_none(id=meeting_id)
    if meeting is None or viewer.user_id is None:
        return False
    user_id = viewer.user_id
    viewer = await actions.fresh(viewer)
    seat = await queries.seat_for(viewer, meeting)
    if seat.removed:
        _removed.setdefault(meeting.id, set()).add(user_id)
        return False
    if not can_see_meeting(viewer, meeting):
        return False
    if str(meeting.status) != "live":
        return True
    if not can_attend_meeting(viewer, meeting, seat):
        return False
    await presence.touch(meeting.id, user_id)
    return True


def _parse_audience(audience: dict[str, Any]) -> tuple[int, _AudienceMeeting] | None:
    """The meeting facts of an event (the hub passes one message to every connection, so the
    last parse is reused while the same audience object comes by)."""
    global _last_parsed
    if _last_parsed is not None and _last_parsed[0] is audience:
        return _last_parsed[1]
    try:
        parsed: tuple[int, _AudienceMeeting] | None = (
            int(audience["meeting_id"]),
            _AudienceMeeting(
                type=str(audience["type"]),
                org_id=int(audience["org_id"]),
                org_path=str(audience["org_path"]),
                host_user_ids=[int(u) for u in audience.get("host_user_ids", [])],
            ),
        )
    except (KeyError, TypeError, ValueError):
        parsed = None
    _last_parsed = (audience, parsed)
    return parsed


_last_parsed: tuple[dict[str, Any], tuple[int, _AudienceMeeting] | None] | None = None


def can_receive(viewer: Viewer, event: dict[str, Any]) -> bool:
    parsed = _parse_audience(event.get("audience") or {})
    if parsed is None:
        return False
    meeting_id, meeting = parsed
    kind = event.get("event")
    data = event.get("data") or {}
    removed = _removed.setdefault(meeting_id, set())
    if kind == "participant.removed" and isinstance(data.get("user_id"), int):
        removed.add(data["user_id"])
        return viewer.user_id == data["user_id"] or can_see_meeting(viewer, meeting)
    if kind == "participant.restored" and isinstance(data.get("user_id"), int):
        removed.discard(data["user_id"])
    if viewer.user_id in removed:
        return False
    if event.get("audience", {}).get("hosts_only"):
        return can_host_meeting(viewer, meeting)
    return can_see_meeting(viewer, meeting)


async def current(meeting_id: int, messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Replayed `message.posted` events as the room shows the messages now (one query): a
    message since removed becomes `message.removed` without its text."""
    numbers = {
        n
        for m in messages
        if m.get("event") == eventtypes.MESSAGE_POSTED.name
        and isinstance(n := (m.get("data") or {}).get("number"), int)
    }
    if not numbers:
        return messages
    rows = await MeetingMessage.filter(meeting_id=meeting_id, number__in=numbers).values(
        "number", "removed", "body_html"
    )
    found = {int(row["number"]): row for row in rows}
    checked = []
    for message in messages:
        data = message.get("data") or {}
        number = data.get("number")
        if message.get("event") != eventtypes.MESSAGE_POSTED.name or not isinstance(number, int):
            checked.append(message)
            continue
        row = found.get(number)
        if row is None or row["removed"]:
            tombstone = {"meeting_id": meeting_id, "number": number}
            checked.append({**message, "event": eventtypes.MESSAGE_REMOVED.name, "data": tombstone})
        else:
            checked.append({**message, "data": {**data, "html": row["body_html"]}})
    return checked


# ---- inbound actions -----------------------------------------------------------------------


async def on_action(
    viewer: Viewer, meeting_id: int, action: str, data: dict[str, Any]
) -> dict[str, Any]:
    """Dispatch one inbound frame through the part's verb table; the policy is re-checked
    inside each action. An unknown verb is an error frame naming the `action` field."""
    verb = verbs.VERBS.get(action)
    if verb is None:
        raise ActionError("未知的会议操作", field="action")
    return await verbs.perform(viewer, meeting_id, verb, verbs.from_data(verb, data))


MEETING_CHANNEL = ChannelKind(
    prefix=eventtypes.MEETING,
    can_subscribe=can_subscribe,
    can_receive=can_receive,
    on_action=on_action,
    current=current,
)
