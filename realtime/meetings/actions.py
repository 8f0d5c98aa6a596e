"""Writes for meetings. Each action: policy (fresh facts) -> validation -> one transaction
(rows + audit + channel events) -> publish after commit.

Inbound websocket actions and HTML forms call the same functions, and every one of them
re-reads the actor's membership facts and seat, so a member sanctioned, muted or removed
mid-meeting loses the right at once.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.expressions import F
from tortoise.transactions import in_transaction

from forum import markup
from forum.errors import ActionError, Conflict, NotFound
from forum.models import Member, Org, User
from forum.policy import (
    MEETING_RULES,
    Viewer,
    branch_path_of,
    can_archive_meeting,
    can_cast_ballot,
    can_check_in_meeting,
    can_correct_minutes,
    can_edit_meeting,
    can_edit_minutes,
    can_enter_written_opinion,
    can_host_meeting,
    can_manage_votes,
    can_moderate_meeting,
    can_raise_hand,
    can_request_leave,
    can_schedule_meeting,
    can_speak_in_meeting,
    ensure,
)
from forum.viewer import viewer_for_user
from moderation import audit, hooks
from realtime import events, publisher
from realtime.events import ChannelEvent
from realtime.meetings import minutes as minutes_mod
from realtime.meetings import queries
from realtime.meetings import votes as rules
from realtime.meetings.models import (
    AgendaItem,
    Ballot,
    CheckIn,
    LeaveRequest,
    Meeting,
    MeetingMessage,
    MeetingStatus,
    MeetingType,
    Minutes,
    MinutesCorrection,
    Mute,
    MuteKind,
    RollEntry,
    SpeakingRequest,
    SpeakingState,
    Vote,
    VoteCandidate,
    VoteTally,
    WrittenOpinion,
)

MAX_MESSAGE_CHARS = 5000
MAX_AGENDA_ITEMS = 30


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def audience_of(meeting: Meeting, *, hosts_only: bool = False) -> dict[str, Any]:
    """Facts `can_receive` needs to filter deliveries without a query."""
    return {
        "meeting_id": meeting.id,
        "type": str(meeting.type),
        "org_id": meeting.org_id,
        "org_path": meeting.org_path,
        "host_user_ids": list(meeting.host_user_ids),
        "hosts_only": hosts_only,
    }


async def _event(
    meeting: Meeting, type: str, payload: dict[str, Any], *, hosts_only: bool = False
) -> ChannelEvent:
    return await events.append(
        queries.channel_of(meeting.id),
        type,
        {"meeting_id": meeting.id, **payload},
        audience=audience_of(meeting, hosts_only=hosts_only),
    )


async def fresh(actor: Viewer) -> Viewer:
    """Re-read the actor's membership, roles and sanctions (never trust connect-time facts)."""
    if actor.user_id is None:
        return actor
    viewer = await viewer_for_user(actor.user_id, session_id=actor.session_id)
    return dataclasses.replace(viewer, ip=actor.ip)


async def _reload(meeting: Meeting) -> Meeting:
    return await queries.get_meeting(meeting.id)


# ---- scheduling ----------------------------------------------------------------------------


