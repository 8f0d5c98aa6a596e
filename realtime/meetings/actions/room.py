"""In the room: check-in, discussion, the speaking queue, mute/remove, lock, agenda."""

from __future__ import annotations

from tortoise.exceptions import IntegrityError
from tortoise.expressions import F
from tortoise.transactions import in_transaction

from forum import audit, markup, publisher
from forum.clock import utcnow
from forum.errors import ActionError, Conflict, NotFound
from forum.models import Member, User
from forum.policy import (
    Viewer,
    can_check_in_meeting,
    can_host_meeting,
    can_moderate_meeting,
    can_raise_hand,
    can_speak_in_meeting,
    ensure,
)
from forum.viewer import viewer_for_user
from moderation import hooks
from realtime.meetings import eventtypes, queries
from realtime.meetings.actions._common import (
    MAX_MESSAGE_CHARS,
    _event,
    _reload,
    fresh,
)
from realtime.meetings.models import (
    AgendaItem,
    CheckIn,
    Meeting,
    MeetingMessage,
    Mute,
    MuteKind,
    RollEntry,
    SpeakingRequest,
    SpeakingState,
)

MAX_REASON = 500  # the reason columns' length


def _reason(reason: str) -> str:
    """A host's reason (removal, mute): trimmed, refused when too long, never cut."""
    reason = reason.strip()
    if len(reason) > MAX_REASON:
        raise ActionError(f"原因不能超过 {MAX_REASON} 个字符", field="reason")
    return reason


# ---- in the room ---------------------------------------------------------------------------


async def check_in(actor: Viewer, meeting: Meeting, *, method: str = "self") -> CheckIn:
    """签到 (from the member's own device, or "qr" after the code was verified). Sit-ins
    and guests not on the roll are added to it as non-voting guests."""
    meeting = await _reload(meeting)
    actor = await fresh(actor)
    seat = await queries.seat_for(actor, meeting)
    if seat.checked_in:
        raise Conflict("您已签到")
    ensure(can_check_in_meeting(actor, meeting, seat))
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
            checkin = await CheckIn.create(
                meeting_id=meeting.id, member_id=member.id, method=method
            )
            attendance = await queries.attendance(meeting)
            event = await _event(
                meeting,
                eventtypes.MEMBER_CHECKED_IN,
                {
                    "member_id": member.id,
                    "user_id": member.user_id,
                    "name": member.name,
                    "at": checkin.checked_in_at.isoformat(),
                    "method": method,
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
    ensure(can_speak_in_meeting(actor, meeting, seat))
    if not isinstance(body, str) or not body.strip():
        raise ActionError("请输入发言内容", field="body")
    if len(body) > MAX_MESSAGE_CHARS:
        raise ActionError(f"发言不能超过 {MAX_MESSAGE_CHARS} 个字符", field="body")
    await hooks.check_post_rate(actor, scope=f"meeting:{meeting.id}")
    screened = await hooks.screen_text(actor, body, field="body")
    held = await hooks.hold_back(actor, screened, premoderate=False)  # a "review" word
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
            # Held for review: kept out of the room until a moderator approves it.
            removed=held,
            removed_reason="待审核" if held else "",
            removed_at=utcnow() if held else None,
        )
        posted = None
        if not held:
            posted = await _event(
                meeting, eventtypes.MESSAGE_POSTED, queries.serialize_message(message, host=False)
            )
    if posted is not None:
        await publisher.publish(posted)
    await hooks.route_review("meeting_message", message.id, screened, held=held)
    return message


async def check_remove_message(
    actor: Viewer, meeting: Meeting, number: int, reason: str
) -> tuple[Meeting, MeetingMessage, str]:
    """Raises what would refuse 移除发言 (a host, a shown message, a fit reason), before the
    form asks; answers the meeting, the message and the clean reason."""
    meeting = await _reload(meeting)
    ensure(can_moderate_meeting(actor, meeting))
    message = await MeetingMessage.get_or_none(meeting_id=meeting.id, number=number)
    if message is None:
        raise NotFound()
    if message.removed:
        raise ActionError("该发言已被移除")
    return meeting, message, _reason(reason)


async def remove_message(actor: Viewer, meeting: Meeting, number: int, reason: str) -> None:
    """Hidden in the room, kept (with its reason) for the moderation record."""
    meeting, message, reason = await check_remove_message(actor, meeting, number, reason)
    async with in_transaction():
        await MeetingMessage.filter(id=message.id).update(
            removed=True,
            removed_by_id=actor.user_id,
            removed_reason=reason,
            removed_at=utcnow(),
        )
        await audit.record(
            actor,
            "meeting_message.removed",
            "meeting_message",
            message.id,
            org_path=meeting.org_path,
            before={"number": number, "body": message.body_raw},
            reason=reason,
        )
        event = await _event(meeting, eventtypes.MESSAGE_REMOVED, {"number": number})
    await publisher.publish(event)


async def raise_hand(actor: Viewer, meeting: Meeting) -> SpeakingRequest:
    meeting = await _reload(meeting)
    actor = await fresh(actor)
    seat = await queries.seat_for(actor, meeting)
    ensure(can_raise_hand(actor, meeting, seat))
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
            eventtypes.HAND_RAISED,
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
            eventtypes.FLOOR_GIVEN,
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
    reason = _reason(reason)
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
            reason=reason,
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
            reason=reason,
        )
        event = await _event(
            meeting,
            eventtypes.PARTICIPANT_MUTED if kind == "mute" else eventtypes.PARTICIPANT_REMOVED,
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
        event = await _event(meeting, eventtypes.PARTICIPANT_RESTORED, {"user_id": user_id})
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
        event = await _event(meeting, eventtypes.DISCUSSION_LOCKED, {"locked": locked})
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
            eventtypes.AGENDA_ADVANCED,
            {"item_id": following.id, "position": following.position, "title": following.title},
        )
    await publisher.publish(event)
    return following
