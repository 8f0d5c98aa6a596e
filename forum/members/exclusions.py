"""Who is not counted in 应到 (domain.md §3): the branch's standing decision.

Five circumstances (illness preventing the member from expressing their will, a self-funded
stay abroad over six months, a prison sentence without a sanction of 留党察看 or above, old age
or long illness leaving them bedridden, working or studying elsewhere over six months without
the required transfer) take a member out of 应到. The path, in the order the guidance gives:

1. a branch admin proposes it with the circumstance and its reason (`propose`);
2. the superior org (the first 基层党委 above the branch, or an org above it) approves it,
   with its reference, or refuses it with a reason (`decide`);
3. the branch cites the **closed, passed** 不计入应到 vote about that member in a plenary of the
   branch, held on or after the approval (`record_vote`): the decision is in force.

In force, it applies to every roll the branch's meetings generate from then on (the meetings
part asks through `forum.decisions.standing_exclusions`), and the minutes show all three. The
branch ends it when the circumstance ends (`end`): later rolls count the member again. Every
step is audited, written to the record's history and notified to the people concerned.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from tortoise.transactions import in_transaction

from forum import audit, notifications
from forum.clock import zone
from forum.decisions import (
    EXCLUSION_LABELS,
    ExclusionSource,
    StandingExclusion,
    find_vote,
)
from forum.errors import ActionError, NotFound
from forum.http import text_field
from forum.members.actions import do_record_change
from forum.members.approvals import superior_committee
from forum.members.fields import past_date
from forum.members.models import RollExclusion, RollExclusionState
from forum.models import Member, Org, OrgRole
from forum.notifications import Announcement, NotificationKind
from forum.policy import (
    ADMIN_ROLES,
    Viewer,
    can_approve_roll_exclusion,
    can_manage_roll_exclusion,
    can_use_member_tools,
    ensure,
    ensure_visible,
    plenary_vote_refusal,
    under_paths,
)

NOTIFICATION_KIND = NotificationKind("member.roll_exclusion", "不计入应到的审批与变化", "组织关系")
REASON_MAX = 500
NOTE_MAX = 180
OPEN_STATES = ("proposed", "approved", "active")


def _text(value: str, field: str, label: str, limit: int, *, required: bool) -> str:
    return text_field({field: value}, field, label, max_length=limit, required=required)


def _day(raw: dt.date | str | None, field: str, label: str) -> dt.date:
    day = past_date(raw, field, label)
    assert day is not None  # noqa: S101 - required: past_date refused a blank
    return day


async def _notify(
    actor: Viewer, item: RollExclusion, member: Member, text: str, org_ids: list[int]
) -> Announcement:
    holders = await OrgRole.filter(
        org_id__in=org_ids, role__in=sorted(ADMIN_ROLES), ended_at__isnull=True
    ).values_list("user_id", flat=True)
    people = {int(str(u)) for u in holders}
    if member.user_id is not None and str(item.state) in {"active", "ended"}:
        people.add(member.user_id)  # the member learns when it takes effect and when it ends
    people.discard(actor.user_id or 0)
    return await notifications.notify(
        sorted(people),
        NOTIFICATION_KIND.key,
        text=text,
        title=member.name,
        url=f"/members/{member.id}#roll-exclusions",
        actor_id=actor.user_id,
        subject=f"roll_exclusion:{item.id}",
        data={"exclusion_id": item.id, "state": str(item.state)},
    )


async def _history(
    actor: Viewer, item: RollExclusion, member: Member, action: str, summary: str, **after: object
) -> None:
    """The record's history line and the audit entry, inside the caller's transaction."""
    # The history line says it all in words; the audit entry keeps the details.
    await do_record_change(actor, member.id, "roll", summary, vote_id=item.vote_id)
    await audit.record(
        actor,
        action,
        "member",
        member.id,
        org_path=member.org.path,
        after={
            "exclusion_id": item.id,
            "category": item.category,
            "state": str(item.state),
            **after,
        },
        reason=item.reason if action.endswith("proposed") else "",
    )


# ---- the steps ---------------------------------------------------------------------------


async def check_propose(
    actor: Viewer, member: Member, *, category: str, reason: str
) -> tuple[str, Org]:
    """What would refuse the proposal; the clean reason and the approving org otherwise."""
    ensure(can_manage_roll_exclusion(actor, member))
    if str(member.status) not in {"full", "probationary"}:
        raise ActionError(f"{member.status_label}本就不在应到人数之内", field="category")
    if category not in EXCLUSION_LABELS:
        raise ActionError("请选择不计入应到的情形", field="category")
    reason = _text(reason, "reason", "具体原因", REASON_MAX, required=True)
    if await RollExclusion.filter(member_id=member.id, state__in=OPEN_STATES).exists():
        raise ActionError("该同志已有办理中或生效中的不计入应到事项", field="category")
    committee = await superior_committee(member)
    if committee is None:
        raise ActionError("该支部没有上级党委，无法报批", field="category")
    return reason, committee


async def propose(actor: Viewer, member: Member, *, category: str, reason: str) -> RollExclusion:
    """The branch proposes it with its reason: waiting for the superior org."""
    reason, committee = await check_propose(actor, member, category=category, reason=reason)
    async with in_transaction():
        item = await RollExclusion.create(
            member_id=member.id,
            org_id=member.org_id,
            committee_id=committee.id,
            category=category,
            reason=reason,
            proposed_by_id=actor.user_id,
        )
        label = EXCLUSION_LABELS[category]
        await _history(
            actor,
            item,
            member,
            "member.roll_exclusion_proposed",
            f"提出不计入应到（{label}），报{committee.name}批准",
            committee_id=committee.id,
        )
        sent = await _notify(
            actor, item, member, f"{member.name}：不计入应到待批准", [committee.id]
        )
    await sent.send()
    return item


async def get_for(viewer: Viewer, exclusion_id: int) -> tuple[RollExclusion, Member, Org]:
    """An exclusion the viewer may see: the branch's admins and the approving org's."""
    item = await RollExclusion.get_or_none(id=exclusion_id).select_related(
        "member__org", "committee"
    )
    if item is None:
        raise NotFound()
    ensure_visible(
        can_manage_roll_exclusion(viewer, item.member)
        or can_approve_roll_exclusion(viewer, item.member, item.committee)
    )
    return item, item.member, item.committee


async def check_decide(
    actor: Viewer,
    item: RollExclusion,
    member: Member,
    committee: Org,
    *,
    approve: bool,
    on: dt.date | str | None,
    note: str,
) -> tuple[dt.date, str]:
    ensure(can_approve_roll_exclusion(actor, member, committee))
    if str(item.state) != "proposed":
        raise ActionError("该事项已审批")
    day = _day(on, "on", "审批日期")
    if day < item.created_at.astimezone(zone()).date():
        raise ActionError("审批日期不能早于支部提出的日期", field="on")
    note = _text(note, "note", "批准文号或理由", NOTE_MAX, required=not approve)
    return day, note


async def decide(
    actor: Viewer,
    item: RollExclusion,
    member: Member,
    committee: Org,
    *,
    approve: bool,
    on: dt.date | str | None,
    note: str = "",
) -> RollExclusion:
    """The superior org approves (the plenary votes next) or refuses (the matter ends)."""
    day, note = await check_decide(
        actor, item, member, committee, approve=approve, on=on, note=note
    )
    state = RollExclusionState.approved if approve else RollExclusionState.rejected
    async with in_transaction():
        updated = await RollExclusion.filter(id=item.id, state="proposed").update(
            state=state, approved_by_id=actor.user_id, approved_on=day, approval_note=note
        )
        if not updated:
            raise ActionError("该事项已审批")
        item.state, item.approved_on, item.approval_note = state, day, note
        item.approved_by_id = actor.user_id
        verdict = "批准" if approve else "不批准"
        await _history(
            actor,
            item,
            member,
            "member.roll_exclusion_approved" if approve else "member.roll_exclusion_rejected",
            f"{committee.name}{verdict}不计入应到" + (f"：{note}" if note else ""),
            approved_on=day.isoformat(),
            note=note,
        )
        text = f"{member.name}：不计入应到已{verdict}" + ("，待党员大会通过" if approve else "")
        sent = await _notify(actor, item, member, text, [member.org_id])
    await sent.send()
    return item


async def check_vote(
    actor: Viewer, item: RollExclusion, member: Member, vote_id: int | None
) -> tuple[int, dt.date, str]:
    """The cited vote's id, day and title, or what refuses it."""
    ensure(can_manage_roll_exclusion(actor, member))
    if str(item.state) != "approved":
        raise ActionError("上级党组织批准后，才能记录党员大会的表决", field="vote_id")
    if not vote_id:
        raise ActionError("不计入应到须经支部党员大会通过，请选择表决", field="vote_id")
    vote = await find_vote(vote_id)
    refusal = plenary_vote_refusal(
        vote, kind="exclusion", member_id=member.id, branch_org_id=item.org_id
    )
    if refusal is not None or vote is None or vote.decided_on is None:
        raise ActionError(refusal or "找不到本支部党员大会的该项表决", field="vote_id")
    if item.approved_on is not None and vote.decided_on < item.approved_on:
        raise ActionError("该表决早于上级党组织批准，须在批准后由党员大会通过", field="vote_id")
    if await RollExclusion.filter(vote_id=vote.id).exists():
        raise ActionError("该表决已经记录过", field="vote_id")
    return vote.id, vote.decided_on, vote.title