def _validate_agenda(items: Sequence[str]) -> list[str]:
    cleaned = [item.strip() for item in items if item.strip()]
    if len(cleaned) > MAX_AGENDA_ITEMS:
        raise ActionError(f"议程最多 {MAX_AGENDA_ITEMS} 项", field="agenda")
    for item in cleaned:
        if len(item) > 200:
            raise ActionError("每项议程不能超过 200 个字符", field="agenda")
    return cleaned


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
    host_ids: list[int] = []
    for username in host_usernames:
        user = await User.get_or_none(username=username.strip())
        if user is None:
            raise ActionError(f"找不到用户“{username}”", field="hosts")
        host_ids.append(user.id)
    status = MeetingStatus.scheduled if publish else MeetingStatus.draft
    async with in_transaction():
        meeting = await Meeting.create(
            org_id=org.id,
            org_path=org.path,
            type=MeetingType(type),
            title=title,
            description=description[:5000],
            location=location[:120],
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
        await _notify_roll(meeting)
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
    await _notify_roll(meeting)
    return meeting


async def _notify_roll(meeting: Meeting) -> None:
    for candidate in await queries.expected_roll(meeting):
        if candidate.member.user_id is not None:
            await publisher.notify_user(
                candidate.member.user_id,
                "notification.created",
                {
                    "kind": "meeting.scheduled",
                    "meeting_id": meeting.id,
                    "title": meeting.title,
                    "scheduled_at": meeting.scheduled_at.isoformat(),
                },
            )


async def request_leave(actor: Viewer, meeting: Meeting, reason: str) -> LeaveRequest:
    meeting = await _reload(meeting)
    actor = await fresh(actor)
    ensure(can_request_leave(actor, meeting), "只有应到会人员可以在会前请假")
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
            event = await _event(meeting, "leave.requested", {"name": member.name})
    except IntegrityError as exc:
        raise Conflict("您已请假") from exc
    await publisher.publish(event)
    return leave


# ---- lifecycle -----------------------------------------------------------------------------


async def start_meeting(actor: Viewer, meeting: Meeting) -> Meeting:
    """scheduled -> live: the expected roll (应到) is generated from the org now."""
    meeting = await _reload(meeting)
    ensure(can_host_meeting(actor, meeting))
    if meeting.status != MeetingStatus.scheduled:
        raise ActionError("只有已通知的会议可以开始")
    roll = await queries.expected_roll(meeting)
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
            meeting, "meeting.started", {"attendance": attendance.as_dict(), "at": now.isoformat()}
        )
    await publisher.publish(event)
    return meeting


async def pause_meeting(actor: Viewer, meeting: Meeting, paused: bool) -> Meeting:
    meeting = await _reload(meeting)
    ensure(can_moderate_meeting(actor, meeting))
    async with in_transaction():
        await Meeting.filter(id=meeting.id).update(paused=paused)
        meeting = await _reload(meeting)
        event = await _event(meeting, "meeting.paused", {"paused": paused})
    await publisher.publish(event)
    return meeting


async def end_meeting(actor: Viewer, meeting: Meeting) -> Meeting:
    """live -> ended: open questions are closed, the minutes are assembled."""
    meeting = await _reload(meeting)
    ensure(can_moderate_meeting(actor, meeting))
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
        await Minutes.create(meeting_id=meeting.id, record=record)
        await audit.record(actor, "meeting.ended", "meeting", meeting.id, org_path=meeting.org_path)
        event = await _event(meeting, "meeting.ended", {"at": now.isoformat()})
    await publisher.publish(event)
    return meeting


# ---- in the room ---------------------------------------------------------------------------


async def check_in(actor: Viewer, meeting: Meeting) -> CheckIn:
    """签到. Sit-ins and guests not on the roll are added to it as non-voting guests."""
    meeting = await _reload(meeting)
    actor = await fresh(actor)
    seat = await queries.seat_for(actor, meeting)
    if seat.checked_in:
        raise Conflict("您已签到")
    ensure(can_check_in_meeting(actor, meeting, seat), "您不能在本次会议签到")
    if actor.member_id is None:
        raise ActionError("只有党员和入党积极分子等可以签到")
    member = await Member.get(id=actor.member_id)
    try:
        async with in_transaction():
            if not seat.on_roll:
                await RollEntry.create(
                    meeting_id=meeting.id,
                    member_id=member.id,
                    user_id=member.user_id,
                    name=member.name,
                    status=str(member.status),
                    guest=True,
                    voter=False,
                )
            checkin = await CheckIn.create(meeting_id=meeting.id, member_id=member.id)
            attendance = await queries.attendance(meeting)
            event = await _event(
                meeting,
                "member.checked_in",
                {
                    "member_id": member.id,
                    "user_id": member.user_id,
                    "name": member.name,
                    "at": checkin.checked_in_at.isoformat(),
                    "attendance": attendance.as_dict(),
                },
            )
    except IntegrityError as exc:
        raise Conflict("您已签到") from exc
    await publisher.publish(event)
    return checkin


