"""Writes on member records: create, edit, reveal the ID number. Each audited in its transaction.

Every change is also kept in `MemberChange` (who, when, before/after). ID numbers only ever
appear there in masked form.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from tortoise.transactions import in_transaction

from forum import audit, crypto, idcard, notifications
from forum.errors import ActionError
from forum.members import duplicates
from forum.members.fields import MILESTONES, RecordInput, clean_record
from forum.members.models import MemberChange
from forum.models import Member, Org
from forum.policy import (
    Viewer,
    can_create_member_in,
    can_edit_member,
    can_reveal_id_number,
    ensure,
)

EDITABLE_TEXTS = (
    "ethnicity",
    "native_place",
    "phone",
    "email",
    "education",
    "workplace",
    "position",
    "archive_location",
)


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def snapshot(member: Member) -> dict[str, Any]:
    """The record as history sees it: plain fields, the ID number masked."""
    data: dict[str, Any] = {
        "name": member.name,
        "sex": member.sex,
        "birth_date": _jsonable(member.birth_date),
        "id_number": member.id_number_hint,
        "status": str(member.status),
        "org_id": member.org_id,
        "group_id": member.group_id,
    }
    data.update({name: getattr(member, name) for name in EDITABLE_TEXTS})
    data.update({name: _jsonable(getattr(member, name)) for name, _ in MILESTONES})
    return data


def diff(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    keys = [k for k in after if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after[k] for k in keys}


async def do_record_change(
    actor: Viewer | None,
    member_id: int,
    kind: str,
    summary: str,
    *,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    effective_on: dt.date | None = None,
    vote_id: int | None = None,
) -> MemberChange:
    """Append to the record's history. Caller holds the transaction."""
    return await MemberChange.create(
        member_id=member_id,
        actor_id=actor.user_id if actor else None,
        actor_name=actor.username if actor else "",
        kind=kind,
        summary=summary[:200],
        before=before,
        after=after,
        effective_on=effective_on,
        vote_id=vote_id,
    )


async def check_unique_id(value: str, exclude_member_id: int | None = None) -> str:
    """Refuse a number held by any current record (edits, where the actor sees the record
    being edited; creates and imports go through `duplicates.check_id_for`)."""
    digest = crypto.lookup_hash(value)
    query = Member.filter(duplicates.current_records([digest]))
    if exclude_member_id is not None:
        query = query.exclude(id=exclude_member_id)
    if await query.exists():
        raise ActionError(duplicates.REFUSAL, field="id_number")
    return digest


async def resolve_group(org: Org, group_id: int | None) -> Org | None:
    if group_id is None:
        return None
    group = await Org.get_or_none(id=group_id)
    if group is None or str(group.kind) != "group" or group.parent_id != org.id:
        raise ActionError("党小组必须是所选支部下的党小组", field="group_id")
    return group


def id_fields(record: RecordInput) -> dict[str, Any]:
    value = record.id_number.value
    return {
        "id_number_encrypted": crypto.encrypt(value),
        "id_number_hint": idcard.mask(value),
        "sex": record.id_number.sex,
        "birth_date": record.id_number.birth_date,
    }


async def do_create_member(
    org: Org, record: RecordInput, group: Org | None = None, id_hash: str | None = None
) -> Member:
    """Unchecked insert (imports, demo). Caller holds the transaction and checked uniqueness."""
    values: dict[str, Any] = {**id_fields(record), **record.texts, **record.dates}
    return await Member.create(
        name=record.name,
        status=record.status,
        org=org,
        group=group,
        id_number_hash=id_hash or crypto.lookup_hash(record.id_number.value),
        **values,
    )


