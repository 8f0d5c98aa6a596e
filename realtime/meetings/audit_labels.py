"""The meetings part's audit codes and targets in Chinese, and how to name its targets."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from forum.audit import AuditLabels, AuditNames, int_ids
from realtime.meetings.models import Meeting, MeetingMessage, Minutes, Vote

LABELS = AuditLabels(
    "meetings",
    actions={
        "meeting.drafted": "保存会议草稿",
        "meeting.scheduled": "安排会议",
        "meeting.published": "发布会议",
        "meeting.rescheduled": "更改会议时间地点",
        "meeting.started": "开始会议",
        "meeting.ended": "结束会议",
        "meeting.archived": "归档会议",
        "meeting.attendance_recorded": "登记出勤",
        "meeting.recorder_named": "指定记录人",
        "meeting.roll_excluded": "移出应到名单",
        "meeting.roll_restored": "恢复到应到名单",
        "meeting.discussion_locked": "锁定讨论",
        "meeting.discussion_unlocked": "解锁讨论",
        "meeting.participant_muted": "禁止参会人发言",
        "meeting.participant_removed": "移出参会人",
        "meeting.participant_restored": "恢复参会人",
        "meeting_message.removed": "移除会议发言",
        "minutes.edited": "编辑会议记录",
        "minutes.corrected": "更正会议记录",
        "vote.created": "创建表决",
        "vote.opened": "开始表决",
        "vote.closed": "结束表决",
        "vote.in_person_counted": "录入现场表决结果",
        "vote.written_opinion_entered": "录入书面意见",
    },
    targets={
        "meeting": "会议",
        "meeting_message": "会议发言",
        "meeting_minutes": "会议记录",
        "meeting_vote": "表决",
    },
)


async def _meeting_titles(meeting_ids: set[int]) -> dict[int, str]:
    return dict(await Meeting.filter(id__in=meeting_ids).values_list("id", "title"))


async def meeting_names(ids: Sequence[str]) -> Mapping[str, str]:
    return {str(i): str(t) for i, t in (await _meeting_titles(set(int_ids(ids)))).items()}


async def message_names(ids: Sequence[str]) -> Mapping[str, str]:
    rows = await MeetingMessage.filter(id__in=int_ids(ids)).values_list("id", "meeting_id")
    titles = await _meeting_titles({int(m) for _, m in rows})
    return {str(i): f"{titles.get(m, '')} · 发言" for i, m in rows}


async def minutes_names(ids: Sequence[str]) -> Mapping[str, str]:
    rows = await Minutes.filter(id__in=int_ids(ids)).values_list("id", "meeting_id")
    titles = await _meeting_titles({int(m) for _, m in rows})
    return {str(i): f"{titles.get(m, '')} · 会议记录" for i, m in rows}


async def vote_names(ids: Sequence[str]) -> Mapping[str, str]:
    rows = await Vote.filter(id__in=int_ids(ids)).values_list("id", "title")
    return {str(i): str(t) for i, t in rows}


PROVIDES = (
    LABELS,
    AuditNames("meeting", meeting_names),
    AuditNames("meeting_message", message_names),
    AuditNames("meeting_minutes", minutes_names),
    AuditNames("meeting_vote", vote_names),
)