async def post_message(actor: Viewer, meeting: Meeting, body: str) -> MeetingMessage:
    meeting = await _reload(meeting)
    actor = await fresh(actor)
    seat = await queries.seat_for(actor, meeting)
    ensure(can_speak_in_meeting(actor, meeting, seat), "您现在不能发言")
    if not isinstance(body, str) or not body.strip():
        raise ActionError("请输入发言内容", field="body")
    if len(body) > MAX_MESSAGE_CHARS:
        raise ActionError(f"发言不能超过 {MAX_MESSAGE_CHARS} 个字符", field="body")
    await hooks.check_post_rate(actor, scope=f"meeting:{meeting.id}")
    screened = await hooks.screen_text(actor, body, field="body")
    html = markup.render(screened.text)
    current = await AgendaItem.filter(meeting_id=meeting.id, is_current=True).first()
    async with in_transaction():
        await Meeting.filter(id=meeting.id).update(last_message_no=F("last_message_no") + 1)
        number = queries.ints(
            await Meeting.filter(id=meeting.id).values_list("last_message_no", flat=True)
        )
        message = await MeetingMessage.create(
            meeting_id=meeting.id,
            number=int(number[0]),
            author_id=actor.user_id,
            author_name=actor.display_name or actor.username,
            agenda_item_id=current.id if current else None,
            body_raw=screened.text,
            body_html=html,
            render_version=markup.VERSION,
        )
        event = await _event(
            meeting, "message.posted", queries.serialize_message(message, host=False)
        )
    await publisher.publish(event)
    return message


async def remove_message(actor: Viewer, meeting: Meeting, number: int, reason: str) -> None:
    """Hidden in the room, kept (with its reason) for the moderation record."""
    meeting = await _reload(meeting)
    ensure(can_moderate_meeting(actor, meeting))
    message = await MeetingMessage.get_or_none(meeting_id=meeting.id, number=number)
    if message is None:
        raise NotFound()
    if message.removed:
        raise ActionError("该发言已被移除")
    async with in_transaction():
        await MeetingMessage.filter(id=message.id).update(
            removed=True,
            removed_by_id=actor.user_id,
            removed_reason=reason.strip()[:500],
            removed_at=utcnow(),
        )
        await audit.record(
            actor,
            "meeting_message.removed",
            "meeting_message",
            message.id,
            org_path=meeting.org_path,
            before={"number": number, "body": message.body_raw},
            reason=reason.strip()[:500],
        )
        event = await _event(meeting, "message.removed", {"number": number})
    await publisher.publish(event)


async def raise_hand(actor: Viewer, meeting: Meeting) -> SpeakingRequest:
    meeting = await _reload(meeting)
    actor = await fresh(actor)
    seat = await queries.seat_for(actor, meeting)
    ensure(can_raise_hand(actor, meeting, seat), "您现在不能举手发言")
    assert actor.user_id is not None  # noqa: S101
    if await SpeakingRequest.exists(
        meeting_id=meeting.id, user_id=actor.user_id, state__in=["waiting", "speaking"]
    ):
        raise Conflict("您已在发言队列中")
    async with in_transaction():
        request = await SpeakingRequest.create(
            meeting_id=meeting.id,
            user_id=actor.user_id,
            name=actor.display_name or actor.username,
        )
        event = await _event(
            meeting,
            "hand.raised",
            {"request_id": request.id, "user_id": actor.user_id, "name": request.name},
        )
    await publisher.publish(event)
    return request


async def give_floor(actor: Viewer, meeting: Meeting, request_id: int) -> SpeakingRequest:
    meeting = await _reload(meeting)
    ensure(can_moderate_meeting(actor, meeting))
    request = await SpeakingRequest.get_or_none(
        id=request_id, meeting_id=meeting.id, state="waiting"
    )
    if request is None:
        raise ActionError("该发言申请已不在队列中")
    now = utcnow()
    async with in_transaction():
        await SpeakingRequest.filter(meeting_id=meeting.id, state="speaking").update(
            state="done", done_at=now
        )
        await SpeakingRequest.filter(id=request.id).update(state="speaking", floor_at=now)
        event = await _event(
            meeting,
            "floor.given",
            {
                "request_id": request.id,
                "user_id": request.user_id,
                "name": request.name,
                "at": now.isoformat(),
            },
        )
    await publisher.publish(event)
    request.state = SpeakingState.speaking
    request.floor_at = now
    return request


