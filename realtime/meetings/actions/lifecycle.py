"""Scheduling and the lifecycle: draft -> scheduled -> live -> ended; absence requests."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from forum import audit, publisher
from forum.clock import utcnow
from forum.core_queries import find_user
from forum.decisions import StandingExclusion, standing_exclusions
from forum.errors import ActionError, Conflict
from forum.models import Member, Org
from forum.policy import (
    MEETING_RULES,
    Viewer,
    can_edit_meeting,
    can_host_meeting,
    can_moderate_meeting,
    can_request_leave,
    can_schedule_meeting,
    ensure,
)
from realtime.meetings import eventtypes, notices, queries
from realtime.meetings import minutes as minutes_mod
from realtime.meetings.actions._common import (
    MAX_AGENDA_ITEMS,
    _event,
    _reload,
    fresh,
)
from realtime.meetings.actions.voting import close_vote
from realtime.meetings.models import (
    AgendaItem,
    LeaveRequest,
    Meeting,
    MeetingStatus,
    MeetingType,
    Minutes,
    RollEntry,
    SpeakingRequest,
    Vote,
)

# ---- scheduling ----------------------------------------------------------------------------


def _validate_agenda(items: Sequence[str]) -> list[str]:
    cleaned = [item.strip() for item in items if item.strip()]
    if len(cleaned) > MAX_AGENDA_ITEMS:
        raise ActionError(f"议程最多 {MAX_AGENDA_ITEMS} 项", field="agenda")
    for item in cleaned:
        if len(item) > 200:
            raise ActionError("每项议程不能超过 200 个字符", field="agenda")
    return cleaned


DESCRIPTION_CHARS = 5000
LOCATION_CHARS = 120
USERNAME_CHARS = 32  # User.username's column length: a longer host name names nobody


async def schedule_meeting(
    actor: Viewer,
    org: Org,
    *,
    type: str,
    title: str,
    scheduled_at: dt.datetime,
    agenda: Sequence[str] = (),
    description: str = "",
    location: str = "",
    host_usernames: Sequence[str] = (),
    publish: bool = True,
) -> Meeting:
    """Create a meeting (draft, or scheduled with notice to the roll)."""
    ensure(can_schedule_meeting(actor, org))
    if type not in MEETING_RULES:
        raise ActionError("请选择会议类型", field="type")
    if MEETING_RULES[type].org_kind != str(org.kind):
        raise ActionError("该组织不能召开这种会议", field="type")
    title = title.strip()
    if not title or len(title) > 120:
        raise ActionError("会议名称须为 1 到 120 个字符", field="title")
    if scheduled_at.tzinfo is None:
        raise ActionError("会议时间格式有误", field="scheduled_at")
    if scheduled_at < utcnow() - dt.timedelta(minutes=5):
        raise ActionError("会议时间不能早于现在", field="scheduled_at")
    items = _validate_agenda(agenda)
    if len(description) > DESCRIPTION_CHARS:  # refused, not silently cut
        raise ActionError(f"会议说明不能超过 {DESCRIPTION_CHARS} 个字", field="description")
    if len(location.strip()) > LOCATION_CHARS:  # refused, not silently cut
        raise ActionError(f"地点不能超过 {LOCATION_CHARS} 个字符", field="location")
    host_ids: list[int] = []
    for username in host_usernames:
        if len(username.strip()) > USERNAME_CHARS:  # refused, not cut
            raise ActionError(f"主持人用户名不能超过 {USERNAME_CHARS} 个字符", field="hosts")
        user = await find_user(username)
        if user is None:
            raise ActionError(f"找不到用户“{username.strip()}”", field="hosts")
        host_ids.append(user.id)
    status = MeetingStatus.scheduled if publish else MeetingStatus.draft
    async with in_transaction():
        meeting = await Meeting.create(
            org_id=org.id,
            org_path=org.path,
            type=MeetingType(type),
            title=title,
            description=description,
            location=location.strip(),
            scheduled_at=scheduled_at,
            status=status,
            host_user_ids=host_ids,
            created_by_id=actor.user_id,
        )
        for position, item in enumerate(items, start=1):
            await AgendaItem.create(meeting_id=meeting.id, position=position, title=item)
        await audit.record(
            actor,
            "meeting.scheduled" if publish else "meeting.drafted",
            "meeting",
            meeting.id,
            org_path=org.path,
            after={"type": type, "title": title, "scheduled_at": scheduled_at.isoformat()},
        )
        if publish:
            sent = await notices.scheduled(actor, await _reload(meeting))
    if publish:
        await sent.send()
    return meeting


async def publish_meeting(actor: Viewer, meeting: Meeting) -> Meeting:
    """draft -> scheduled: the notice goes to everyone on the expected roll."""
    meeting = await _reload(meeting)
    ensure(can_edit_meeting(actor, meeting))
    if meeting.status != MeetingStatus.draft:
        raise ActionError("会议已发布通知")
    async with in_transaction():
        updated = await Meeting.filter(id=meeting.id, status="draft").update(status="scheduled")
        if not updated:
            raise Conflict("会议状态已变化，请刷新")
        await audit.record(
            actor, "meeting.published", "meeting", meeting.id, org_path=meeting.org_path
        )
        meeting = await _reload(meeting)
        sent = await notices.scheduled(actor, meeting)
    await sent.send()
    return meeting


async def reschedule_meeting(
    actor: Viewer, meeting: Meeting, *, scheduled_at: dt.datetime, location: str
) -> Meeting:
    """Change the time or place before the meeting starts; a published meeting's roll hears
    of the change (`meeting.changed`)."""
    meeting = await _reload(meeting)
    ensure(can_edit_meeting(actor, meeting))
    if scheduled_at.tzinfo is None:
        raise ActionError("会议时间格式有误", field="scheduled_at")
    if scheduled_at < utcnow() - dt.timedelta(minutes=5):
        raise ActionError("会议时间不能早于现在", field="scheduled_at")
    location = location.strip()
    if len(location) > LOCATION_CHARS:  # refused, not silently cut
        raise ActionError(f"地点不能超过 {LOCATION_CHARS} 个字符", field="location")
    before = {"scheduled_at": meeting.scheduled_at.isoformat(), "location": meeting.location}
    after = {"scheduled_at": scheduled_at.isoformat(), "location": location}
    if before == after:
        return meeting
    async with in_transaction():
        updated = await Meeting.filter(id=meeting.id, status=meeting.status).update(
            scheduled_at=scheduled_at, location=location
        )
        if not updated:
            raise Conflict("会议状态已变化，请刷新")
        await audit.record(
            actor,
            "meeting.rescheduled",
            "meeting",
            meeting.id,
            org_path=meeting.org_path,
            before=before,
            after=after,
        )
        meeting = await _reload(meeting)
        sent = notices.nobody()
        if meeting.status == MeetingStatus.scheduled:  # a draft has told nobody yet
            sent = await notices.changed(actor, meeting)
    await sent.send()
    return meeting


async def request_leave(actor: Viewer, meeting: Meeting, reason: str) -> LeaveRequest:
    meeting = await _reload(meeting)
    actor = await fresh(actor)
    ensure(can_request_leave(actor, meeting))
    reason = reason.strip()
    if not reason or len(reason) > 500:
        raise ActionError("请填写请假事由（不超过 500 字）", field="reason")
    assert actor.member_id is not None  # noqa: S101 - guaranteed by the policy
    member = await Member.get(id=actor.member_id)
    try:
        async with in_transaction():
            leave = await LeaveRequest.create(
                meeting_id=meeting.id, member_id=member.id, reason=reason
            )
            event = await _event(meeting, eventtypes.LEAVE_REQUESTED, {"name": member.name})
    except IntegrityError as exc:
        raise Conflict("您已请假") from exc
    await publisher.publish(event)
    return leave


# ---- lifecycle -----------------------------------------------------------------------------


def _excluded(found: StandingExclusion | None) -> dict[str, str]:
    if found is None:
        return {}
    return {
        "excluded_category": found.category,
        "excluded_reason": found.reason[:500],
        "excluded_approval": found.approval[:200],
        "excluded_decision": found.decision[:200],
    }


async def start_meeting(actor: Viewer, meeting: Meeting) -> Meeting:
    """scheduled -> live: the expected roll (应到) is generated from the org now."""
    meeting = await _reload(meeting)
    ensure(can_host_meeting(actor, meeting))
    if meeting.status != MeetingStatus.scheduled:
        raise ActionError("只有已通知的会议可以开始")
    roll = await queries.expected_roll(meeting)
    # The branch's standing decisions (reason, approval, plenary vote) apply to every roll.
    standing = await standing_exclusions([c.member.id for c in roll if not c.guest])
    leaves = set(
        queries.ints(
            await LeaveRequest.filter(meeting_id=meeting.id).values_list("member_id", flat=True)
        )
    )
    now = utcnow()
    async with in_transaction():
        updated = await Meeting.filter(id=meeting.id, status="scheduled").update(
            status="live", started_at=now
        )
        if not updated:
            raise Conflict("会议状态已变化，请刷新")
        await RollEntry.bulk_create(
            [
                RollEntry(
                    meeting_id=meeting.id,
                    member_id=c.member.id,
                    user_id=c.member.user_id,
                    name=c.member.name,
                    status=str(c.member.status),
                    guest=c.guest,
                    voter=c.voter,
                    on_leave=c.member.id in leaves,
                    **_excluded(standing.get(c.member.id)),
                )
                for c in roll
            ]
        )
        first = await AgendaItem.filter(meeting_id=meeting.id).order_by("position").first()
        if first is not None:
            await AgendaItem.filter(id=first.id).update(is_current=True, started_at=now)
        meeting = await _reload(meeting)
        attendance = await queries.attendance(meeting)
        await audit.record(
            actor,
            "meeting.started",
            "meeting",
            meeting.id,
            org_path=meeting.org_path,
            after=attendance.as_dict(),
        )
        event = await _event(
            meeting,
            eventtypes.MEETING_STARTED,
            {"attendance": attendance.as_dict(), "at": now.isoformat()},
        )
    await publisher.publish(event)
    return meeting


async def pause_meeting(actor: Viewer, meeting: Meeting, paused: bool) -> Meeting:
    meeting = await _reload(meeting)
    ensure(can_moderate_meeting(actor, meeting))
    async with in_transaction():
        await Meeting.filter(id=meeting.id).update(paused=paused)
        meeting = await _reload(meeting)
        event = await _event(meeting, eventtypes.MEETING_PAUSED, {"paused": paused})
    await publisher.publish(event)
    return meeting


async def check_end_meeting(actor: Viewer, meeting: Meeting) -> Meeting:
    """Raises what would refuse 结束会议 (a host, a live meeting), so the form asks for
    confirmation only when the step can go ahead; answers the meeting as it is now."""
    meeting = await _reload(meeting)
    ensure(can_moderate_meeting(actor, meeting))
    return meeting


async def end_meeting(actor: Viewer, meeting: Meeting) -> Meeting:
    """live -> ended: open questions are closed, the minutes are assembled."""
    meeting = await check_end_meeting(actor, meeting)
    for vote in await Vote.filter(meeting_id=meeting.id, state="open"):
        await close_vote(actor, meeting, vote)
    now = utcnow()
    async with in_transaction():
        updated = await Meeting.filter(id=meeting.id, status="live").update(
            status="ended", ended_at=now, paused=False
        )
        if not updated:
            raise Conflict("会议状态已变化，请刷新")
        await SpeakingRequest.filter(meeting_id=meeting.id, state="speaking").update(
            state="done", done_at=now
        )
        meeting = await _reload(meeting)
        record = await minutes_mod.assemble_record(meeting)
        branch_path, host_ids = minutes_mod.search_facts(meeting)
        await Minutes.create(
            meeting_id=meeting.id,
            record=record,
            search_text=minutes_mod.search_text(record, "", []),
            branch_path=branch_path,
            host_ids=host_ids,
        )
        await audit.record(actor, "meeting.ended", "meeting", meeting.id, org_path=meeting.org_path)
        event = await _event(meeting, eventtypes.MEETING_ENDED, {"at": now.isoformat()})
    await publisher.publish(event)
    return meeting
