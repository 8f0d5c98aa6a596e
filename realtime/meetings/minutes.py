"""Minutes (会议记录): assembled from the roll, attendance, agenda, speakers, messages and votes.

The record is a plain JSON snapshot frozen into `Minutes.record`; once the meeting is
archived it never changes (corrections are appended). `to_markdown` is the export.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from forum import markup
from forum.models import STATUS_LABELS, Member, User
from forum.policy import MEETING_RULES, branch_path_of
from forum.templating import format_datetime, local
from realtime.meetings import queries
from realtime.meetings import votes as rules
from realtime.meetings.models import (
    CHECKIN_METHOD_LABELS,
    EXCLUSION_LABELS,
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


def local_time(value: str | None) -> str:
    """A stored UTC ISO time as the local clock time (14:30), as everywhere in the UI."""
    if not value:
        return ""
    return local(dt.datetime.fromisoformat(value)).strftime("%H:%M")


def local_datetime(value: str | None) -> str:
    return format_datetime(dt.datetime.fromisoformat(value)) if value else ""


async def _name_map(user_ids: list[int]) -> dict[int, str]:
    """Display names of users (members' names where they have one)."""
    if not user_ids:
        return {}
    members = {m.user_id: m.name for m in await Member.filter(user_id__in=user_ids)}
    users = {u.id: u.display_name or u.username for u in await User.filter(id__in=user_ids)}
    return {i: members.get(i) or users[i] for i in user_ids if i in members or i in users}


async def _names(user_ids: list[int]) -> list[str]:
    ids = list(dict.fromkeys(user_ids))
    names = await _name_map(ids)
    return [names[i] for i in ids if i in names]


async def assemble_record(meeting: Meeting) -> dict[str, Any]:
    roll = await RollEntry.filter(meeting_id=meeting.id).order_by("guest", "name", "id")
    checkin_rows = {c.member_id: c for c in await CheckIn.filter(meeting_id=meeting.id)}
    checkins = {m: c.checked_in_at for m, c in checkin_rows.items()}
    recorders = await _name_map(
        list({c.recorded_by_id for c in checkin_rows.values() if c.recorded_by_id})
    )
    leaves = {r.member_id: r.reason for r in await LeaveRequest.filter(meeting_id=meeting.id)}
    attendance = await queries.attendance(meeting)
    entries = []
    for r in roll:
        checkin = checkin_rows.get(r.member_id)
        if r.excluded_category:
            state = "excluded"
        elif r.member_id in checkins:
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
                "checkin_method": checkin.method if checkin else "",
                "recorded_by": recorders.get(checkin.recorded_by_id or 0, "") if checkin else "",
                "checkin_note": checkin.note if checkin else "",
                "excluded_category": r.excluded_category,
                "excluded_reason": r.excluded_reason,
                "excluded_approval": r.excluded_approval,
                "excluded_decision": r.excluded_decision,
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
                "in_person": {
                    "yes": vote.in_person_yes,
                    "no": vote.in_person_no,
                    "abstain": vote.in_person_abstain,
                }
                if vote.in_person_by_id is not None
                else None,
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
        # Hosts: whoever scheduled it plus those named on the meeting; the recorder the
        # host named; 列席: guests and sit-ins who came.
        "hosts": await _names(
            ([meeting.created_by_id] if meeting.created_by_id else []) + meeting.host_user_ids
        ),
        "recorders": await _names(list(meeting.recorder_user_ids)),
        "sit_ins": [e["name"] for e in entries if e["guest"] and e["attendance"] == "present"],
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


ATTENDANCE_LABELS = {"present": "出席", "leave": "请假", "absent": "缺席", "excluded": "不计入应到"}


def attendance_detail(entry: dict[str, Any]) -> str:
    """签到时间（本地）and how it was recorded, the leave reason, or the exclusion."""
    if entry["attendance"] == "leave":
        return str(entry.get("leave_reason", ""))
    if entry["attendance"] == "excluded":
        label = EXCLUSION_LABELS.get(entry.get("excluded_category", ""), "")
        return (
            f"{label}：{entry.get('excluded_reason', '')}"
            f"（上级批准：{entry.get('excluded_approval', '')}；"
            f"党员大会：{entry.get('excluded_decision', '')}）"
        )
    if entry["attendance"] != "present":
        return ""
    text = local_time(entry.get("checked_in_at"))
    method = entry.get("checkin_method") or "self"
    if method == "proxy":
        who = entry.get("recorded_by") or ""
        text += f" {CHECKIN_METHOD_LABELS['proxy']}" + (f"（{who}）" if who else "")
        if entry.get("checkin_note"):
            text += f"：{entry['checkin_note']}"
    elif method == "qr":
        text += f" {CHECKIN_METHOD_LABELS['qr']}"
    return text


def people_lines(record: dict[str, Any]) -> list[tuple[str, str]]:
    """主持人 / 记录人 / 列席 (older records without them show 未记录)."""
    missing = "未记录"
    return [
        ("主持人", "、".join(record["hosts"]) if "hosts" in record else missing),
        (
            "记录人",
            "、".join(record.get("recorders") or []) or ("无" if "hosts" in record else missing),
        ),
        (
            "列席",
            "、".join(record.get("sit_ins") or []) or ("无" if "hosts" in record else missing),
        ),
    ]


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
    hands = vote.get("in_person")
    counted = (
        f"（其中现场举手表决计数：赞成 {hands['yes']}，反对 {hands['no']}，"
        f"弃权 {hands['abstain']}）"
        if hands
        else ""
    )
    outcome = {
        "passed": "通过",
        "no_quorum": "未通过（到会有表决权人数未过半数）",
        "not_enough_yes": "未通过（赞成票未超过应到会有表决权人数的半数）",
    }.get(str(result.get("reason", "")), "")
    return f"赞成 {yes}，反对 {no}，弃权 {abstain}{counted}：{outcome}"


def to_markdown(
    record: dict[str, Any], minutes: Minutes, corrections: list[MinutesCorrection]
) -> str:
    a = record["attendance"]
    lines = [
        f"# {record['title']}（{record['type_label']}会议记录）",
        "",
        f"- 时间：{local_datetime(record.get('started_at') or record.get('scheduled_at'))}"
        + (f" 至 {local_datetime(record['ended_at'])}" if record.get("ended_at") else ""),
        f"- 地点：{record.get('location') or '线上'}",
        *[f"- {label}：{names}" for label, names in people_lines(record)],
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
        detail = attendance_detail(entry)
        lines.append(
            f"- {entry['name']}（{status}）{guest}{label}" + (f" {detail}" if detail else "")
        )
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
            f"## 更正（{format_datetime(correction.created_at)}，{correction.author_name}）",
            "",
        ]
        lines.append(correction.body_raw)
    return "\n".join(lines) + "\n"


# ---- search: the plain text of the minutes and the facts of its visibility filter ----------

SEARCH_TEXT_LIMIT = 200_000


def search_text(record: dict[str, Any], summary_html: str, corrections_html: list[str]) -> str:
    """The minutes as plain text, one line per piece: title, agenda, discussion (the rendered
    messages stripped to text), questions put to the vote, the summary, the corrections."""
    plain = [markup.excerpt(h, SEARCH_TEXT_LIMIT) for h in (summary_html, *corrections_html)]
    lines = [
        f"{record.get('title', '')}（{record.get('type_label', '')}）",
        *[str(a["title"]) for a in record.get("agenda", [])],
        *[
            f"{m['author_name']}：{markup.excerpt(str(m.get('html', '')), SEARCH_TEXT_LIMIT)}"
            for m in record.get("messages", [])
        ],
        *[f"{v['kind_label']}：{v['title']}" for v in record.get("votes", [])],
        *[text for text in plain if text],
    ]
    return "\n".join(line for line in lines if line)[:SEARCH_TEXT_LIMIT]


def search_facts(meeting: Meeting) -> tuple[str, str]:
    """The columns `minutes_visibility` is matched against: `branch_path`, `host_ids`."""
    hosts = ",".join(str(i) for i in meeting.host_user_ids)
    return branch_path_of(meeting), f",{hosts}," if hosts else ","