async def mute_participant(
    actor: Viewer, meeting: Meeting, user_id: int, kind: str, reason: str = ""
) -> Mute:
    """Mute (no speech) or remove (out of the room) a participant; audited."""
    meeting = await _reload(meeting)
    ensure(can_moderate_meeting(actor, meeting))
    if kind not in {"mute", "remove"}:
        raise ActionError("未知的处理方式", field="kind")
    target = await User.get_or_none(id=user_id)
    if target is None:
        raise NotFound()
    if can_host_meeting(await viewer_for_user(target.id), meeting):
        raise ActionError("不能对主持人执行此操作")
    if await Mute.exists(meeting_id=meeting.id, user_id=user_id, kind=kind, lifted_at__isnull=True):
        raise Conflict("已处理过")
    now = utcnow()
    async with in_transaction():
        mute = await Mute.create(
            meeting_id=meeting.id,
            user_id=user_id,
            kind=MuteKind(kind),
            by_user_id=actor.user_id,
            reason=reason.strip()[:500],
        )
        await SpeakingRequest.filter(
            meeting_id=meeting.id, user_id=user_id, state__in=["waiting", "speaking"]
        ).update(state="done", done_at=now)
        await audit.record(
            actor,
            f"meeting.participant_{'muted' if kind == 'mute' else 'removed'}",
            "user",
            user_id,
            org_path=meeting.org_path,
            after={"meeting_id": meeting.id},
            reason=reason.strip()[:500],
        )
        event = await _event(
            meeting,
            "participant.muted" if kind == "mute" else "participant.removed",
            {"user_id": user_id, "name": target.display_name},
        )
    await publisher.publish(event)
    return mute


async def unmute_participant(actor: Viewer, meeting: Meeting, user_id: int) -> None:
    meeting = await _reload(meeting)
    ensure(can_moderate_meeting(actor, meeting))
    async with in_transaction():
        lifted = await Mute.filter(
            meeting_id=meeting.id, user_id=user_id, lifted_at__isnull=True
        ).update(lifted_at=utcnow())
        if not lifted:
            raise ActionError("该成员未被禁言或移出")
        await audit.record(
            actor, "meeting.participant_restored", "user", user_id, org_path=meeting.org_path
        )
        event = await _event(meeting, "participant.restored", {"user_id": user_id})
    await publisher.publish(event)


async def lock_discussion(actor: Viewer, meeting: Meeting, locked: bool) -> Meeting:
    meeting = await _reload(meeting)
    ensure(can_moderate_meeting(actor, meeting))
    async with in_transaction():
        await Meeting.filter(id=meeting.id).update(discussion_locked=locked)
        await audit.record(
            actor,
            "meeting.discussion_locked" if locked else "meeting.discussion_unlocked",
            "meeting",
            meeting.id,
            org_path=meeting.org_path,
        )
        meeting = await _reload(meeting)
        event = await _event(meeting, "discussion.locked", {"locked": locked})
    await publisher.publish(event)
    return meeting


async def next_agenda_item(actor: Viewer, meeting: Meeting) -> AgendaItem:
    meeting = await _reload(meeting)
    ensure(can_moderate_meeting(actor, meeting))
    items = await AgendaItem.filter(meeting_id=meeting.id).order_by("position")
    current = next((i for i, item in enumerate(items) if item.is_current), -1)
    if current + 1 >= len(items):
        raise ActionError("已是最后一项议程")
    following = items[current + 1]
    now = utcnow()
    async with in_transaction():
        await AgendaItem.filter(meeting_id=meeting.id, is_current=True).update(is_current=False)
        await AgendaItem.filter(id=following.id).update(is_current=True, started_at=now)
        event = await _event(
            meeting,
            "agenda.advanced",
            {"item_id": following.id, "position": following.position, "title": following.title},
        )
    await publisher.publish(event)
    return following


# ---- votes ---------------------------------------------------------------------------------


