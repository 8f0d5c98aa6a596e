"""The meeting room's verbs: one table, one spelling, for the HTML forms
(`POST /meetings/{id}/{verb}`), the JSON API (`{"action": verb, "data": ...}`) and the
websocket `action` frames. Each entry names the action it calls and its arguments; what it
answers is the API's and the websocket's ack. The frames are documented in docs/meetings.md.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from forum.errors import NotFound
from forum.policy import Viewer
from realtime.meetings import actions, queries
from realtime.meetings.actions.hybrid import MAX_HAND_COUNT
from realtime.meetings.models import Meeting
from realtime.meetings.verbs._args import Arg, Args, Run, Verb, from_data, from_form
from realtime.meetings.verbs.room import ROOM_VERBS

__all__ = ["VERBS", "Arg", "Args", "Verb", "from_data", "from_form", "get_verb", "perform"]


# ---- lifecycle, leave and minutes ----------------------------------------------------------


def _status(action: Callable[[Viewer, Meeting], Awaitable[Meeting]]) -> Run:
    """A lifecycle step that takes no argument and answers the meeting's new status."""

    async def run(viewer: Viewer, meeting: Meeting, a: Args) -> dict[str, Any]:
        meeting = await action(viewer, meeting)
        return {"status": str(meeting.status)}

    return run


async def _request_leave(viewer: Viewer, meeting: Meeting, a: Args) -> dict[str, Any]:
    leave = await actions.request_leave(viewer, meeting, a["reason"])
    return {"leave_id": leave.id}


async def _update_minutes(viewer: Viewer, meeting: Meeting, a: Args) -> dict[str, Any]:
    minutes = await actions.update_minutes_summary(viewer, meeting, a["summary"])
    return {"minutes_id": minutes.id}


async def _append_correction(viewer: Viewer, meeting: Meeting, a: Args) -> dict[str, Any]:
    correction = await actions.append_correction(viewer, meeting, a["body"])
    return {"correction_id": correction.id}


# ---- votes ---------------------------------------------------------------------------------


async def _create_vote(viewer: Viewer, meeting: Meeting, a: Args) -> dict[str, Any]:
    vote = await actions.create_vote(viewer, meeting, **a)
    return {"vote_id": vote.id}


async def _open_vote(viewer: Viewer, meeting: Meeting, a: Args) -> dict[str, Any]:
    vote = await queries.get_vote(meeting, a["vote_id"])
    vote = await actions.open_vote(viewer, meeting, vote)
    return {"vote_id": vote.id, "expected_voters": vote.expected_voters}


async def _cast_ballot(viewer: Viewer, meeting: Meeting, a: Args) -> dict[str, Any]:
    vote = await queries.get_vote(meeting, a["vote_id"])
    await actions.cast_ballot(
        viewer, meeting, vote, choice=a["choice"] or None, selected=a["selected"]
    )
    return {"vote_id": vote.id, "accepted": True}  # never echo the choice


async def _close_vote(viewer: Viewer, meeting: Meeting, a: Args) -> dict[str, Any]:
    vote = await queries.get_vote(meeting, a["vote_id"])
    vote = await actions.close_vote(viewer, meeting, vote)
    return {"vote_id": vote.id, "result": vote.result}


async def _count(viewer: Viewer, meeting: Meeting, a: Args) -> dict[str, Any]:
    vote = await queries.get_vote(meeting, a["vote_id"])
    vote = await actions.record_in_person_count(
        viewer, meeting, vote, yes=a["yes"], no=a["no"], abstain=a["abstain"]
    )
    return {"vote_id": vote.id, "ballots_cast": vote.ballots_cast}


async def _written_opinion(viewer: Viewer, meeting: Meeting, a: Args) -> dict[str, Any]:
    vote = await queries.get_vote(meeting, a["vote_id"])
    opinion = await actions.enter_written_opinion(
        viewer, meeting, vote, a["member_id"], a["choice"], a["note"]
    )
    return {"vote_id": vote.id, "member_id": opinion.member_id}


def _hands(label: str) -> Arg:
    # required over JSON; a blank form field counts 0
    return Arg("int", required=True, default=0, label=label, maximum=MAX_HAND_COUNT)


