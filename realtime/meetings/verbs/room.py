"""The room's verbs during a meeting: presence, attendance and the roll, the discussion and
the host's controls. Part of the one table in `realtime.meetings.verbs`."""

from __future__ import annotations

from typing import Any

from forum.policy import Viewer, can_attend_meeting, ensure
from realtime.meetings import actions, presence, queries
from realtime.meetings.models import Meeting
from realtime.meetings.verbs._args import Arg, Args, Verb


async def _here(viewer: Viewer, meeting: Meeting, a: Args) -> dict[str, Any]:
    """Presence heartbeat: the room page sends it every 20 s; answers who is here now."""
    viewer = await actions.fresh(viewer)
    seat = await queries.seat_for(viewer, meeting)
    ensure(can_attend_meeting(viewer, meeting, seat) and viewer.user_id is not None)
    await presence.touch(meeting.id, viewer.user_id or 0)
    present = await presence.present(meeting.id)
    return {"present": present, "count": len(present)}


async def _check_in(viewer: Viewer, meeting: Meeting, a: Args) -> dict[str, Any]:
    checkin = await actions.check_in(viewer, meeting)
    return {"checked_in_at": checkin.checked_in_at.isoformat()}


async def _check_in_qr(viewer: Viewer, meeting: Meeting, a: Args) -> dict[str, Any]:
    checkin = await actions.check_in_by_qr(viewer, meeting, a["code"])
    return {"checked_in_at": checkin.checked_in_at.isoformat()}


async def _record_attendance(viewer: Viewer, meeting: Meeting, a: Args) -> dict[str, Any]:
    checkin = await actions.record_attendance(viewer, meeting, a["member_id"], a["note"])
    return {"member_id": checkin.member_id, "checked_in_at": checkin.checked_in_at.isoformat()}


async def _name_recorder(viewer: Viewer, meeting: Meeting, a: Args) -> dict[str, Any]:
    meeting = await actions.name_recorder(viewer, meeting, a["username"])
    return {"recorder_user_ids": list(meeting.recorder_user_ids)}


async def _exclude(viewer: Viewer, meeting: Meeting, a: Args) -> dict[str, Any]:
    entry = await actions.exclude_from_roll(
        viewer,
        meeting,
        a["member_id"],
        category=a["category"],
        reason=a["reason"],
        approval=a["approval"],
        decision=a["decision"],
    )
    return {"member_id": entry.member_id, "excluded": entry.excluded_category}


async def _restore(viewer: Viewer, meeting: Meeting, a: Args) -> dict[str, Any]:
    entry = await actions.restore_to_roll(viewer, meeting, a["member_id"])
    return {"member_id": entry.member_id, "excluded": entry.excluded_category}


async def _message(viewer: Viewer, meeting: Meeting, a: Args) -> dict[str, Any]:
    message = await actions.post_message(viewer, meeting, a["body"])
    return {"number": message.number}


async def _remove_message(viewer: Viewer, meeting: Meeting, a: Args) -> dict[str, Any]:
    await actions.remove_message(viewer, meeting, a["number"], a["reason"])
    return {}


async def _raise_hand(viewer: Viewer, meeting: Meeting, a: Args) -> dict[str, Any]:
    request = await actions.raise_hand(viewer, meeting)
    return {"request_id": request.id}


async def _give_floor(viewer: Viewer, meeting: Meeting, a: Args) -> dict[str, Any]:
    request = await actions.give_floor(viewer, meeting, a["request_id"])
    return {"request_id": request.id}


async def _mute(viewer: Viewer, meeting: Meeting, a: Args) -> dict[str, Any]:
    mute = await actions.mute_participant(viewer, meeting, a["user_id"], a["kind"], a["reason"])
    return {"mute_id": mute.id}


async def _unmute(viewer: Viewer, meeting: Meeting, a: Args) -> dict[str, Any]:
    await actions.unmute_participant(viewer, meeting, a["user_id"])
    return {}


async def _lock(viewer: Viewer, meeting: Meeting, a: Args) -> dict[str, Any]:
    meeting = await actions.lock_discussion(viewer, meeting, a["locked"])
    return {"locked": meeting.discussion_locked}


async def _pause(viewer: Viewer, meeting: Meeting, a: Args) -> dict[str, Any]:
    meeting = await actions.pause_meeting(viewer, meeting, a["paused"])
    return {"paused": meeting.paused}


async def _next_item(viewer: Viewer, meeting: Meeting, a: Args) -> dict[str, Any]:
    item = await actions.next_agenda_item(viewer, meeting)
    return {"item_id": item.id, "position": item.position}


async def _check_remove(viewer: Viewer, meeting: Meeting, a: Args) -> None:
    await actions.check_remove_message(viewer, meeting, a["number"], a["reason"])


def _muted(a: Args, answer: dict[str, Any]) -> str:
    return "已将其移出会场。" if a["kind"] == "remove" else "已禁言。"


MEMBER = {"member_id": Arg("id", required=True)}
USER = {"user_id": Arg("id", required=True)}

ROOM_VERBS: dict[str, Verb] = {
    "here": Verb(_here),  # the presence heartbeat: nothing to say
    "check_in": Verb(_check_in, done="签到成功。"),
    "check_in_qr": Verb(
        _check_in_qr, {"code": Arg("str", required=True)}, "#attendance", done="扫码签到成功。"
    ),
    "record_attendance": Verb(
        _record_attendance, {**MEMBER, "note": Arg("str")}, "#roll", done="已代为签到。"
    ),
    "name_recorder": Verb(
        _name_recorder, {"username": Arg("str", required=True)}, done="已指定记录人。"
    ),
    "exclude_from_roll": Verb(
        _exclude,
        {
            **MEMBER,
            "category": Arg("str", required=True),
            "reason": Arg("str", required=True),
            "approval": Arg("str", required=True),
            "decision": Arg("str", required=True),
        },
        "#roll",
        done="已按规定不计入应到人数。",
    ),
    "restore_to_roll": Verb(_restore, MEMBER, "#roll", done="已恢复计入应到人数。"),
    "message": Verb(
        _message, {"body": Arg("str", required=True)}, "#discussion", done="发言已发出。"
    ),
    "remove_message": Verb(
        _remove_message,
        {"number": Arg("id", required=True), "reason": Arg("str")},
        "#discussion",
        done="发言已移除，原文保存在审核记录中。",
        confirm="移除后这条发言不再在会场显示，只保存在审核记录中。确定移除？",
        confirm_label="移除发言",
        check=_check_remove,
    ),
    "raise_hand": Verb(_raise_hand, done="已举手，请等待主持人安排发言。"),
    "give_floor": Verb(_give_floor, {"request_id": Arg("id", required=True)}, done="已请其发言。"),
    "mute": Verb(
        _mute, {**USER, "kind": Arg("str", default="mute"), "reason": Arg("str")}, done=_muted
    ),
    "unmute": Verb(_unmute, USER, done="已解除限制。"),
    "lock": Verb(
        _lock,
        {"locked": Arg("bool", required=True)},
        done=lambda a, r: "讨论已锁定。" if a["locked"] else "讨论已开放。",
    ),
    "pause": Verb(
        _pause,
        {"paused": Arg("bool", required=True)},
        done=lambda a, r: "会议已暂停。" if a["paused"] else "会议已继续。",
    ),
    "next_agenda_item": Verb(_next_item, done="已进入下一项议程。"),
}