async def create_vote(
    actor: Viewer,
    meeting: Meeting,
    *,
    kind: str,
    title: str,
    candidate_id: int | None = None,
    candidate_ids: Sequence[int] = (),
    seats: int = 1,
    secret: bool = False,
    denominator: str = "expected",
) -> Vote:
    """A question, unpublished until opened (hosts only see it until then)."""
    meeting = await _reload(meeting)
    ensure(can_manage_votes(actor, meeting))
    rule = MEETING_RULES[str(meeting.type)]
    if kind not in rule.vote_kinds:
        raise ActionError("本次会议不能进行这种表决", field="kind")
    title = title.strip()
    if not title or len(title) > 200:
        raise ActionError("表决事项须为 1 到 200 个字符", field="title")
    if denominator not in {"expected", "present"} or (
        denominator == "present" and kind != "election"
    ):
        raise ActionError("计票基数设置无效", field="denominator")
    eligible = {m.id: m for m in await queries.eligible_candidates(meeting, kind)}
    candidates: list[Member] = []
    if kind in {"admission", "conversion"}:
        if candidate_id is None or candidate_id not in eligible:
            raise ActionError("请选择本组织符合条件的对象", field="candidate_id")
        # Each candidate is discussed and voted on separately: one person per question.
        candidates = [eligible[candidate_id]]
    elif kind == "election":
        ids = list(dict.fromkeys(candidate_ids))
        if not ids or any(i not in eligible for i in ids):
            raise ActionError("候选人须为本组织有选举权的正式党员", field="candidate_ids")
        if not 1 <= seats <= len(ids):
            raise ActionError("应选人数须在 1 到候选人数之间", field="seats")
        candidates = [eligible[i] for i in ids]
    async with in_transaction():
        vote = await Vote.create(
            meeting_id=meeting.id,
            kind=rules.VoteKind(kind),
            title=title,
            candidate_id=candidates[0].id if kind in {"admission", "conversion"} else None,
            seats=seats if kind == "election" else 1,
            secret=secret,
            denominator=rules.DenominatorBasis(denominator),
            created_by_id=actor.user_id,
        )
        if kind == "election":
            for position, member in enumerate(candidates):
                await VoteCandidate.create(
                    vote_id=vote.id, member_id=member.id, name=member.name, position=position
                )
        await audit.record(
            actor,
            "vote.created",
            "meeting_vote",
            vote.id,
            org_path=meeting.org_path,
            after={"kind": kind, "title": title, "secret": secret},
        )
        event = await _event(
            meeting, "vote.created", {"vote_id": vote.id, "title": title}, hosts_only=True
        )
    await publisher.publish(event)
    return vote


def _options(vote: Vote, candidate_ids: Sequence[int]) -> list[str]:
    if str(vote.kind) == "election":
        return [f"c:{cid}" for cid in candidate_ids]
    return [str(c) for c in rules.Choice]


async def open_vote(actor: Viewer, meeting: Meeting, vote: Vote) -> Vote:
    """unpublished -> open. The expected voters are frozen from the roll."""
    meeting = await _reload(meeting)
    vote = await queries.get_vote(meeting, vote.id)
    ensure(can_manage_votes(actor, meeting))
    if not rules.can_transition(str(vote.state), "open"):
        raise ActionError("该表决不能再开启")
    attendance = await queries.attendance(meeting)
    candidate_ids = queries.ints(
        await VoteCandidate.filter(vote_id=vote.id).values_list("member_id", flat=True)
    )
    async with in_transaction():
        updated = await Vote.filter(id=vote.id, state="unpublished").update(
            state="open", opened_at=utcnow(), expected_voters=attendance.expected_voters
        )
        if not updated:
            raise Conflict("表决状态已变化，请刷新")
        await VoteTally.bulk_create(
            [VoteTally(vote_id=vote.id, option=o, count=0) for o in _options(vote, candidate_ids)]
        )
        await audit.record(actor, "vote.opened", "meeting_vote", vote.id, org_path=meeting.org_path)
        vote = await queries.get_vote(meeting, vote.id)
        event = await _event(
            meeting,
            "vote.opened",
            {
                "vote_id": vote.id,
                "kind": str(vote.kind),
                "title": vote.title,
                "secret": vote.secret,
                "seats": vote.seats,
                "candidate_ids": list(candidate_ids),
                "expected_voters": vote.expected_voters,
            },
        )
    await publisher.publish(event)
    return vote


