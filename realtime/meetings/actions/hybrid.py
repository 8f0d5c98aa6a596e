"""Hybrid meetings: attendance, counts and exclusions recorded for people in the room.

Most members of a real branch come in person, many without an account, so the host (or the
recorder, 记录人, the host names) records their attendance (代签到 / 补签, with a note); it
counts toward quorum exactly like a self check-in. Open votes take a show-of-hands or paper
count of voters without a device; secret ballots stay one person one ballot. Every proxy
action is audited and marked as such in the minutes.
"""

from __future__ import annotations

from tortoise.exceptions import IntegrityError
from tortoise.expressions import F
from tortoise.transactions import in_transaction

from forum import audit, publisher
from forum.clock import utcnow
from forum.core_queries import find_user
from forum.errors import ActionError, Conflict
from forum.http import text_field
from forum.models import Member
from forum.policy import (
    Viewer,
    branch_path_of,
    can_edit_roll_exclusions,
    can_name_recorder,
    can_record_attendance,
    can_record_in_person_count,
    ensure,
    in_subtree,
)
from realtime.meetings import eventtypes, qr, queries
from realtime.meetings import votes as rules
from realtime.meetings.actions._common import _event, _reload, fresh
from realtime.meetings.actions.room import check_in
from realtime.meetings.models import (
    EXCLUSION_LABELS,
    CheckIn,
    Meeting,
    RollEntry,
    Vote,
    VoteTally,
)

MAX_NOTE = 200  # CheckIn.note
MAX_EXCLUSION_REASON = 500
MAX_EXCLUSION_REF = 200
MAX_HAND_COUNT = 100_000


def _text(value: str, limit: int, field: str, label: str, *, required: bool) -> str:
    """The kernel's one text rule (trimmed, refused past `limit`, never silently cut)."""
    return text_field({field: value}, field, label, max_length=limit, required=required)


async def _roll_entry(meeting: Meeting, member_id: int) -> RollEntry:
    entry = await RollEntry.get_or_none(meeting_id=meeting.id, member_id=member_id)
    if entry is None:
        raise ActionError("该成员不在本次会议的签到表中", field="member_id")
    return entry


async def record_attendance(
    actor: Viewer, meeting: Meeting, member_id: int, note: str = ""
) -> CheckIn:
    """代签到 / 补签 for a roll member in the room (with or without an account); audited.

    Publishes `member.checked_in` with `method: "proxy"`; counts like a self check-in."""
    meeting = await _reload(meeting)
    actor = await fresh(actor)
    ensure(can_record_attendance(actor, meeting))
    note = _text(note, MAX_NOTE, "note", "备注", required=False)
    entry = await _roll_entry(meeting, member_id)
    if entry.excluded_category:
        raise ActionError("该党员不计入应到，请先恢复后再签到", field="member_id")
    try:
        async with in_transaction():
            checkin = await CheckIn.create(
                meeting_id=meeting.id,
                member_id=member_id,
                method="proxy",
                recorded_by_id=actor.user_id,
                note=note,
            )
            await audit.record(
                actor,
                "meeting.attendance_recorded",
                "member",
                member_id,
                org_path=meeting.org_path,
                after={"meeting_id": meeting.id, "name": entry.name, "note": note},
            )
            attendance = await queries.attendance(meeting)
            event = await _event(
                meeting,
                eventtypes.MEMBER_CHECKED_IN,
                {
                    "member_id": member_id,
                    "user_id": entry.user_id,
                    "name": entry.name,
                    "at": checkin.checked_in_at.isoformat(),
                    "method": "proxy",
                    "attendance": attendance.as_dict(),
                },
            )
    except IntegrityError as exc:
        raise Conflict(f"{entry.name} 已签到") from exc
    await publisher.publish(event)
    return checkin


async def check_in_by_qr(actor: Viewer, meeting: Meeting, code: str) -> CheckIn:
    """签到 by scanning the host screen's code: the code must be fresh and of this meeting."""
    qr.verify(code, meeting.id, utcnow())
    return await check_in(actor, meeting, method="qr")


async def name_recorder(actor: Viewer, meeting: Meeting, username: str) -> Meeting:
    """The host names the recorder (记录人), a member of the branch; empty clears it."""
    meeting = await _reload(meeting)
    ensure(can_name_recorder(actor, meeting))
    username = _text(username, 32, "username", "记录人用户名", required=False)
    recorder_ids: list[int] = []
    name = ""
    if username:
        user = await find_user(username)
        member = (
            await Member.filter(user_id=user.id).select_related("org").first() if user else None
        )
        if (
            user is None
            or member is None
            or not in_subtree(member.org.path, branch_path_of(meeting))
        ):
            raise ActionError(f"本支部没有用户“{username}”", field="username")
        recorder_ids, name = [user.id], member.name
    async with in_transaction():
        await Meeting.filter(id=meeting.id).update(recorder_user_ids=recorder_ids)
        await audit.record(
            actor,
            "meeting.recorder_named",
            "meeting",
            meeting.id,
            org_path=meeting.org_path,
            before={"recorder_user_ids": list(meeting.recorder_user_ids)},
            after={"recorder_user_ids": recorder_ids, "name": name},
        )
        meeting = await _reload(meeting)
        event = await _event(meeting, eventtypes.RECORDER_NAMED, {"name": name})
    await publisher.publish(event)
    return meeting