async def record_vote(
    actor: Viewer, item: RollExclusion, member: Member, vote_id: int | None
) -> RollExclusion:
    """The plenary passed it: in force for every roll from now on."""
    vote_id, voted_on, _title = await check_vote(actor, item, member, vote_id)
    async with in_transaction():
        updated = await RollExclusion.filter(id=item.id, state="approved").update(
            state=RollExclusionState.active, vote_id=vote_id, voted_on=voted_on
        )
        if not updated:
            raise ActionError("该事项的状态已变化，请刷新", field="vote_id")
        item.state, item.vote_id, item.voted_on = RollExclusionState.active, vote_id, voted_on
        await _history(
            actor,
            item,
            member,
            "member.roll_exclusion_passed",
            f"支部党员大会通过不计入应到（{voted_on.isoformat()}，表决 #{vote_id}），即日生效",
            voted_on=voted_on.isoformat(),
        )
        sent = await _notify(
            actor, item, member, f"{member.name}：不计入应到已生效", [member.org_id]
        )
    await sent.send()
    return item


async def check_end(
    actor: Viewer, item: RollExclusion, member: Member, *, on: dt.date | str | None, reason: str
) -> tuple[dt.date, str]:
    ensure(can_manage_roll_exclusion(actor, member))
    if str(item.state) not in OPEN_STATES:
        raise ActionError("该事项已结束")
    day = _day(on, "ended_on", "日期")
    reason = _text(reason, "end_reason", "原因", NOTE_MAX, required=True)
    return day, reason