async def create_member(
    actor: Viewer, org: Org, data: dict[str, Any], group_id: int | None = None
) -> Member:
    ensure(can_create_member_in(actor, org))
    if not org.is_active:
        raise ActionError("该组织已撤销，不能录入党员", field="org_id")
    record = clean_record(data)
    group = await resolve_group(org, group_id)
    # A number held by a record the actor may not see is not refused (that would tell them
    # it exists): the record is written like any other and a duplicate case is opened above.
    digest, hidden = await duplicates.check_id_for(actor, record.id_number.value)
    async with in_transaction():
        member = await do_create_member(org, record, group, digest)
        member.org = org
        after = snapshot(member)
        await do_record_change(actor, member.id, "created", "建立档案", after=after)
        await audit.record(
            actor, "member.created", "member", member.id, org_path=org.path, after=after
        )
        sent = await duplicates.open_cases(actor, member, hidden)
    await notifications.announce(*sent)
    return member


async def update_member(
    actor: Viewer, member: Member, data: dict[str, Any], new_org: Org | None = None
) -> Member:
    """Edit the record. Status changes go through the development workflow, not here."""
    ensure(can_edit_member(actor, member))
    data = {**data, "status": str(member.status)}
    record = clean_record(data)
    org = member.org
    if new_org is not None and new_org.id != member.org_id:
        # A member changes branch only through 组织关系接转 (the letter and both sides'
        # records), never by an edit, whoever spans both orgs. Within the branch, the 党小组
        # below is chosen here.
        raise ActionError("调整所在支部须通过组织关系接转办理，请在档案页发起转接", field="org_id")
    group_raw = data.get("group_id")
    if group_raw not in (None, "") and not str(group_raw).isdigit():
        raise ActionError("党小组无效", field="group_id")
    group = await resolve_group(org, int(str(group_raw)) if group_raw else None)
    digest, hidden = await duplicates.check_id_for(
        actor, record.id_number.value, exclude_member_id=member.id
    )
    before = snapshot(member)
    old_hash = member.id_number_hash
    member.name = record.name
    for name, value in {**id_fields(record), **record.texts, **record.dates}.items():
        setattr(member, name, value)
    member.id_number_hash = digest
    member.org, member.group = org, group
    after = snapshot(member)
    if old_hash != digest and before["id_number"] == after["id_number"]:
        after["id_number"] = after["id_number"] + "（已更正）"
    if not diff(before, after)[1]:
        return member
    changed_before, changed_after = diff(before, after)
    async with in_transaction():
        await member.save()
        await do_record_change(
            actor, member.id, "updated", "修改档案", before=changed_before, after=changed_after
        )
        await audit.record(
            actor,
            "member.updated",
            "member",
            member.id,
            org_path=org.path,
            before=changed_before,
            after=changed_after,
        )
        # An edit that writes a number held by a record the actor may not see: as a create.
        sent = await duplicates.open_cases(actor, member, hidden) if old_hash != digest else []
    await notifications.announce(*sent)
    return member


def stored_id_number(member: Member) -> str:
    """The stored number, for re-validation when an edit keeps it (never shown)."""
    return crypto.decrypt(member.id_number_encrypted) if member.id_number_encrypted else ""


REVEAL_REASON_MAX = 200


async def reveal_id_number(actor: Viewer, member: Member, reason: str) -> str:
    """The full ID number, for an admin whose scope covers the member. Each reveal needs a
    reason (why the number is looked at), which the audit entry keeps."""
    ensure(can_reveal_id_number(actor, member))
    if not member.id_number_encrypted:
        raise ActionError("该档案未登记身份证号")
    reason = reason.strip()
    if not reason:
        raise ActionError("请填写查看原因（会记入操作日志）", field="reason")
    if len(reason) > REVEAL_REASON_MAX:  # kept whole in the audit: refused, never cut
        raise ActionError(f"查看原因不能超过 {REVEAL_REASON_MAX} 个字", field="reason")
    value = crypto.decrypt(member.id_number_encrypted)
    async with in_transaction():
        await audit.record(
            actor,
            "member.id_revealed",
            "member",
            member.id,
            org_path=member.org.path,
            after={"id_number": member.id_number_hint},
            reason=reason,
        )
    return value