async def exclude_from_roll(
    actor: Viewer,
    meeting: Meeting,
    member_id: int,
    *,
    category: str,
    reason: str,
    approval: str,
    decision: str,
) -> RollEntry:
    """Not counted in 应到 (domain.md §3): the category with its reason, the superior org's
    approval and the plenary's decision, all three recorded; audited."""
    meeting = await _reload(meeting)
    ensure(can_edit_roll_exclusions(actor, meeting))
    if category not in EXCLUSION_LABELS:
        raise ActionError("请选择不计入应到的情形", field="category")
    reason = _text(reason, MAX_EXCLUSION_REASON, "reason", "具体原因", required=True)
    approval = _text(approval, MAX_EXCLUSION_REF, "approval", "上级党组织批准文号", required=True)
    decision = _text(decision, MAX_EXCLUSION_REF, "decision", "党员大会通过情况", required=True)
    entry = await _roll_entry(meeting, member_id)
    if entry.guest:
        raise ActionError("列席人员本就不计入应到", field="member_id")
    if entry.excluded_category:
        raise Conflict(f"{entry.name} 已不计入应到")
    if await CheckIn.exists(meeting_id=meeting.id, member_id=member_id):
        raise ActionError(f"{entry.name} 已到会，不能排除出应到", field="member_id")
    fields = {
        "excluded_category": category,
        "excluded_reason": reason,
        "excluded_approval": approval,
        "excluded_decision": decision,
    }
    async with in_transaction():
        await RollEntry.filter(id=entry.id).update(**fields, excluded_by_id=actor.user_id)
        await audit.record(
            actor,
            "meeting.roll_excluded",
            "member",
            member_id,
            org_path=meeting.org_path,
            after={"meeting_id": meeting.id, "name": entry.name, **fields},
            reason=reason,
        )
        attendance = await queries.attendance(meeting)
        event = await _event(meeting, eventtypes.ROLL_CHANGED, {"attendance": attendance.as_dict()})
    await publisher.publish(event)
    return await RollEntry.get(id=entry.id)


async def restore_to_roll(actor: Viewer, meeting: Meeting, member_id: int) -> RollEntry:
    """Count an excluded member in 应到 again (an exclusion entered by mistake); audited."""
    meeting = await _reload(meeting)
    ensure(can_edit_roll_exclusions(actor, meeting))
    entry = await _roll_entry(meeting, member_id)
    if not entry.excluded_category:
        raise ActionError("该党员已计入应到", field="member_id")
    async with in_transaction():
        await RollEntry.filter(id=entry.id).update(
            excluded_category="",
            excluded_reason="",
            excluded_approval="",
            excluded_decision="",
            excluded_by_id=None,
        )
        await audit.record(
            actor,
            "meeting.roll_restored",
            "member",
            member_id,
            org_path=meeting.org_path,
            before={"excluded_category": entry.excluded_category, "reason": entry.excluded_reason},
            after={"meeting_id": meeting.id, "name": entry.name},
        )
        attendance = await queries.attendance(meeting)
        event = await _event(meeting, eventtypes.ROLL_CHANGED, {"attendance": attendance.as_dict()})
    await publisher.publish(event)
    return await RollEntry.get(id=entry.id)


def _count(value: int, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_HAND_COUNT:
        raise ActionError("人数须为不小于 0 的整数", field=field)
    return value


async def record_in_person_count(
    actor: Viewer, meeting: Meeting, vote: Vote, *, yes: int, no: int, abstain: int
) -> Vote:
    """现场举手表决计数: the yes/no/abstain totals of voters in the room without a device.

    Replaces an earlier count (the tallies move by the difference); with the electronic
    ballots it never exceeds the entitled voters present. Open votes only; audited."""
    meeting = await _reload(meeting)
    vote = await queries.get_vote(meeting, vote.id)
    ensure(can_record_in_person_count(actor, meeting, vote))
    count = rules.Tally(_count(yes, "yes"), _count(no, "no"), _count(abstain, "abstain"))
    before = rules.Tally(vote.in_person_yes, vote.in_person_no, vote.in_person_abstain)
    async with in_transaction():
        for option, new, old in (
            ("yes", count.yes, before.yes),
            ("no", count.no, before.no),
            ("abstain", count.abstain, before.abstain),
        ):
            if new != old:
                await VoteTally.filter(vote_id=vote.id, option=option).update(
                    count=F("count") + (new - old)
                )
        updated = await Vote.filter(
            id=vote.id,
            state="open",
            in_person_yes=before.yes,
            in_person_no=before.no,
            in_person_abstain=before.abstain,
        ).update(
            in_person_yes=count.yes,
            in_person_no=count.no,
            in_person_abstain=count.abstain,
            in_person_by_id=actor.user_id,
            ballots_cast=F("ballots_cast") + (count.total - before.total),
        )
        if not updated:
            raise Conflict("表决状态已变化，请刷新")
        fresh_vote = await queries.get_vote(meeting, vote.id)
        present = min((await queries.attendance(meeting)).present_voters, vote.expected_voters or 0)
        try:
            rules.check_in_person_count(
                count,
                present_voters=present,
                electronic_ballots=fresh_vote.ballots_cast - count.total,
            )
        except ValueError as exc:
            room = rules.in_person_room(present, fresh_vote.ballots_cast - count.total)
            raise ActionError(
                f"现场计数合计 {count.total} 超过了到会未电子投票的有表决权人数 {room}",
                field="yes",
            ) from exc
        await audit.record(
            actor,
            "vote.in_person_counted",
            "meeting_vote",
            vote.id,
            org_path=meeting.org_path,
            before={"yes": before.yes, "no": before.no, "abstain": before.abstain},
            after={"yes": count.yes, "no": count.no, "abstain": count.abstain},
        )
        tallies = await queries.tallies_of(fresh_vote)
        event = await _event(
            meeting,
            eventtypes.VOTE_COUNTED_IN_PERSON,
            {"vote_id": vote.id, "ballots_cast": fresh_vote.ballots_cast, "tallies": tallies},
        )
    await publisher.publish(event)
    return fresh_vote