async def cast_ballot(
    actor: Viewer,
    meeting: Meeting,
    vote: Vote,
    *,
    choice: str | None = None,
    selected: Sequence[int] = (),
) -> Ballot:
    """One ballot per voter (a database unique constraint). Secret ballots store no choice:
    they only move the tallies, and their events never carry a choice or a name."""
    actor = await fresh(actor)
    meeting = await _reload(meeting)
    vote = await queries.get_vote(meeting, vote.id)
    seat = await queries.seat_for(actor, meeting)
    ensure(can_cast_ballot(actor, meeting, vote, seat), "您在本次表决中没有表决权")
    assert actor.member_id is not None  # noqa: S101 - a voter always has a member record
    if str(vote.kind) == "election":
        candidate_ids = queries.ints(
            await VoteCandidate.filter(vote_id=vote.id).values_list("member_id", flat=True)
        )
        chosen = [int(s) for s in selected]
        try:
            rules.validate_election_ballot(chosen, candidate_ids, vote.seats)
        except ValueError as exc:
            raise ActionError(
                f"选票无效：最多选择 {vote.seats} 名候选人", field="selected"
            ) from exc
        options = [f"c:{cid}" for cid in chosen]
    else:
        if choice not in {"yes", "no", "abstain"}:
            raise ActionError("请选择赞成、反对或弃权", field="choice")
        options, chosen = [choice], []
    try:
        async with in_transaction():
            ballot = await Ballot.create(
                vote_id=vote.id,
                voter_id=actor.member_id,
                choice="" if vote.secret else (choice or "election"),
                selected=None if vote.secret or not chosen else chosen,
            )
            for option in options:
                await VoteTally.filter(vote_id=vote.id, option=option).update(count=F("count") + 1)
            await Vote.filter(id=vote.id).update(ballots_cast=F("ballots_cast") + 1)
            cast = queries.ints(
                await Vote.filter(id=vote.id).values_list("ballots_cast", flat=True)
            )
            payload: dict[str, Any] = {"vote_id": vote.id, "ballots_cast": int(cast[0])}
            if not vote.secret:
                payload["tallies"] = await queries.tallies_of(vote)
            event = await _event(meeting, "ballot.cast", payload)
    except IntegrityError as exc:
        raise Conflict("您已投过票，每人只能投一票") from exc
    await publisher.publish(event)
    return ballot


async def enter_written_opinion(
    actor: Viewer, meeting: Meeting, vote: Vote, member_id: int, choice: str, note: str = ""
) -> WrittenOpinion:
    """书面意见 of an absent voter (admission and conversion only); audited."""
    meeting = await _reload(meeting)
    vote = await queries.get_vote(meeting, vote.id)
    ensure(can_enter_written_opinion(actor, meeting, vote))
    if choice not in {"yes", "no", "abstain"}:
        raise ActionError("请选择赞成、反对或弃权", field="choice")
    entry = await RollEntry.get_or_none(meeting_id=meeting.id, member_id=member_id)
    if entry is None or not entry.voter or entry.guest:
        raise ActionError("只能录入应到会有表决权党员的书面意见", field="member_id")
    if await CheckIn.exists(meeting_id=meeting.id, member_id=member_id):
        raise ActionError("该党员已到会，请本人投票", field="member_id")
    try:
        async with in_transaction():
            opinion = await WrittenOpinion.create(
                vote_id=vote.id,
                member_id=member_id,
                choice=rules.Choice(choice),
                note=note.strip()[:500],
                entered_by_id=actor.user_id,
            )
            await audit.record(
                actor,
                "vote.written_opinion_entered",
                "meeting_vote",
                vote.id,
                org_path=meeting.org_path,
                after={"member_id": member_id, "choice": choice},
            )
            count = await WrittenOpinion.filter(vote_id=vote.id).count()
            event = await _event(
                meeting, "written_opinion.entered", {"vote_id": vote.id, "count": count}
            )
    except IntegrityError as exc:
        raise Conflict("该党员的书面意见已录入") from exc
    await publisher.publish(event)
    return opinion


