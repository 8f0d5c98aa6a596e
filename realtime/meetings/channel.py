"""The `meeting:{id}` channel kind: subscription, delivery filter and inbound room actions.

Every inbound action goes through the same `actions` as the HTML forms, which re-read the
actor's membership facts and seat from the database, so a member sanctioned, muted or
removed mid-meeting loses the right with the very next frame. The frames are documented in
`docs/meetings.md`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from forum.errors import ActionError
from forum.policy import (
    Viewer,
    can_attend_meeting,
    can_host_meeting,
    can_see_meeting,
    ensure,
)
from realtime.channels import ChannelKind
from realtime.meetings import actions, presence, queries
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
        if m.get("event") == "message.posted"
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
        if message.get("event") != "message.posted" or not isinstance(number, int):
            checked.append(message)
            continue
        row = found.get(number)
        if row is None or row["removed"]:
            tombstone = {"meeting_id": meeting_id, "number": number}
            checked.append({**message, "event": "message.removed", "data": tombstone})
        else:
            checked.append({**message, "data": {**data, "html": row["body_html"]}})
    return checked


# ---- inbound actions -----------------------------------------------------------------------

Handler = Callable[[Viewer, Meeting, dict[str, Any]], Awaitable[dict[str, Any]]]
# field -> (type, required)
Spec = dict[str, tuple[type | tuple[type, ...], bool]]


def _validate(data: dict[str, Any], spec: Spec) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise ActionError("data 必须是对象")
    unknown = set(data) - set(spec)
    if unknown:
        raise ActionError(f"未知字段：{', '.join(sorted(unknown))}", field=sorted(unknown)[0])
    for name, (kind, required) in spec.items():
        if name not in data:
            if required:
                raise ActionError(f"缺少字段 {name}", field=name)
            continue
        value = data[name]
        # bool is an int in Python: refuse it where an int is wanted
        if (kind is int and isinstance(value, bool)) or not isinstance(value, kind):
            raise ActionError(f"字段 {name} 类型有误", field=name)
    return data


def _id(value: Any) -> int:
    if not 0 < value < 2**31:
        raise ActionError("编号无效")
    return int(value)


async def _here(viewer: Viewer, meeting: Meeting, data: dict[str, Any]) -> dict[str, Any]:
    """Presence heartbeat: the room page sends it every 20 s; answers who is here now."""
    viewer = await actions.fresh(viewer)
    seat = await queries.seat_for(viewer, meeting)
    ensure(can_attend_meeting(viewer, meeting, seat) and viewer.user_id is not None)
    await presence.touch(meeting.id, viewer.user_id or 0)
    present = await presence.present(meeting.id)
    return {"present": present, "count": len(present)}


async def _check_in(viewer: Viewer, meeting: Meeting, data: dict[str, Any]) -> dict[str, Any]:
    checkin = await actions.check_in(viewer, meeting)
    return {"checked_in_at": checkin.checked_in_at.isoformat()}


async def _message(viewer: Viewer, meeting: Meeting, data: dict[str, Any]) -> dict[str, Any]:
    message = await actions.post_message(viewer, meeting, data["body"])
    return {"number": message.number}


async def _raise_hand(viewer: Viewer, meeting: Meeting, data: dict[str, Any]) -> dict[str, Any]:
    request = await actions.raise_hand(viewer, meeting)
    return {"request_id": request.id}


async def _give_floor(viewer: Viewer, meeting: Meeting, data: dict[str, Any]) -> dict[str, Any]:
    request = await actions.give_floor(viewer, meeting, _id(data["request_id"]))
    return {"request_id": request.id}


async def _mute(viewer: Viewer, meeting: Meeting, data: dict[str, Any]) -> dict[str, Any]:
    kind = data.get("kind", "mute")
    mute = await actions.mute_participant(
        viewer, meeting, _id(data["user_id"]), kind, data.get("reason", "")
    )
    return {"mute_id": mute.id}


async def _unmute(viewer: Viewer, meeting: Meeting, data: dict[str, Any]) -> dict[str, Any]:
    await actions.unmute_participant(viewer, meeting, _id(data["user_id"]))
    return {}


async def _remove_message(viewer: Viewer, meeting: Meeting, data: dict[str, Any]) -> dict[str, Any]:
    await actions.remove_message(viewer, meeting, _id(data["number"]), data.get("reason", ""))
    return {}


async def _lock(viewer: Viewer, meeting: Meeting, data: dict[str, Any]) -> dict[str, Any]:
    meeting = await actions.lock_discussion(viewer, meeting, data["locked"])
    return {"locked": meeting.discussion_locked}


async def _pause(viewer: Viewer, meeting: Meeting, data: dict[str, Any]) -> dict[str, Any]:
    meeting = await actions.pause_meeting(viewer, meeting, data["paused"])
    return {"paused": meeting.paused}


async def _next_item(viewer: Viewer, meeting: Meeting, data: dict[str, Any]) -> dict[str, Any]:
    item = await actions.next_agenda_item(viewer, meeting)
    return {"item_id": item.id, "position": item.position}


async def _create_vote(viewer: Viewer, meeting: Meeting, data: dict[str, Any]) -> dict[str, Any]:
    candidate_ids = data.get("candidate_ids", [])
    if not all(isinstance(c, int) and not isinstance(c, bool) for c in candidate_ids):
        raise ActionError("候选人编号有误", field="candidate_ids")
    vote = await actions.create_vote(
        viewer,
        meeting,
        kind=data["kind"],
        title=data["title"],
        candidate_id=data.get("candidate_id"),
        candidate_ids=candidate_ids,
        seats=data.get("seats", 1),
        secret=data.get("secret", False),
        denominator=data.get("denominator", "expected"),
    )
    return {"vote_id": vote.id}


async def _open_vote(viewer: Viewer, meeting: Meeting, data: dict[str, Any]) -> dict[str, Any]:
    vote = await queries.get_vote(meeting, _id(data["vote_id"]))
    vote = await actions.open_vote(viewer, meeting, vote)
    return {"vote_id": vote.id, "expected_voters": vote.expected_voters}


async def _cast_ballot(viewer: Viewer, meeting: Meeting, data: dict[str, Any]) -> dict[str, Any]:
    vote = await queries.get_vote(meeting, _id(data["vote_id"]))
    selected = data.get("selected", [])
    if not all(isinstance(c, int) and not isinstance(c, bool) for c in selected):
        raise ActionError("候选人编号有误", field="selected")
    await actions.cast_ballot(viewer, meeting, vote, choice=data.get("choice"), selected=selected)
    return {"vote_id": vote.id, "accepted": True}  # never echo the choice


async def _close_vote(viewer: Viewer, meeting: Meeting, data: dict[str, Any]) -> dict[str, Any]:
    vote = await queries.get_vote(meeting, _id(data["vote_id"]))
    vote = await actions.close_vote(viewer, meeting, vote)
    return {"vote_id": vote.id, "result": vote.result}


async def _record_attendance(
    viewer: Viewer, meeting: Meeting, data: dict[str, Any]
) -> dict[str, Any]:
    checkin = await actions.record_attendance(
        viewer, meeting, _id(data["member_id"]), data.get("note", "")
    )
    return {"member_id": checkin.member_id, "checked_in_at": checkin.checked_in_at.isoformat()}


async def _check_in_qr(viewer: Viewer, meeting: Meeting, data: dict[str, Any]) -> dict[str, Any]:
    checkin = await actions.check_in_by_qr(viewer, meeting, data["code"])
    return {"checked_in_at": checkin.checked_in_at.isoformat()}


async def _count(viewer: Viewer, meeting: Meeting, data: dict[str, Any]) -> dict[str, Any]:
    vote = await queries.get_vote(meeting, _id(data["vote_id"]))
    vote = await actions.record_in_person_count(
        viewer, meeting, vote, yes=data["yes"], no=data["no"], abstain=data["abstain"]
    )
    return {"vote_id": vote.id, "ballots_cast": vote.ballots_cast}


async def _recorder(viewer: Viewer, meeting: Meeting, data: dict[str, Any]) -> dict[str, Any]:
    meeting = await actions.name_recorder(viewer, meeting, data["username"])
    return {"recorder_user_ids": list(meeting.recorder_user_ids)}


async def _exclude(viewer: Viewer, meeting: Meeting, data: dict[str, Any]) -> dict[str, Any]:
    entry = await actions.exclude_from_roll(
        viewer,
        meeting,
        _id(data["member_id"]),
        category=data["category"],
        reason=data["reason"],
        approval=data["approval"],
        decision=data["decision"],
    )
    return {"member_id": entry.member_id, "excluded": entry.excluded_category}


async def _restore(viewer: Viewer, meeting: Meeting, data: dict[str, Any]) -> dict[str, Any]:
    entry = await actions.restore_to_roll(viewer, meeting, _id(data["member_id"]))
    return {"member_id": entry.member_id, "excluded": entry.excluded_category}


ACTIONS: dict[str, tuple[Spec, Handler]] = {
    "record_attendance": (
        {"member_id": (int, True), "note": (str, False)},
        _record_attendance,
    ),
    "check_in_qr": ({"code": (str, True)}, _check_in_qr),
    "record_in_person_count": (
        {"vote_id": (int, True), "yes": (int, True), "no": (int, True), "abstain": (int, True)},
        _count,
    ),
    "name_recorder": ({"username": (str, True)}, _recorder),
    "exclude_from_roll": (
        {
            "member_id": (int, True),
            "category": (str, True),
            "reason": (str, True),
            "approval": (str, True),
            "decision": (str, True),
        },
        _exclude,
    ),
    "restore_to_roll": ({"member_id": (int, True)}, _restore),
    "here": ({}, _here),
    "check_in": ({}, _check_in),
    "message": ({"body": (str, True)}, _message),
    "raise_hand": ({}, _raise_hand),
    "give_floor": ({"request_id": (int, True)}, _give_floor),
    "mute": (
        {"user_id": (int, True), "kind": (str, False), "reason": (str, False)},
        _mute,
    ),
    "unmute": ({"user_id": (int, True)}, _unmute),
    "remove_message": ({"number": (int, True), "reason": (str, False)}, _remove_message),
    "lock": ({"locked": (bool, True)}, _lock),
    "pause": ({"paused": (bool, True)}, _pause),
    "next_agenda_item": ({}, _next_item),
    "create_vote": (
        {
            "kind": (str, True),
            "title": (str, True),
            "candidate_id": (int, False),
            "candidate_ids": (list, False),
            "seats": (int, False),
            "secret": (bool, False),
            "denominator": (str, False),
        },
        _create_vote,
    ),
    "open_vote": ({"vote_id": (int, True)}, _open_vote),
    "cast_ballot": (
        {"vote_id": (int, True), "choice": (str, False), "selected": (list, False)},
        _cast_ballot,
    ),
    "close_vote": ({"vote_id": (int, True)}, _close_vote),
}


async def on_action(
    viewer: Viewer, meeting_id: int, action: str, data: dict[str, Any]
) -> dict[str, Any]:
    """Dispatch one inbound frame; the policy is re-checked inside each action."""
    entry = ACTIONS.get(action)
    if entry is None:
        raise ActionError("未知的会议操作", field="action")
    spec, handler = entry
    data = _validate(data, spec)
    meeting = await queries.get_meeting_for(await actions.fresh(viewer), meeting_id)
    return await handler(viewer, meeting, data)


MEETING_CHANNEL = ChannelKind(
    prefix="meeting",
    can_subscribe=can_subscribe,
    can_receive=can_receive,
    on_action=on_action,
    current=current,
)
