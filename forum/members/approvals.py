"""Status changes decided by the branch plenary and approved by the superior committee.

Admission (接收预备党员), conversion (转正), extension of probation (延长预备期) and its
cancellation (取消预备党员资格) follow one path (domain.md §2):

1. a branch admin cites the **closed, passed** vote of that kind about that member, held by a
   plenary of the member's branch (`propose`): the step becomes pending, nothing else changes;
2. the superior committee (the first 基层党委 above the branch, or an org above it) approves or
   rejects (`decide`). Approval later than three months after the vote is recorded as late.

Only approval changes the record. The dates come from the vote: probation runs one year (plus
the one extension) from the day the plenary passed admission; 党龄 counts from the day
probation ended (党章 art. 7), which is the `full_at` a conversion writes.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from tortoise.transactions import in_transaction

from forum import audit, notifications, studyrecords
from forum.clock import today
from forum.decisions import PlenaryVote, find_vote
from forum.errors import ActionError, NotFound
from forum.members.actions import do_record_change
from forum.members.development import RULES, conversion_due, earliest_date, extension_months
from forum.members.fields import parse_date
from forum.members.models import (
    ContactKind,
    DevelopmentContact,
    ProbationExtension,
    StatusDecision,
    StatusDecisionState,
)
from forum.models import Member, Org, OrgKind, OrgRole
from forum.notifications import Announcement, NotificationKind
from forum.policy import (
    ADMIN_ROLES,
    STATUS_DECISION_KINDS,
    Viewer,
    approval_deadline,
    approval_is_late,
    can_decide_status_change,
    can_propose_status_change,
    ensure,
    ensure_visible,
    plenary_vote_refusal,
)
from forum.settings import get_settings

NOTIFICATION_KIND = NotificationKind("member.status_decision", "发展党员审批有了进展", "组织关系")
REASON_MAX = 180


def label_of(kind: str) -> str:
    return STATUS_DECISION_KINDS[kind][1]


async def superior_committee(member: Member) -> Org | None:
    """The first 基层党委 above the member's branch (the branch itself excluded)."""
    ids = [int(part) for part in member.org.path.strip("/").split("/") if part][:-1]
    if not ids:
        return None
    committees = await Org.filter(id__in=ids, kind=OrgKind.committee)
    return max(committees, key=lambda o: len(o.path), default=None)


async def _pending(member_id: int) -> StatusDecision | None:
    return await StatusDecision.get_or_none(member_id=member_id, state="pending")


async def check_propose(
    actor: Viewer,
    member: Member,
    kind: str,
    *,
    vote_id: int | None,
    months: int | None = None,
    reason: str = "",
) -> tuple[PlenaryVote, Org]:
    """Raises what would refuse reporting the plenary's decision; its vote and the
    committee that approves otherwise."""
    ensure(can_propose_status_change(actor, member))
    if kind not in STATUS_DECISION_KINDS:
        raise ActionError("请选择要报批的事项", field="kind")
    source, label = STATUS_DECISION_KINDS[kind]
    if str(member.status) != source:
        raise ActionError(f"{member.status_label}不能{label}", field="kind")
    if kind == "admission":
        needed = get_settings().development_training_hours
        if needed:  # 发展对象培训 (domain.md §11), from the learning part through the seam
            done = sum(t.hours_tenths for t in await studyrecords.completed_training(member.id))
            if done < needed * 10:
                raise ActionError(
                    f"接收为预备党员须完成发展对象培训（不少于 {needed} 学时），"
                    f"已完成 {done / 10:g} 学时"
                )
    if await _pending(member.id) is not None:
        raise ActionError("该同志已有待上级党委审批的事项，请等待审批结果")
    if len(reason) > REASON_MAX:
        raise ActionError(f"原因不能超过 {REASON_MAX} 个字符", field="reason")
    if not vote_id:
        raise ActionError(f"{label}须经支部党员大会表决，请选择表决", field="vote_id")
    vote = await find_vote(vote_id)
    refusal = plenary_vote_refusal(
        vote, kind=kind, member_id=member.id, branch_org_id=member.org_id
    )
    if refusal is not None or vote is None or vote.decided_on is None:
        raise ActionError(refusal or "找不到本支部党员大会的该项表决", field="vote_id")
    if await StatusDecision.filter(vote_id=vote.id).exists():
        raise ActionError("该表决已经报批过", field="vote_id")
    day = vote.decided_on
    if kind == "admission":
        since = member.development_target_at
        if since is not None and day < since:
            raise ActionError("表决日期早于确定为发展对象的日期", field="vote_id")
        count = await DevelopmentContact.filter(
            member_id=member.id, kind=ContactKind.introducer, person__status="full"
        ).count()
        if count < 2:
            raise ActionError("接收为预备党员须有 2 名正式党员作入党介绍人")
    elif kind == "conversion":
        ext = await extension_months(member.id)
        earliest = earliest_date(member, RULES["full"], ext)
        if earliest is not None and day < earliest:
            raise ActionError(
                f"转正须在预备期满后讨论（最早 {earliest.isoformat()}），该表决日期过早",
                field="vote_id",
            )
    elif kind == "extension":
        if months is None or not 6 <= months <= 12:
            raise ActionError("预备期只能延长 6 至 12 个月", field="months")
        if await ProbationExtension.filter(member_id=member.id).exists():
            raise ActionError("预备期只能延长一次", field="months")
        due = conversion_due(member)
        if due is not None and day < due:
            raise ActionError(
                f"延长预备期须在预备期届满时讨论（{due.isoformat()} 之后）", field="vote_id"
            )
    committee = await superior_committee(member)
    if committee is None:
        raise ActionError("该支部没有上级党委，无法报批")
    return vote, committee