async def close_vote(actor: Viewer, meeting: Meeting, vote: Vote) -> Vote:
    """open -> closed: the result applies quorum and the majority of expected voters."""
    meeting = await _reload(meeting)
    vote = await queries.get_vote(meeting, vote.id)
    ensure(can_manage_votes(actor, meeting))
    if not rules.can_transition(str(vote.state), "closed"):
        raise ActionError("该表决未在进行中")
    attendance = await queries.attendance(meeting)
    expected = vote.expected_voters or 0
    present = min(attendance.present_voters, expected)
    tallies = await queries.tallies_of(vote)
    present_ids = set(
        queries.ints(
            await CheckIn.filter(meeting_id=meeting.id).values_list("member_id", flat=True)
        )
    )
    result: dict[str, Any]
    if str(vote.kind) == "election":
        outcome = rules.decide_election(
            expected_voters=expected,
            present_voters=present,
            seats=vote.seats,
            yes={int(k[2:]): v for k, v in tallies.items() if k.startswith("c:")},
            ballots_cast=vote.ballots_cast,
            basis=str(vote.denominator),
        )
        result = {
            "quorum": outcome.quorum,
            "elected": list(outcome.elected),
            "tied": list(outcome.tied),
            "denominator": outcome.denominator,
            "needed_yes": outcome.needed_yes,
            "expected_voters": expected,
            "present_voters": present,
        }
    else:
        written = rules.Tally()
        for opinion in await WrittenOpinion.filter(vote_id=vote.id):
            if opinion.member_id in present_ids:
                continue  # came after all: their own ballot (or none) counts
            written = written + rules.Tally(
                yes=int(opinion.choice == "yes"),
                no=int(opinion.choice == "no"),
                abstain=int(opinion.choice == "abstain"),
            )
        outcome_m = rules.decide_motion(
            str(vote.kind),
            expected_voters=expected,
            present_voters=present,
            ballots=rules.Tally(
                tallies.get("yes", 0), tallies.get("no", 0), tallies.get("abstain", 0)
            ),
            written=written,
        )
        result = {
            "quorum": outcome_m.quorum,
            "passed": outcome_m.passed,
            "reason": outcome_m.reason,
            "needed_yes": outcome_m.needed_yes,
            "needed_present": outcome_m.needed_present,
            "expected_voters": expected,
            "present_voters": present,
            "written_yes": written.yes,
            "written_no": written.no,
            "written_abstain": written.abstain,
        }
    async with in_transaction():
        updated = await Vote.filter(id=vote.id, state="open").update(
            state="closed", closed_at=utcnow(), present_voters=present, result=result
        )
        if not updated:
            raise Conflict("表决状态已变化，请刷新")
        await audit.record(
            actor,
            "vote.closed",
            "meeting_vote",
            vote.id,
            org_path=meeting.org_path,
            after=result,
        )
        event = await _event(
            meeting,
            "vote.closed",
            {"vote_id": vote.id, "tallies": tallies, "result": result},
        )
    await publisher.publish(event)
    return await queries.get_vote(meeting, vote.id)


# ---- minutes -------------------------------------------------------------------------------


async def update_minutes_summary(actor: Viewer, meeting: Meeting, summary: str) -> Minutes:
    meeting = await _reload(meeting)
    ensure(can_edit_minutes(actor, meeting))
    if len(summary) > 20000:
        raise ActionError("纪要不能超过 20000 个字符", field="summary")
    minutes = await Minutes.get(meeting_id=meeting.id)
    async with in_transaction():
        await Minutes.filter(id=minutes.id).update(
            summary_raw=summary,
            summary_html=markup.render(summary),
            render_version=markup.VERSION,
            updated_at=utcnow(),
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


async def archive_meeting(actor: Viewer, meeting: Meeting) -> Meeting:
    """ended -> archived: the minutes become immutable (corrections are appended)."""
    meeting = await _reload(meeting)
    ensure(can_archive_meeting(actor, meeting))
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
    async with in_transaction():
        correction = await MinutesCorrection.create(
            minutes_id=minutes.id,
            body_raw=body,
            body_html=markup.render(body),
            render_version=markup.VERSION,
            author_id=actor.user_id,
            author_name=actor.display_name or actor.username,
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


__all__ = [
    "append_correction",
    "archive_meeting",
    "branch_path_of",
    "cast_ballot",
    "check_in",
    "close_vote",
    "create_vote",
    "end_meeting",
    "enter_written_opinion",
    "give_floor",
    "lock_discussion",
    "mute_participant",
    "next_agenda_item",
    "open_vote",
    "pause_meeting",
    "post_message",
    "publish_meeting",
    "raise_hand",
    "remove_message",
    "request_leave",
    "schedule_meeting",
    "start_meeting",
    "unmute_participant",
    "update_minutes_summary",
]
