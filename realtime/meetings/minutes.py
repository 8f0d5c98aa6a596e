"""Minutes (会议记录): assembled from the roll, attendance, agenda, speakers, messages and votes.

The record is a plain JSON snapshot frozen into `Minutes.record`; once the meeting is
archived it never changes (corrections are appended). `to_markdown` is the export.
"""

from __future__ import annotations

from typing import Any

from forum.models import STATUS_LABELS
from forum.policy import MEETING_RULES
from realtime.meetings import queries
from realtime.meetings import votes as rules
from realtime.meetings.models import (
    AgendaItem,
    CheckIn,
    LeaveRequest,
    Meeting,
    MeetingMessage,
    Minutes,
    MinutesCorrection,
    RollEntry,
    SpeakingRequest,
    Vote,
    VoteCandidate,
)


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


async def assemble_record(meeting: Meeting) -> dict[str, Any]:
    roll = await RollEntry.filter(meeting_id=meeting.id).order_by("guest", "name", "id")
    checkins = {c.member_id: c.checked_in_at for c in await CheckIn.filter(meeting_id=meeting.id)}
    leaves = {r.member_id: r.reason for r in await LeaveRequest.filter(meeting_id=meeting.id)}
    attendance = await queries.attendance(meeting)
    entries = []
    for r in roll:
        if r.member_id in checkins:
            state = "present"
        elif r.on_leave:
            state = "leave"
        else:
            state = "absent"
        entries.append(
            {
                "name": r.name,
                "status": r.status,
                "guest": r.guest,
                "voter": r.voter,
                "attendance": state,
                "checked_in_at": _iso(checkins.get(r.member_id)),
                "leave_reason": leaves.get(r.member_id, ""),
            }
        )
    agenda = await AgendaItem.filter(meeting_id=meeting.id).order_by("position")
    speakers = await SpeakingRequest.filter(meeting_id=meeting.id, floor_at__isnull=False).order_by(
        "floor_at", "id"
    )
    messages = await MeetingMessage.filter(meeting_id=meeting.id, removed=False).order_by("number")
    removed = await MeetingMessage.filter(meeting_id=meeting.id, removed=True).count()
    vote_rows = []
    for vote in await Vote.filter(meeting_id=meeting.id, state="closed").order_by("id"):
        candidates = await VoteCandidate.filter(vote_id=vote.id).order_by("position", "id")
        vote_rows.append(
            {
                "id": vote.id,
                "kind": str(vote.kind),
                "kind_label": rules.KIND_LABELS[str(vote.kind)],
                "title": vote.title,
                "secret": vote.secret,
                "seats": vote.seats,
                "candidates": {str(c.member_id): c.name for c in candidates},
                "tallies": await queries.tallies_of(vote),
                "result": vote.result,
            }
        )
    return {
        "title": meeting.title,
        "type": str(meeting.type),
        "type_label": MEETING_RULES[str(meeting.type)].label,
        "scheduled_at": _iso(meeting.scheduled_at),
        "started_at": _iso(meeting.started_at),
        "ended_at": _iso(meeting.ended_at),
        "location": meeting.location,
        "attendance": attendance.as_dict(),
        "roll": entries,
        "agenda": [{"position": a.position, "title": a.title} for a in agenda],
        "speakers": [{"name": s.name, "floor_at": _iso(s.floor_at)} for s in speakers],
        "messages": [
            {
                "number": m.number,
                "author_name": m.author_name,
                "created_at": _iso(m.created_at),
                "html": m.body_html,
                "raw": m.body_raw,
            }
            for m in messages
        ],
        "removed_messages": removed,
        "votes": vote_rows,
    }


ATTENDANCE_LABELS = {"present": "出席", "leave": "请假", "absent": "缺席"}


def result_line(vote: dict[str, Any]) -> str:
    result = vote.get("result") or {}
    tallies = vote.get("tallies") or {}
    if vote["kind"] == "election":
        names = vote.get("candidates", {})
        elected = "、".join(names.get(str(c), str(c)) for c in result.get("elected", [])) or "无"
        counts = "，".join(
            f"{names.get(key[2:], key)} {count} 票"
            for key, count in tallies.items()
            if key.startswith("c:")
        )
        void = "" if result.get("quorum") else "（到会人数未超过应到的五分之四，选举无效）"
        return f"当选：{elected}。得票：{counts}{void}"
    yes = tallies.get("yes", 0) + result.get("written_yes", 0)
    no = tallies.get("no", 0) + result.get("written_no", 0)
    abstain = tallies.get("abstain", 0) + result.get("written_abstain", 0)
    outcome = {
        "passed": "通过",
        "no_quorum": "未通过（到会有表决权人数未过半数）",
        "not_enough_yes": "未通过（赞成票未超过应到会有表决权人数的半数）",
    }.get(str(result.get("reason", "")), "")
    return f"赞成 {yes}，反对 {no}，弃权 {abstain}：{outcome}"


def to_markdown(
    record: dict[str, Any], minutes: Minutes, corrections: list[MinutesCorrection]
) -> str:
    a = record["attendance"]
    lines = [
        f"# {record['title']}（{record['type_label']}会议记录）",
        "",
        f"- 时间：{record.get('started_at') or record.get('scheduled_at')}",
        f"- 地点：{record.get('location') or '线上'}",
        f"- 应到 {a['expected']} 人（有表决权 {a['expected_voters']} 人），实到 {a['present']} 人"
        f"（有表决权 {a['present_voters']} 人），请假 {a['on_leave']} 人，缺席 {a['absent']} 人",
        "",
        "## 签到",
        "",
    ]
    for entry in record["roll"]:
        label = ATTENDANCE_LABELS[entry["attendance"]]
        status = STATUS_LABELS.get(entry["status"], entry["status"])
        guest = "（列席）" if entry["guest"] else ""
        reason = f"：{entry['leave_reason']}" if entry["attendance"] == "leave" else ""
        lines.append(f"- {entry['name']}（{status}）{guest}{label}{reason}")
    lines += ["", "## 议程", ""]
    lines += [f"{item['position']}. {item['title']}" for item in record["agenda"]]
    lines += ["", "## 发言", ""]
    lines += [f"- {s['name']}" for s in record["speakers"]] or ["- 无"]
    lines += ["", "## 讨论记录", ""]
    for message in record["messages"]:
        lines.append(f"- **{message['author_name']}**（#{message['number']}）：{message['raw']}")
    lines += ["", "## 表决", ""]
    for vote in record["votes"]:
        secret = "无记名" if vote["secret"] else "记名"
        lines.append(f"- {vote['kind_label']}：{vote['title']}（{secret}）—— {result_line(vote)}")
    if not record["votes"]:
        lines.append("- 无")
    if minutes.summary_raw:
        lines += ["", "## 会议纪要", "", minutes.summary_raw]
    for correction in corrections:
        lines += [
            "",
            f"## 更正（{correction.created_at.isoformat()}，{correction.author_name}）",
            "",
        ]
        lines.append(correction.body_raw)
    return "\n".join(lines) + "\n"