async def end(
    actor: Viewer,
    item: RollExclusion,
    member: Member,
    *,
    on: dt.date | str | None,
    reason: str,
) -> RollExclusion:
    """The circumstance ended (or the branch withdraws a proposal): counted in 应到 again
    by every roll generated from now on."""
    day, reason = await check_end(actor, item, member, on=on, reason=reason)
    async with in_transaction():
        updated = await RollExclusion.filter(id=item.id, state__in=OPEN_STATES).update(
            state=RollExclusionState.ended, ended_on=day, end_reason=reason
        )
        if not updated:
            raise ActionError("该事项已结束")
        item.state, item.ended_on, item.end_reason = RollExclusionState.ended, day, reason
        await _history(
            actor,
            item,
            member,
            "member.roll_exclusion_ended",
            f"恢复计入应到（{day.isoformat()}）：{reason}",
            ended_on=day.isoformat(),
        )
        sent = await _notify(actor, item, member, f"{member.name}：恢复计入应到", [member.org_id])
    await sent.send()
    return item


# ---- reads ---------------------------------------------------------------------------------


async def of_member(member_id: int) -> list[RollExclusion]:
    return (
        await RollExclusion.filter(member_id=member_id)
        .select_related("committee")
        .order_by("-id")
        .limit(20)
    )


async def pending_for(viewer: Viewer) -> list[RollExclusion]:
    """Proposals the viewer may approve (bounded; the committee's index)."""
    ensure_visible(can_use_member_tools(viewer))
    rows = (
        await RollExclusion.filter(state="proposed")
        .filter(under_paths(viewer.admin_paths, "committee__path"))
        .select_related("member__org", "committee")
        .order_by("id")
        .limit(200)
    )
    return [r for r in rows if can_approve_roll_exclusion(viewer, r.member, r.committee)]


def standing(item: RollExclusion, committee: Org) -> StandingExclusion:
    """How a roll records it: the three facts in words."""
    approved = item.approved_on.isoformat() if item.approved_on else ""
    voted = item.voted_on.isoformat() if item.voted_on else ""
    note = f"（{item.approval_note}）" if item.approval_note else ""
    return StandingExclusion(
        member_id=item.member_id,
        category=item.category,
        reason=item.reason,
        approval=f"{committee.name} {approved} 批准{note}",
        decision=f"支部党员大会 {voted} 表决通过（表决 #{item.vote_id}）",
    )


async def _standing(member_ids: Sequence[int]) -> dict[int, StandingExclusion]:
    if not member_ids:
        return {}
    rows = await RollExclusion.filter(
        member_id__in=list(member_ids), state="active"
    ).select_related("member", "committee")
    # A branch's decision holds in that branch: a member who transferred since is counted.
    return {r.member_id: standing(r, r.committee) for r in rows if r.member.org_id == r.org_id}


SOURCE = ExclusionSource("members", _standing)
