"""Minutes: the host's summary, archiving (immutable afterwards) and appended corrections."""

from __future__ import annotations

from tortoise.transactions import in_transaction

from forum import audit, markup
from forum.clock import utcnow
from forum.errors import ActionError, Conflict
from forum.policy import (
    Viewer,
    can_archive_meeting,
    can_correct_minutes,
    can_edit_minutes,
    ensure,
)
from realtime.meetings import minutes as minutes_mod
from realtime.meetings.actions._common import (
    _reload,
)
from realtime.meetings.models import (
    Meeting,
    Minutes,
    MinutesCorrection,
)

# ---- minutes -------------------------------------------------------------------------------


async def _corrections_html(minutes: Minutes) -> list[str]:
    rows = await MinutesCorrection.filter(minutes_id=minutes.id).order_by("id")
    return [c.body_html for c in rows]


async def update_minutes_summary(actor: Viewer, meeting: Meeting, summary: str) -> Minutes:
    meeting = await _reload(meeting)
    ensure(can_edit_minutes(actor, meeting))
    if len(summary) > 20000:
        raise ActionError("纪要不能超过 20000 个字符", field="summary")
    minutes = await Minutes.get(meeting_id=meeting.id)
    html = markup.render(summary)
    corrections = await _corrections_html(minutes)
    async with in_transaction():
        await Minutes.filter(id=minutes.id).update(
            summary_raw=summary,
            summary_html=html,
            render_version=markup.VERSION,
            updated_at=utcnow(),
            search_text=minutes_mod.search_text(minutes.record, html, corrections),
        )
        await audit.record(
            actor,
            "minutes.edited",
            "meeting_minutes",
            minutes.id,
            org_path=meeting.org_path,
            before={"summary": minutes.summary_raw},
            after={"summary": summary},
        )
    return await Minutes.get(id=minutes.id)


async def check_archive_meeting(actor: Viewer, meeting: Meeting) -> Meeting:
    """Raises what would refuse 归档 (a host, an ended meeting), before the form asks."""
    meeting = await _reload(meeting)
    ensure(can_archive_meeting(actor, meeting))
    return meeting


async def archive_meeting(actor: Viewer, meeting: Meeting) -> Meeting:
    """ended -> archived: the minutes become immutable (corrections are appended)."""
    meeting = await check_archive_meeting(actor, meeting)
    now = utcnow()
    async with in_transaction():
        updated = await Meeting.filter(id=meeting.id, status="ended").update(
            status="archived", archived_at=now
        )
        if not updated:
            raise Conflict("会议状态已变化，请刷新")
        await Minutes.filter(meeting_id=meeting.id).update(archived_at=now)
        await audit.record(
            actor, "meeting.archived", "meeting", meeting.id, org_path=meeting.org_path
        )
    return await _reload(meeting)


async def append_correction(actor: Viewer, meeting: Meeting, body: str) -> MinutesCorrection:
    meeting = await _reload(meeting)
    ensure(can_correct_minutes(actor, meeting))
    body = body.strip()
    if not body or len(body) > 5000:
        raise ActionError("请填写更正内容（不超过 5000 字）", field="body")
    minutes = await Minutes.get(meeting_id=meeting.id)
    html = markup.render(body)
    corrections = [*await _corrections_html(minutes), html]
    async with in_transaction():
        correction = await MinutesCorrection.create(
            minutes_id=minutes.id,
            body_raw=body,
            body_html=html,
            render_version=markup.VERSION,
            author_id=actor.user_id,
            author_name=actor.display_name or actor.username,
        )
        await Minutes.filter(id=minutes.id).update(
            search_text=minutes_mod.search_text(minutes.record, minutes.summary_html, corrections)
        )
        await audit.record(
            actor,
            "minutes.corrected",
            "meeting_minutes",
            minutes.id,
            org_path=meeting.org_path,
            after={"correction_id": correction.id},
        )
    return correction
