"""Floating members (流动党员): out-flow (home side) and in-flow (host side) registration.

An active registration sets `Member.floating` and `host_org`, so the meetings part lists the
member in the host org's roll as a guest without voting rights (policy.can_vote_in).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from forum import audit, crypto, idcard
from forum.clock import today, utcnow
from forum.errors import ActionError, NotFound
from forum.members import duplicates
from forum.members.actions import do_record_change
from forum.members.fields import parse_date
from forum.members.models import FloatingDirection, FloatingInflow, FloatingRecord, InflowState
from forum.models import Member, Org
from forum.policy import (
    Viewer,
    can_decide_inflow,
    can_manage_floating,
    can_manage_org,
    can_register_inflow,
    ensure,
    ensure_visible,
)


def _period(starts: str | dt.date | None, ends: str | dt.date | None) -> tuple[dt.date, dt.date]:
    start = (
        starts if isinstance(starts, dt.date) else parse_date(starts, "starts_on", "外出开始日期")
    )
    end = ends if isinstance(ends, dt.date) else parse_date(ends, "ends_on", "外出结束日期")
    if start is None or end is None:
        raise ActionError("请填写流动期限的开始和结束日期", field="starts_on")
    if end <= start:
        raise ActionError("结束日期须晚于开始日期", field="ends_on")
    return start, end


def _certificate(raw: str) -> str:
    """Kept as typed, but for the runs of whitespace (collapsed to one space)."""
    value = " ".join(raw.split())  # NUL never gets here: read_form refuses it at the door
    if not value:
        raise ActionError("请填写流动党员活动证编号", field="certificate_number")
    if len(value) > 32:
        raise ActionError("活动证编号不能超过 32 个字符", field="certificate_number")
    return value


async def _register(
    actor: Viewer,
    member: Member,
    direction: str,
    certificate: str,
    host_org: Org | None,
    host_place: str,
    period: tuple[dt.date, dt.date],
    audit_org: Org,
) -> FloatingRecord:
    if str(member.status) not in {"probationary", "full"}:
        raise ActionError("只有正式党员和预备党员可以登记为流动党员")
    if await FloatingRecord.filter(member_id=member.id, ended_at__isnull=True).exists():
        raise ActionError("该党员已有有效的流动登记，请先结束原登记")
    if host_org is not None and host_org.id == member.org_id:
        raise ActionError("流入组织不能是党员本人所在的组织", field="host_org_id")
    async with in_transaction():
        record = await FloatingRecord.create(
            member_id=member.id,
            direction=direction,
            certificate_number=certificate,
            host_org_id=host_org.id if host_org else None,
            host_place=host_place[:64],
            starts_on=period[0],
            ends_on=period[1],
            registered_by_id=actor.user_id,
        )
        await Member.filter(id=member.id).update(
            floating=True, host_org_id=host_org.id if host_org else None
        )
        where = host_org.name if host_org else host_place
        await do_record_change(
            actor,
            member.id,
            "floating",
            f"登记为流动党员（{where}，证号 {certificate}）",
            after={"host_org_id": record.host_org_id, "certificate": certificate},
            effective_on=period[0],
        )
        await audit.record(
            actor,
            f"floating.{direction}_registered",
            "member",
            member.id,
            org_path=audit_org.path,
            after={"record_id": record.id, "host_org_id": record.host_org_id},
        )
    return record


async def register_outflow(
    actor: Viewer,
    member: Member,
    certificate: str,
    host_org: Org | None,
    host_place: str,
    starts_on: str | dt.date | None,
    ends_on: str | dt.date | None,
) -> FloatingRecord:
    ensure(can_manage_floating(actor, member))
    if host_org is None and not host_place.strip():
        raise ActionError("请选择流入党组织或填写流入地点", field="host_org_id")
    return await _register(
        actor,
        member,
        FloatingDirection.outflow,
        _certificate(certificate),
        host_org,
        host_place.strip(),
        _period(starts_on, ends_on),
        member.org,
    )


# In-flow: the host asks, the home side decides --------------------------------------------

INFLOW_SUBMITTED = "已提交流入登记，待党员所在党组织确认后生效"


async def request_inflow(
    actor: Viewer,
    host_org: Org,
    id_number: str,
    certificate: str,
    starts_on: str | dt.date | None,
    ends_on: str | dt.date | None,
) -> FloatingInflow:
    """The host side asks to register a member from elsewhere, by ID number.

    The answer and everything the host can see afterwards are the same whether or not the
    number is registered: the request shows the masked number the host typed, and nothing
    is written to any record until the home side confirms. The home side sees the request
    on its floating page; both sides' audit logs record each step."""
    ensure(can_register_inflow(actor, host_org))
    parsed = idcard.parse(id_number)  # the format only: it says nothing about anyone
    certificate = _certificate(certificate)
    period = _period(starts_on, ends_on)
    hint = idcard.mask(parsed.value)
    if await FloatingInflow.filter(
        host_org_id=host_org.id, id_number_hint=hint, certificate_number=certificate,
        state=InflowState.pending,
    ).exists():  # fmt: skip
        raise ActionError("本组织已提交过该流入登记，正在等待确认", field="id_number")
    # Numbers are not unique: the record the number stands for (not a 重复档案, the first
    # registered), so the answer stays the same whatever duplicates exist.
    member = await duplicates.holder_of(crypto.lookup_hash(parsed.value))
    async with in_transaction():
        request = await FloatingInflow.create(
            host_org_id=host_org.id,
            member_id=member.id if member else None,
            id_number_hint=hint,
            certificate_number=certificate,
            starts_on=period[0],
            ends_on=period[1],
            requested_by_id=actor.user_id,
        )
        await audit.record(
            actor,
            "floating.inflow_requested",
            "floating_inflow",
            request.id,
            org_path=host_org.path,
            after={"host_org_id": host_org.id, "id_number": hint, "certificate": certificate},
        )
        if member is not None:  # the home side's log, which the host cannot read
            await audit.record(
                actor,
                "floating.inflow_requested",
                "member",
                member.id,
                org_path=member.org.path,
                after={"request_id": request.id, "host_org_id": host_org.id},
            )
    return request