async def _notify(
    actor: Viewer, decision: StatusDecision, member: Member, text: str, org_ids: list[int]
) -> Announcement:
    holders = await OrgRole.filter(
        org_id__in=org_ids, role__in=sorted(ADMIN_ROLES), ended_at__isnull=True
    ).values("user_id")
    people: list[int] = sorted({int(r["user_id"]) for r in holders})
    if member.user_id is not None and str(decision.state) != "pending":
        people.append(member.user_id)
    return await notifications.notify(
        people,
        NOTIFICATION_KIND.key,
        text=text,
        title=member.name,
        url=f"/members/{member.id}#decisions",
        actor_id=actor.user_id,
        subject=f"status_decision:{decision.id}",
        data={"decision_id": decision.id, "state": str(decision.state)},
    )


async def propose(
    actor: Viewer,
    member: Member,
    kind: str,
    *,
    vote_id: int | None,
    months: int | None = None,
    reason: str = "",
) -> StatusDecision:
    """The branch reports the plenary's decision to the superior committee: pending."""
    vote, committee = await check_propose(
        actor, member, kind, vote_id=vote_id, months=months, reason=reason
    )
    voted_on = vote.decided_on or today()  # check_propose refuses a vote without a day
    label = label_of(kind)
    async with in_transaction():
        decision = await StatusDecision.create(
            member_id=member.id,
            kind=kind,
            vote_id=vote.id,
            voted_on=voted_on,
            months=months if kind == "extension" else None,
            reason=reason,
            committee_id=committee.id,
            requested_by_id=actor.user_id,
        )
        await do_record_change(
            actor,
            member.id,
            "status",
            f"{label}报上级党委审批" + (f"：{reason}" if reason else ""),
            after={"decision": kind, "state": "pending"},
            effective_on=voted_on,
            vote_id=vote.id,
        )
        await audit.record(
            actor,
            "member.status_proposed",
            "member",
            member.id,
            org_path=member.org.path,
            after={
                "kind": kind,
                "vote_id": vote.id,
                "voted_on": voted_on.isoformat(),
                "committee_id": committee.id,
                **({"months": months} if kind == "extension" else {}),
            },
            reason=reason,
        )
        sent = await _notify(
            actor, decision, member, f"{member.name}：{label}待审批", [committee.id]
        )
    await sent.send()
    return decision


async def get_decision_for(viewer: Viewer, decision_id: int) -> tuple[StatusDecision, Member, Org]:
    """A decision the viewer may see: the member's branch admins and the committee's."""
    decision = await StatusDecision.get_or_none(id=decision_id).select_related(
        "member__org", "committee"
    )
    if decision is None:
        raise NotFound()
    member, committee = decision.member, decision.committee
    ensure_visible(
        can_propose_status_change(viewer, member)
        or can_decide_status_change(viewer, member, committee)
    )
    return decision, member, committee


async def check_decide(
    actor: Viewer,
    decision: StatusDecision,
    member: Member,
    committee: Org,
    *,
    approve: bool,
    on: dt.date | str | None,
    note: str = "",
) -> dt.date:
    ensure(can_decide_status_change(actor, member, committee))
    if str(decision.state) != "pending":
        raise ActionError("该事项已审批")
    day = on if isinstance(on, dt.date) else parse_date(on, "on", "审批日期")
    if day is None:
        raise ActionError("请填写审批日期", field="on")
    if day > today():
        raise ActionError("审批日期不能晚于今天", field="on")
    if day < decision.voted_on:
        raise ActionError("审批日期不能早于支部党员大会表决日期", field="on")
    if len(note) > REASON_MAX:
        raise ActionError(f"审批意见不能超过 {REASON_MAX} 个字符", field="note")
    if not approve and not note.strip():
        raise ActionError("不批准须填写理由", field="note")
    if str(member.status) != STATUS_DECISION_KINDS[str(decision.kind)][0]:
        raise ActionError("该同志的状态已变化，无法按此事项审批")
    return day