VOTE = {"vote_id": Arg("id", required=True)}


async def _check_end(viewer: Viewer, meeting: Meeting, a: Args) -> None:
    await actions.check_end_meeting(viewer, meeting)


async def _check_archive(viewer: Viewer, meeting: Meeting, a: Args) -> None:
    await actions.check_archive_meeting(viewer, meeting)


async def _check_close_vote(viewer: Viewer, meeting: Meeting, a: Args) -> None:
    await actions.check_close_vote(viewer, meeting, await queries.get_vote(meeting, a["vote_id"]))


VERBS: dict[str, Verb] = {
    "publish": Verb(_status(actions.publish_meeting), done="会议通知已发出。"),
    "start": Verb(_status(actions.start_meeting), done="会议已开始，应到人员名单已生成。"),
    "end": Verb(
        _status(actions.end_meeting),
        done="会议已结束，会议记录已生成。",
        confirm="结束会议后，进行中的表决将一并结束，会议记录随即生成，会议不能重新开始。确定结束会议？",
        confirm_label="结束会议",
        check=_check_end,
    ),
    "request_leave": Verb(
        _request_leave, {"reason": Arg("str", required=True)}, done="请假已提交，主持人会看到。"
    ),
    "update_minutes": Verb(
        _update_minutes, {"summary": Arg("str", required=True)}, "/minutes", done="纪要已保存。"
    ),
    "archive": Verb(
        _status(actions.archive_meeting),
        back="/minutes",
        done="会议记录已归档，此后只能追加更正。",
        confirm="归档后会议记录和纪要不能再修改，只能追加更正。确定归档？",
        confirm_label="归档纪要",
        check=_check_archive,
    ),
    "append_correction": Verb(
        _append_correction,
        {"body": Arg("str", required=True)},
        "/minutes",
        done="更正已追加到会议记录。",
    ),
    **ROOM_VERBS,
    "create_vote": Verb(
        _create_vote,
        {
            "kind": Arg("str", required=True),
            "title": Arg("str", required=True),
            "candidate_id": Arg("id"),
            "candidate_ids": Arg("ids"),
            "seats": Arg("int", default=1, label="应选人数", minimum=1, maximum=999),
            "secret": Arg("bool"),
            "denominator": Arg("str", default="expected"),
        },
        "#votes",
        done="表决已创建，点击“开始表决”后即可投票。",
    ),
    "open_vote": Verb(_open_vote, VOTE, "#votes", done="表决已开始。"),
    "cast_ballot": Verb(
        _cast_ballot,
        {**VOTE, "choice": Arg("str"), "selected": Arg("ids")},
        "#votes",
        done="您的票已投出。",
    ),
    "close_vote": Verb(
        _close_vote,
        VOTE,
        "#votes",
        done="表决已结束，结果已计出。",
        confirm="结束表决后不能再投票，结果随即计出。确定结束表决？",
        confirm_label="结束表决",
        check=_check_close_vote,
    ),
    "record_in_person_count": Verb(
        _count,
        {
            **VOTE,
            "yes": _hands("赞成人数"),
            "no": _hands("反对人数"),
            "abstain": _hands("弃权人数"),
        },
        "#votes",
        done="现场举手计数已记录。",
    ),
    "enter_written_opinion": Verb(
        _written_opinion,
        {
            **VOTE,
            "member_id": Arg("id", required=True),
            "choice": Arg("str", required=True),
            "note": Arg("str"),
        },
        "#votes",
        done="书面意见已录入。",
    ),
}


def get_verb(name: str) -> Verb:
    """The verb of an HTML form or an API call: an unknown one is a 404, like a missing page."""
    verb = VERBS.get(name)
    if verb is None:
        raise NotFound()
    return verb


async def perform(viewer: Viewer, meeting_id: int, verb: Verb, args: Args) -> dict[str, Any]:
    """Run `verb` on the meeting as the viewer sees it now (fresh facts: 404 when hidden)."""
    meeting = await queries.get_meeting_for(await actions.fresh(viewer), meeting_id)
    return await verb.run(viewer, meeting, args)