async def _pending_inflow(actor: Viewer, request_id: int) -> FloatingInflow:
    """A pending request about a member of the actor's home scope (else 404, the same for
    a request that does not exist, is decided, or is about someone else's member)."""
    request = (
        await FloatingInflow.filter(id=request_id, state=InflowState.pending)
        .select_related("member__org", "host_org")
        .first()
    )
    if request is None or request.member is None:
        raise NotFound()
    ensure_visible(can_decide_inflow(actor, request.member))
    return request


async def confirm_inflow(actor: Viewer, request_id: int) -> FloatingRecord:
    """The home side confirms: now the record gets its floating status and history line."""
    request = await _pending_inflow(actor, request_id)
    member = request.member
    assert member is not None  # noqa: S101 - _pending_inflow checked it
    async with in_transaction():
        record = await _register(
            actor,
            member,
            FloatingDirection.inflow,
            request.certificate_number,
            request.host_org,
            "",
            (request.starts_on, request.ends_on),
            member.org,
        )
        await FloatingInflow.filter(id=request.id).update(
            state=InflowState.confirmed,
            decided_by_id=actor.user_id,
            decided_at=utcnow(),
            record_id=record.id,
        )
        await audit.record(
            actor,
            "floating.inflow_confirmed",
            "floating_inflow",
            request.id,
            org_path=request.host_org.path,
            after={"record_id": record.id},
        )
    return record


async def decline_inflow(actor: Viewer, request_id: int, reason: str) -> FloatingInflow:
    """The home side declines (e.g. no such 活动证 was issued); the record stays untouched."""
    request = await _pending_inflow(actor, request_id)
    reason = " ".join(reason.split())
    if not reason:
        raise ActionError("请填写退回原因", field="reason")
    member = request.member
    assert member is not None  # noqa: S101 - _pending_inflow checked it
    async with in_transaction():
        await FloatingInflow.filter(id=request.id).update(
            state=InflowState.declined,
            decided_by_id=actor.user_id,
            decided_at=utcnow(),
            decline_reason=reason[:500],
        )
        for target, target_id, path in (
            ("floating_inflow", request.id, request.host_org.path),
            ("member", member.id, member.org.path),
        ):
            await audit.record(
                actor,
                "floating.inflow_declined",
                target,
                target_id,
                org_path=path,
                after={"request_id": request.id},
                reason=reason[:500],
            )
    return request


