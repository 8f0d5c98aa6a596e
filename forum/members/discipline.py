"""Discipline (党纪处分) and 停止党籍 on a member's record (domain.md §9).

Each step writes the sanction or suspension row, the member's rights flags, a line of the
record history and an audit entry in one transaction; after commit the member's open sockets
are told to reload their viewer (`publisher.viewer_changed`), as a moderation silence does, so
a meeting room learns at once that the member may no longer vote (or may again).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from tortoise.transactions import in_transaction

from forum import audit, publisher
from forum.errors import ActionError, NotFound
from forum.members.actions import do_record_change
from forum.members.fields import past_date
from forum.members.models import (
    MembershipSuspension,
    Sanction,
    SanctionState,
    SuspensionState,
)
from forum.models import Member
from forum.policy import (
    SANCTION_KINDS,
    Viewer,
    can_record_discipline,
    can_see_member_field,
    ensure,
    ensure_visible,
    probation_sanction_ends,
    probation_sanction_over,
    removal_allowed,
    removal_due,
)

TEXT_MAX = 64
REASON_MAX = 200
MEMBER_STATUSES = frozenset({"probationary", "full"})


def _text(
    value: str, field: str, label: str, *, required: bool = True, limit: int = TEXT_MAX
) -> str:
    value = " ".join((value or "").split())
    if required and not value:
        raise ActionError(f"请填写{label}", field=field)
    if len(value) > limit:
        raise ActionError(f"{label}不能超过 {limit} 个字符", field=field)
    return value


def _maybe_day(value: dt.date | str | None, field: str, label: str) -> dt.date | None:
    return past_date(value, field, label, required=False)


def _day(value: dt.date | str | None, field: str, label: str) -> dt.date:
    day = past_date(value, field, label)
    assert day is not None  # noqa: S101 - required: past_date refused a blank
    return day


async def _after_commit(member: Member, reason: str) -> None:
    if member.user_id is not None:
        await publisher.viewer_changed(member.user_id, reason)


async def _log(
    actor: Viewer,
    member: Member,
    action: str,
    summary: str,
    *,
    before: dict[str, Any] | None,
    after: dict[str, Any],
    on: dt.date,
    reason: str = "",
) -> None:
    await do_record_change(
        actor, member.id, "discipline", summary[:200], before=before, after=after, effective_on=on
    )
    await audit.record(
        actor,
        action,
        "member",
        member.id,
        org_path=member.org.path,
        before=before,
        after=after,
        reason=reason[:500],
    )


async def active_probation(member_id: int) -> Sanction | None:
    return await Sanction.get_or_none(member_id=member_id, kind="probation", state="active")


async def check_record_sanction(
    actor: Viewer,
    member: Member,
    *,
    kind: str,
    years: int | None,
    decision_number: str,
    deciding_body: str,
    decided_on: dt.date | str | None,
    approving_body: str = "",
    approved_on: dt.date | str | None = None,
) -> dict[str, Any]:
    """Raises what would refuse recording the sanction; its cleaned fields otherwise."""
    ensure(can_record_discipline(actor, member))
    if str(member.status) not in MEMBER_STATUSES:
        raise ActionError("只有党员（含预备党员）可以受党纪处分")
    if kind not in SANCTION_KINDS:
        raise ActionError("请选择处分种类", field="kind")
    if kind == "probation":
        if years not in (1, 2):
            raise ActionError("留党察看期为 1 年或 2 年", field="years")
    else:
        years = None
    number = _text(decision_number, "decision_number", "处分决定文号")
    body = _text(deciding_body, "deciding_body", "作出决定的组织")
    decided = _day(decided_on, "decided_on", "决定日期")
    approver = _text(approving_body, "approving_body", "批准机关", required=False)
    approved = _maybe_day(approved_on, "approved_on", "批准日期")
    if bool(approver) != bool(approved):
        raise ActionError(
            "批准机关和批准日期须同时填写（上级党委直接作出的可都不填）", field="approved_on"
        )
    if approved is not None and approved < decided:
        raise ActionError("批准日期不能早于决定日期", field="approved_on")
    running = await active_probation(member.id)
    if running is not None and kind != "expulsion":
        # It cannot be extended; a new violation during it leads to 开除党籍 (domain.md §9).
        raise ActionError("留党察看期间再犯错误的，应开除党籍", field="kind")
    starts = approved or decided
    return {
        "kind": kind,
        "years": years,
        "decision_number": number,
        "deciding_body": body,
        "decided_on": decided,
        "approving_body": approver,
        "approved_on": approved,
        "starts_on": starts,
        "ends_on": probation_sanction_ends(starts, years)
        if kind == "probation" and years
        else None,
    }


async def record_sanction(actor: Viewer, member: Member, **data: Any) -> Sanction:
    fields = await check_record_sanction(actor, member, **data)
    kind = fields["kind"]
    label = SANCTION_KINDS[kind]
    state = {
        "probation": SanctionState.active,
        "expulsion": SanctionState.expelled,
    }.get(kind, SanctionState.recorded)
    before = {
        "status": str(member.status),
        "on_probation_sanction": member.on_probation_sanction,
    }
    async with in_transaction():
        sanction = await Sanction.create(
            member_id=member.id, state=state, recorded_by_id=actor.user_id, **fields
        )
        updates: dict[str, Any] = {}
        if kind == "probation":
            updates["on_probation_sanction"] = True
        if kind == "expulsion":
            updates.update(status="public", on_probation_sanction=False)
            running = await active_probation(member.id)
            if running is not None:
                await Sanction.filter(id=running.id).update(
                    state=SanctionState.expelled,
                    outcome_on=fields["starts_on"],
                    outcome_decision=fields["decision_number"],
                )
        if updates:
            await Member.filter(id=member.id).update(**updates)
        years = f" {fields['years']} 年" if fields["years"] else ""
        await _log(
            actor,
            member,
            "member.sanction_recorded",
            f"党纪处分：{label}{years}（{fields['decision_number']}）",
            before=before,
            after={
                "kind": kind,
                "years": fields["years"],
                "decision_number": fields["decision_number"],
                "starts_on": fields["starts_on"].isoformat(),
                "ends_on": fields["ends_on"].isoformat() if fields["ends_on"] else None,
                **updates,
            },
            on=fields["starts_on"],
        )
    for name, value in updates.items():
        setattr(member, name, value)
    await _after_commit(member, f"discipline.{kind}")
    return sanction


async def get_sanction_for(viewer: Viewer, sanction_id: int) -> tuple[Sanction, Member]:
    sanction = await Sanction.get_or_none(id=sanction_id).select_related("member__org")
    if sanction is None:
        raise NotFound()
    ensure_visible(can_see_member_field(viewer, sanction.member, "discipline"))
    return sanction, sanction.member


async def check_end_probation(
    actor: Viewer,
    sanction: Sanction,
    member: Member,
    *,
    outcome: str,
    on: dt.date | str | None,
    decision_number: str,
) -> tuple[dt.date, str]:
    ensure(can_record_discipline(actor, member))
    if sanction.kind != "probation" or str(sanction.state) != "active":
        raise ActionError("该处分不是察看期中的留党察看")
    if outcome not in {"restore", "expel"}:
        raise ActionError("请选择恢复党员权利或开除党籍", field="outcome")
    day = _day(on, "on", "决定日期")
    years = int(sanction.years or 1)
    if not probation_sanction_over(sanction.starts_on, years, day):
        ends = probation_sanction_ends(sanction.starts_on, years)
        raise ActionError(f"留党察看期至 {ends.isoformat()} 届满，届满时再作决定", field="on")
    number = _text(decision_number, "decision_number", "支部决定文号")
    return day, number


async def end_probation(
    actor: Viewer,
    sanction: Sanction,
    member: Member,
    *,
    outcome: str,
    on: dt.date | str | None,
    decision_number: str,
) -> Sanction:
    """At its end the branch decides: rights restored, or 开除党籍."""
    day, number = await check_end_probation(
        actor, sanction, member, outcome=outcome, on=on, decision_number=decision_number
    )
    restore = outcome == "restore"
    updates: dict[str, Any] = {"on_probation_sanction": False}
    if not restore:
        updates["status"] = "public"
    async with in_transaction():
        changed = await Sanction.filter(id=sanction.id, state="active").update(
            state=SanctionState.restored if restore else SanctionState.expelled,
            outcome_on=day,
            outcome_decision=number,
        )
        if not changed:
            raise ActionError("该处分已处理")
        await Member.filter(id=member.id).update(**updates)
        await _log(
            actor,
            member,
            "member.sanction_ended",
            ("留党察看期满，恢复党员权利" if restore else "留党察看期满，开除党籍")
            + f"（{number}）",
            before={"on_probation_sanction": True, "status": str(member.status)},
            after={"outcome": outcome, "decision_number": number, **updates},
            on=day,
        )
    for name, value in updates.items():
        setattr(member, name, value)
    await _after_commit(member, "discipline.ended")
    return await Sanction.get(id=sanction.id)


async def check_suspend(
    actor: Viewer,
    member: Member,
    *,
    reason: str,
    decision_number: str,
    approving_body: str,
    approved_on: dt.date | str | None,
) -> dict[str, Any]:
    ensure(can_record_discipline(actor, member))
    if str(member.status) not in MEMBER_STATUSES:
        raise ActionError("只有党员可以停止党籍")
    if member.membership_suspended:
        raise ActionError("该同志已停止党籍")
    return {
        "reason": _text(reason, "reason", "原因", limit=REASON_MAX),
        "decision_number": _text(decision_number, "decision_number", "决定文号"),
        "approving_body": _text(approving_body, "approving_body", "批准的上级党委"),
        "approved_on": _day(approved_on, "approved_on", "批准日期"),
    }


async def suspend_membership(actor: Viewer, member: Member, **data: Any) -> MembershipSuspension:
    """停止党籍 (out of contact over six months, superior approval recorded)."""
    fields = await check_suspend(actor, member, **data)
    async with in_transaction():
        suspension = await MembershipSuspension.create(
            member_id=member.id, recorded_by_id=actor.user_id, **fields
        )
        await Member.filter(id=member.id).update(membership_suspended=True)
        await _log(
            actor,
            member,
            "member.membership_suspended",
            f"停止党籍（{fields['decision_number']}）",
            before={"membership_suspended": False},
            after={
                "membership_suspended": True,
                "approved_on": fields["approved_on"].isoformat(),
                "removal_due": removal_due(fields["approved_on"]).isoformat(),
            },
            on=fields["approved_on"],
            reason=fields["reason"],
        )
    member.membership_suspended = True
    await _after_commit(member, "discipline.suspended")
    return suspension


async def get_suspension_for(
    viewer: Viewer, suspension_id: int
) -> tuple[MembershipSuspension, Member]:
    suspension = await MembershipSuspension.get_or_none(id=suspension_id).select_related(
        "member__org"
    )
    if suspension is None:
        raise NotFound()
    ensure_visible(can_see_member_field(viewer, suspension.member, "discipline"))
    return suspension, suspension.member


async def check_end_suspension(
    actor: Viewer,
    suspension: MembershipSuspension,
    member: Member,
    *,
    outcome: str,
    on: dt.date | str | None,
    note: str = "",
) -> tuple[dt.date, str]:
    ensure(can_record_discipline(actor, member))
    if str(suspension.state) != "active":
        raise ActionError("该停止党籍已处理")
    if outcome not in {"restore", "remove"}:
        raise ActionError("请选择恢复党籍或除名", field="outcome")
    day = _day(on, "on", "日期")
    if day < suspension.approved_on:
        raise ActionError("日期不能早于停止党籍的日期", field="on")
    if outcome == "remove" and not removal_allowed(suspension.approved_on, day):
        due = removal_due(suspension.approved_on)
        raise ActionError(f"停止党籍满 2 年（{due.isoformat()}）后方可除名", field="on")
    return day, _text(note, "note", "说明", required=outcome == "restore", limit=REASON_MAX)


async def end_suspension(
    actor: Viewer,
    suspension: MembershipSuspension,
    member: Member,
    *,
    outcome: str,
    on: dt.date | str | None,
    note: str = "",
) -> MembershipSuspension:
    """Restored on return (if qualified), or removed (除名) after two years."""
    day, note = await check_end_suspension(
        actor, suspension, member, outcome=outcome, on=on, note=note
    )
    restore = outcome == "restore"
    updates: dict[str, Any] = {"membership_suspended": False}
    if not restore:
        updates["status"] = "public"
    async with in_transaction():
        changed = await MembershipSuspension.filter(id=suspension.id, state="active").update(
            state=SuspensionState.restored if restore else SuspensionState.removed,
            ended_on=day,
            end_note=note,
        )
        if not changed:
            raise ActionError("该停止党籍已处理")
        await Member.filter(id=member.id).update(**updates)
        await _log(
            actor,
            member,
            "member.membership_restored" if restore else "member.membership_removed",
            "恢复党籍" if restore else "停止党籍满 2 年，除名",
            before={"membership_suspended": True, "status": str(member.status)},
            after={"outcome": outcome, **updates},
            on=day,
            reason=note,
        )
    for name, value in updates.items():
        setattr(member, name, value)
    await _after_commit(member, "discipline.restored" if restore else "discipline.removed")
    return await MembershipSuspension.get(id=suspension.id)


async def record_of(member_id: int) -> dict[str, list[Any]]:
    return {
        "sanctions": await Sanction.filter(member_id=member_id).order_by("-id").limit(50),
        "suspensions": await MembershipSuspension.filter(member_id=member_id)
        .order_by("-id")
        .limit(20),
    }
