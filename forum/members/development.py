"""Member development (发展党员): status steps with the interval rules of domain.md §2 as data.

Steps taken too early are refused; overdue steps produce warnings (due lists for secretaries).
Steps decided by a branch plenary store the id of that vote (meetings live elsewhere: no FK).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from tortoise.transactions import in_transaction

from forum import audit
from forum.clock import today
from forum.errors import ActionError
from forum.members.actions import do_record_change
from forum.members.fields import parse_date
from forum.members.models import (
    ContactKind,
    DevelopmentContact,
    DevelopmentReview,
    ProbationExtension,
)
from forum.models import STATUS_LABELS, Member
from forum.policy import Viewer, can_manage_development, can_see_member, ensure
from forum.policy import add_months as policy_add_months


@dataclass(frozen=True)
class Rule:
    """One development step: from -> to, its date field, and its timing rules."""

    source: str
    target: str
    date_field: str
    since_field: str
    min_months: int  # refuse before this many months since `since_field`
    overdue_months: int | None  # warn after this many months in `source`
    needs_vote: bool
    introducers: int
    label: str


RULES: dict[str, Rule] = {
    r.target: r
    for r in (
        Rule(
            "applicant",
            "activist",
            "activist_at",
            "applied_at",
            0,
            6,
            False,
            0,
            "确定为入党积极分子",
        ),
        Rule(
            "activist",
            "development_target",
            "development_target_at",
            "activist_at",
            12,
            None,
            False,
            0,
            "确定为发展对象",
        ),
        Rule(
            "development_target",
            "probationary",
            "probation_at",
            "development_target_at",
            0,
            None,
            True,
            2,
            "接收为预备党员",
        ),
        Rule("probationary", "full", "full_at", "probation_at", 12, 15, True, 0, "转为正式党员"),
    )
}
NEXT_STATUS = {rule.source: rule.target for rule in RULES.values()}
REVIEW_MONTHS = 6  # activists and development targets are reviewed every six months
IN_REVIEW = frozenset({"activist", "development_target"})


add_months = policy_add_months


def earliest_date(member: Member, rule: Rule, extension_months: int = 0) -> dt.date | None:
    since = getattr(member, rule.since_field)
    extra = extension_months if rule.target == "full" else 0
    return add_months(since, rule.min_months + extra) if since else None


def conversion_due(member: Member, extension_months: int = 0) -> dt.date | None:
    """Probation ends one year after the plenary passed admission (domain.md §2), plus the
    one extension (6-12 months) when the plenary decided one."""
    return add_months(member.probation_at, 12 + extension_months) if member.probation_at else None


def warnings_for(
    member: Member,
    last_review: dt.date | None = None,
    on: dt.date | None = None,
    extension_months: int = 0,
) -> list[str]:
    day = on or today()
    status = str(member.status)
    result: list[str] = []
    rule = RULES.get(NEXT_STATUS.get(status, ""))
    since = getattr(member, rule.since_field) if rule else None
    overdue = rule.overdue_months if rule else None
    if rule and rule.target == "full":
        overdue = None if overdue is None else overdue + extension_months
    if rule and overdue is not None and since is not None and add_months(since, overdue) < day:
        result.append(f"已超过 {rule.overdue_months} 个月未{rule.label}")
    if status == "probationary" and member.probation_at:
        due = conversion_due(member, extension_months)
        if due is not None and due <= day:
            result.append(f"预备期已于 {due.isoformat()} 届满，应及时讨论转正")
    if status in IN_REVIEW:
        basis = last_review or member.activist_at
        if basis is not None and add_months(basis, REVIEW_MONTHS) < day:
            result.append("已超过 6 个月未进行考察")
    return result


async def check_advance(
    actor: Viewer,
    member: Member,
    target: str,
    *,
    on: dt.date | str | None,
    vote_id: int | None = None,
) -> tuple[Rule, dt.date]:
    """Raises what would refuse the step (too early, out of order, no vote), so the page asks
    for confirmation only when the step can go ahead; the rule and the day otherwise."""
    ensure(can_manage_development(actor, member))
    rule = RULES.get(target)
    if rule is None or rule.source != str(member.status):
        current = STATUS_LABELS[str(member.status)]
        raise ActionError(
            f"{current}不能直接变更为{STATUS_LABELS.get(target, target)}", field="status"
        )
    day = on if isinstance(on, dt.date) else parse_date(on, "on", "日期")
    if day is None:
        raise ActionError("请填写日期", field="on")
    if day > today():
        raise ActionError("日期不能晚于今天", field="on")
    since = getattr(member, rule.since_field)
    if since is not None and day < since:
        raise ActionError("日期不能早于上一阶段的日期", field="on")
    extension = await extension_months(member.id) if target == "full" else 0
    earliest = earliest_date(member, rule, extension)
    if earliest is not None and day < earliest:
        months = rule.min_months + extension
        raise ActionError(
            f"{rule.label}须在上一阶段满 {months} 个月之后（最早 {earliest.isoformat()}）",
            field="on",
        )
    if rule.needs_vote:
        # Decided by a plenary vote and approved by the superior committee: forum.members.approvals.
        raise ActionError(f"{rule.label}须经支部党员大会表决并报上级党委审批", field="status")
    if rule.introducers:
        count = await DevelopmentContact.filter(
            member_id=member.id, kind=ContactKind.introducer, person__status="full"
        ).count()
        if count < rule.introducers:
            raise ActionError(f"{rule.label}须有 {rule.introducers} 名正式党员作入党介绍人")
    return rule, day


async def advance_member(
    actor: Viewer,
    member: Member,
    target: str,
    *,
    on: dt.date | str | None,
    vote_id: int | None = None,
    note: str = "",
) -> Member:
    """Move a member one development step. Refuses steps too early or out of order."""
    rule, day = await check_advance(actor, member, target, on=on, vote_id=vote_id)
    before = {"status": str(member.status), rule.date_field: None}
    after = {"status": target, rule.date_field: day.isoformat()}
    async with in_transaction():
        await Member.filter(id=member.id).update(status=target, **{rule.date_field: day})
        await do_record_change(
            actor,
            member.id,
            "status",
            rule.label + (f"：{note[:100]}" if note else ""),
            before=before,
            after=after,
            effective_on=day,
            vote_id=vote_id,
        )
        await audit.record(
            actor,
            "member.status_changed",
            "member",
            member.id,
            org_path=member.org.path,
            before=before,
            after={**after, "vote_id": vote_id},
            reason=note[:200],
        )
    member.status = target  # type: ignore[assignment]
    setattr(member, rule.date_field, day)
    return member


async def add_contact(
    actor: Viewer, member: Member, person: Member, kind: str
) -> DevelopmentContact:
    """Assign an introducer or trainer: a full member the actor can see, at most two introducers."""
    ensure(can_manage_development(actor, member))
    if kind not in {k.value for k in ContactKind}:
        raise ActionError("请选择入党介绍人或培养联系人", field="kind")
    if not can_see_member(actor, person) or person.id == member.id:
        raise ActionError("找不到该党员", field="person_id")
    if str(person.status) != "full":
        raise ActionError("入党介绍人和培养联系人须为正式党员", field="person_id")
    existing: list[int] = [
        int(str(i))
        for i in await DevelopmentContact.filter(member_id=member.id, kind=kind).values_list(
            "person_id", flat=True
        )
    ]
    if person.id in existing:
        raise ActionError("该党员已是介绍人或联系人", field="person_id")
    if kind == "introducer" and len(existing) >= 2:
        raise ActionError("入党介绍人最多 2 名", field="person_id")
    async with in_transaction():
        contact = await DevelopmentContact.create(
            member_id=member.id, person_id=person.id, kind=kind, assigned_on=today()
        )
        label = "入党介绍人" if kind == "introducer" else "培养联系人"
        await do_record_change(
            actor,
            member.id,
            "development",
            f"确定{label}：{person.name}",
            after={kind: person.id},
            effective_on=today(),
        )
        await audit.record(
            actor,
            "member.contact_added",
            "member",
            member.id,
            org_path=member.org.path,
            after={"kind": kind, "person_id": person.id},
        )
    return contact


async def add_review(
    actor: Viewer, member: Member, on: str | dt.date, summary: str
) -> DevelopmentReview:
    ensure(can_manage_development(actor, member))
    if str(member.status) not in IN_REVIEW:
        raise ActionError("只有入党积极分子和发展对象需要定期考察")
    day = on if isinstance(on, dt.date) else parse_date(on, "reviewed_on", "考察日期")
    if day is None or day > today():
        raise ActionError("请填写不晚于今天的考察日期", field="reviewed_on")
    summary = " ".join(summary.split())
    if not summary:
        raise ActionError("请填写考察意见", field="summary")
    async with in_transaction():
        review = await DevelopmentReview.create(
            member_id=member.id, reviewed_on=day, summary=summary[:500], reviewer_id=actor.user_id
        )
        await do_record_change(
            actor,
            member.id,
            "development",
            "考察",
            after={"summary": summary[:100]},
            effective_on=day,
        )
        await audit.record(
            actor,
            "member.reviewed",
            "member",
            member.id,
            org_path=member.org.path,
            after={"reviewed_on": day.isoformat()},
        )
    return review


@dataclass
class DueItem:
    member: Member
    next_step: str
    earliest: dt.date | None
    due: dt.date | None
    warnings: list[str]


async def due_list(org_path: str) -> list[DueItem]:
    """Members in development under `org_path` with their next step, dates and warnings.

    Three queries whatever the size: members, their latest reviews, nothing per row.
    """
    from tortoise.functions import Max

    members = (
        await Member.filter(org__path__startswith=org_path, status__in=list(NEXT_STATUS))
        .select_related("org", "group")
        .order_by("probation_at", "development_target_at", "activist_at", "applied_at", "id")
        .limit(500)
    )
    ids = [m.id for m in members]
    reviews = (
        await DevelopmentReview.filter(member_id__in=ids)
        .annotate(last=Max("reviewed_on"))
        .group_by("member_id")
        .values("member_id", "last")
        if ids
        else []
    )
    last = {r["member_id"]: r["last"] for r in reviews}
    extensions = await extensions_for(ids)
    items = []
    for m in members:
        rule = RULES[NEXT_STATUS[str(m.status)]]
        last_review = last.get(m.id)
        if isinstance(last_review, str):
            last_review = dt.date.fromisoformat(last_review[:10])
        ext = extensions.get(m.id, 0)
        due = conversion_due(m, ext) if str(m.status) == "probationary" else None
        items.append(
            DueItem(
                m,
                rule.label,
                earliest_date(m, rule, ext),
                due,
                warnings_for(m, last_review, extension_months=ext),
            )
        )
    items.sort(key=lambda i: (i.due is None, i.due or dt.date.max, -len(i.warnings)))
    return items


async def extension_months(member_id: int) -> int:
    extension = await ProbationExtension.get_or_none(member_id=member_id)
    return int(extension.months) if extension else 0


async def extensions_for(member_ids: list[int]) -> dict[int, int]:
    if not member_ids:
        return {}
    rows = await ProbationExtension.filter(member_id__in=member_ids).values("member_id", "months")
    return {int(r["member_id"]): int(r["months"]) for r in rows}