async def _apply(
    actor: Viewer, decision: StatusDecision, member: Member
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The approved change, inside the caller's transaction: (before, after)."""
    kind = str(decision.kind)
    before: dict[str, Any]
    after: dict[str, Any]
    if kind == "admission":
        before = {"status": str(member.status), "probation_at": None}
        after = {"status": "probationary", "probation_at": decision.voted_on.isoformat()}
        await Member.filter(id=member.id).update(
            status="probationary", probation_at=decision.voted_on
        )
        member.status, member.probation_at = "probationary", decision.voted_on  # type: ignore[assignment]
    elif kind == "conversion":
        ext = await extension_months(member.id)
        full_at = conversion_due(member, ext) or decision.voted_on
        before = {"status": str(member.status), "full_at": None}
        after = {"status": "full", "full_at": full_at.isoformat()}
        await Member.filter(id=member.id).update(status="full", full_at=full_at)
        member.status, member.full_at = "full", full_at  # type: ignore[assignment]
    elif kind == "extension":
        months = int(decision.months or 0)
        await ProbationExtension.create(
            member_id=member.id,
            months=months,
            decided_on=decision.voted_on,
            vote_id=decision.vote_id,
            created_by_id=actor.user_id,
        )
        before, after = {"extension_months": 0}, {"extension_months": months}
    else:  # cancellation: the record stays, the membership ends (群众)
        before = {"status": str(member.status)}
        after = {"status": "public"}
        await Member.filter(id=member.id).update(status="public")
        member.status = "public"  # type: ignore[assignment]
    return before, after


async def decide(
    actor: Viewer,
    decision: StatusDecision,
    member: Member,
    committee: Org,
    *,
    approve: bool,
    on: dt.date | str | None,
    note: str = "",
) -> StatusDecision:
    """The superior committee approves (the status changes) or rejects (nothing changes)."""
    day = await check_decide(actor, decision, member, committee, approve=approve, on=on, note=note)
    kind = str(decision.kind)
    label = label_of(kind)
    late = approve and approval_is_late(decision.voted_on, day)
    state = StatusDecisionState.approved if approve else StatusDecisionState.rejected
    async with in_transaction():
        updated = await StatusDecision.filter(id=decision.id, state="pending").update(
            state=state,
            decided_by_id=actor.user_id,
            decided_on=day,
            late=late,
            decision_note=note.strip(),
        )
        if not updated:
            raise ActionError("该事项已审批")
        decision.state, decision.decided_on, decision.late = state, day, late
        decision.decided_by_id, decision.decision_note = actor.user_id, note.strip()
        if approve:
            before, after = await _apply(actor, decision, member)
            months = f" {decision.months} 个月" if kind == "extension" else ""
            summary = f"上级党委批准{label}{months}" + ("（超过三个月审批期限）" if late else "")
        else:
            before, after = {"decision": kind}, {"state": "rejected"}
            summary = f"上级党委未批准{label}：{note.strip()}"
        await do_record_change(
            actor,
            member.id,
            "status",
            summary[:200],
            before=before,
            after=after,
            effective_on=day,
            vote_id=decision.vote_id,
        )
        await audit.record(
            actor,
            "member.status_approved" if approve else "member.status_rejected",
            "member",
            member.id,
            org_path=member.org.path,
            before=before,
            after={
                **after,
                "kind": kind,
                "vote_id": decision.vote_id,
                "decided_on": day.isoformat(),
                "late": late,
                "deadline": approval_deadline(decision.voted_on).isoformat(),
            },
            reason=note.strip(),
        )
        verdict = "已批准" if approve else "未批准"
        sent = await _notify(
            actor, decision, member, f"{member.name}：{label}{verdict}", [member.org_id]
        )
    await sent.send()
    return decision


async def decisions_of(member_id: int) -> list[StatusDecision]:
    return await StatusDecision.filter(member_id=member_id).order_by("-id").limit(50)


async def pending_for(viewer: Viewer) -> list[StatusDecision]:
    """Pending decisions the viewer may approve (bounded; the committee's index). A page
    for admins only: to anyone else it does not exist."""
    from forum.policy import can_use_member_tools, under_paths

    ensure_visible(can_use_member_tools(viewer))

    rows = (
        await StatusDecision.filter(state="pending")
        .filter(under_paths(viewer.admin_paths, "committee__path"))
        .select_related("member__org", "committee")
        .order_by("voted_on", "id")
        .limit(200)
    )
    return [d for d in rows if can_decide_status_change(viewer, d.member, d.committee)]