async def withdraw_inflow(actor: Viewer, request_id: int) -> FloatingInflow:
    """The host side takes back its own pending request."""
    request = (
        await FloatingInflow.filter(id=request_id, state=InflowState.pending)
        .select_related("host_org")
        .first()
    )
    if request is None:
        raise NotFound()
    ensure_visible(can_register_inflow(actor, request.host_org))
    async with in_transaction():
        await FloatingInflow.filter(id=request.id).update(
            state=InflowState.withdrawn, decided_by_id=actor.user_id, decided_at=utcnow()
        )
        await audit.record(
            actor,
            "floating.inflow_withdrawn",
            "floating_inflow",
            request.id,
            org_path=request.host_org.path,
        )
    return request


async def check_end_floating(actor: Viewer, record_id: int) -> FloatingRecord:
    """The active registration the actor may end (home or host side), else what refuses it:
    the page asks for confirmation only when the step can go ahead."""
    record = (
        await FloatingRecord.filter(id=record_id, ended_at__isnull=True)
        .select_related("member__org", "host_org")
        .first()
    )
    if record is None:
        raise NotFound()
    home_side = can_manage_floating(actor, record.member)
    host_side = record.host_org is not None and can_manage_org(actor, record.host_org)
    ensure_visible(home_side or host_side)
    return record


async def end_floating(actor: Viewer, record_id: int) -> FloatingRecord:
    record = await check_end_floating(actor, record_id)
    async with in_transaction():
        await FloatingRecord.filter(id=record.id).update(ended_at=utcnow())
        await Member.filter(id=record.member_id).update(floating=False, host_org_id=None)
        await do_record_change(
            actor, record.member_id, "floating", "结束流动", effective_on=today()
        )
        await audit.record(
            actor,
            "floating.ended",
            "member",
            record.member_id,
            org_path=record.member.org.path,
            after={"record_id": record.id},
        )
    return record


async def floating_lists(actor: Viewer) -> dict[str, list[Any]]:
    """Active registrations whose home or host org lies in the actor's admin scope, the
    inflow requests this scope sent (as the host sees them: the masked number it typed, a
    name only once confirmed) and those waiting for this scope's decision (home side)."""
    if actor.is_site_admin:
        clause = Q(id__gt=0)
        sent_clause = Q(id__gt=0)
        waiting_clause = Q(member__isnull=False)
    else:
        clause = Q(id=-1)
        sent_clause = Q(id=-1)
        waiting_clause = Q(id=-1)
        for path in actor.admin_paths:
            clause |= Q(member__org__path__startswith=path) | Q(host_org__path__startswith=path)
            sent_clause |= Q(host_org__path__startswith=path)
            waiting_clause |= Q(member__org__path__startswith=path)
    rows = (
        await FloatingRecord.filter(clause, ended_at__isnull=True)
        .select_related("member__org", "host_org")
        .order_by("-id")
        .limit(300)
    )
    paths = actor.admin_paths
    outgoing = [
        r
        for r in rows
        if actor.is_site_admin or any(r.member.org.path.startswith(p) for p in paths)
    ]
    incoming = [
        r
        for r in rows
        if r.host_org and (actor.is_site_admin or any(r.host_org.path.startswith(p) for p in paths))
    ]
    sent = (
        await FloatingInflow.filter(sent_clause)
        .exclude(state=InflowState.withdrawn)
        .select_related("host_org", "record__member")
        .order_by("-id")
        .limit(100)
    )
    waiting = (
        await FloatingInflow.filter(waiting_clause, state=InflowState.pending)
        .select_related("host_org", "member__org", "requested_by")
        .order_by("id")
        .limit(100)
    )
    return {"outgoing": outgoing, "incoming": incoming, "sent": sent, "waiting": waiting}
