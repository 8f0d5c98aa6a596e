"""Floating members (流动党员): out-flow (home side) and in-flow (host side) registration.

An active registration sets `Member.floating` and `host_org`, so the meetings part lists the
member in the host org's roll as a guest without voting rights (policy.can_vote_in).
"""

from __future__ import annotations

import datetime as dt

from tortoise.transactions import in_transaction

from forum import audit, crypto, idcard
from forum.clock import today, utcnow
from forum.errors import ActionError, NotFound
from forum.members.actions import do_record_change
from forum.members.fields import parse_date
from forum.members.models import FloatingDirection, FloatingRecord
from forum.models import Member, Org
from forum.policy import (
    Viewer,
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


async def register_inflow(
    actor: Viewer,
    host_org: Org,
    id_number: str,
    certificate: str,
    starts_on: str | dt.date | None,
    ends_on: str | dt.date | None,
) -> FloatingRecord:
    """The host side registers a member from elsewhere, found by ID number (keyed hash)."""
    ensure(can_register_inflow(actor, host_org))
    parsed = idcard.parse(id_number)
    member = (
        await Member.filter(id_number_hash=crypto.lookup_hash(parsed.value))
        .select_related("org")
        .first()
    )
    if member is None:
        raise ActionError("平台上没有该身份证号的党员档案，请核对", field="id_number")
    return await _register(
        actor,
        member,
        FloatingDirection.inflow,
        _certificate(certificate),
        host_org,
        "",
        _period(starts_on, ends_on),
        host_org,
    )


async def end_floating(actor: Viewer, record_id: int) -> FloatingRecord:
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


async def floating_lists(actor: Viewer) -> dict[str, list[FloatingRecord]]:
    """Active registrations whose home or host org lies in the actor's admin scope."""
    from tortoise.expressions import Q

    if actor.is_site_admin:
        clause = Q(id__gt=0)
    else:
        clause = Q(id=-1)
        for path in actor.admin_paths:
            clause |= Q(member__org__path__startswith=path) | Q(host_org__path__startswith=path)
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
    return {"outgoing": outgoing, "incoming": incoming}
