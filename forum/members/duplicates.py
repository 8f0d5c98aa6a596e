"""Duplicate ID numbers without telling the creator (重复档案核查).

Creating or importing a record with an ID number that is already registered answers exactly
as for a new number when the existing record is one the actor may not see
(`policy.id_number_visible`): the record is written and a `DuplicateCase` is opened for the
lowest org above both records (the site admin when they share none). Only that org (and the
orgs above it) sees the case, on `/members/duplicates` and in 我的待办, and resolves it:

- **merge**: one record is kept, the other is marked 重复档案 (`Member.duplicate_of`); both
  stay with their history, nothing is deleted;
- **dismiss**: checked, two different people (a note says why).

When the actor may see the existing record the create is refused at the field, as before.
Opening is audited where the case lives; a resolution on both records' sides.
"""

from __future__ import annotations

from collections.abc import Sequence

from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from forum import audit, crypto, notifications
from forum.clock import utcnow
from forum.errors import ActionError, NotFound
from forum.members.models import DuplicateCase, DuplicateState, MemberChange
from forum.models import Member, Org, OrgRole
from forum.notifications import Announcement, NotificationKind
from forum.policy import (
    ADMIN_ROLES,
    Viewer,
    can_resolve_duplicate,
    duplicate_case_paths,
    ensure,
    ensure_visible,
    id_number_visible,
)
from forum.todo import EMPTY, TodoBatch, TodoItem, TodoSource

NOTIFICATION_KIND = NotificationKind("member.duplicate", "疑似重复的党员档案", "组织关系")
NOTE_MAX = 200
REFUSAL = "该身份证号已登记在其他党员档案中，请勿重复录入"
PER_PAGE = 50


def current_records(digests: Sequence[str]) -> Q:
    """The records that hold these numbers: a record merged away (重复档案) no longer does."""
    return Q(id_number_hash__in=list(digests), duplicate_of_id__isnull=True)


async def holder_of(digest: str) -> Member | None:
    """The one record a number stands for (floating inflows): the first registered of the
    records not marked 重复档案."""
    return (
        await Member.filter(current_records([digest])).select_related("org").order_by("id").first()
    )


async def existing_for(
    actor: Viewer, digests: Sequence[str], exclude_member_id: int | None = None
) -> tuple[set[str], dict[str, list[Member]]]:
    """(numbers the actor may be told are registered, hidden holders by number)."""
    visible: set[str] = set()
    hidden: dict[str, list[Member]] = {}
    for start in range(0, len(digests), 500):
        query = Member.filter(current_records(digests[start : start + 500]))
        if exclude_member_id is not None:
            query = query.exclude(id=exclude_member_id)
        for member in await query.select_related("org").order_by("id"):
            digest = str(member.id_number_hash)
            if id_number_visible(actor, member):
                visible.add(digest)
            else:
                hidden.setdefault(digest, []).append(member)
    return visible, {d: ms for d, ms in hidden.items() if d not in visible}


async def check_id_for(
    actor: Viewer, value: str, exclude_member_id: int | None = None
) -> tuple[str, list[Member]]:
    """The number's hash and the hidden records holding it; refuses at the field when the
    actor may see a record that holds it."""
    digest = crypto.lookup_hash(value)
    visible, hidden = await existing_for(actor, [digest], exclude_member_id)
    if visible:
        raise ActionError(REFUSAL, field="id_number")
    return digest, hidden.get(digest, [])


async def common_org(a: Org, b: Org) -> Org | None:
    """The lowest org that is an ancestor of (or is) both orgs."""
    common: list[int] = []
    for x, y in zip(a.ancestor_ids, b.ancestor_ids, strict=False):
        if x != y:
            break
        common.append(x)
    return await Org.get_or_none(id=common[-1]) if common else None


async def _leaders(org: Org | None) -> list[int]:
    if org is None:
        rows = await OrgRole.filter(
            org_id__isnull=True, role="site_admin", ended_at__isnull=True
        ).values_list("user_id", flat=True)
    else:
        rows = await OrgRole.filter(
            org_id=org.id, role__in=sorted(ADMIN_ROLES), ended_at__isnull=True
        ).values_list("user_id", flat=True)
    return sorted({int(str(r)) for r in rows})


async def open_cases(actor: Viewer, member: Member, hidden: Sequence[Member]) -> list[Announcement]:
    """Open one case per hidden holder. Caller holds the transaction; send the result after."""
    sent: list[Announcement] = []
    new_org = await Org.get(id=member.org_id)
    for existing in hidden:
        org = await common_org(new_org, existing.org)
        case = await DuplicateCase.create(member_id=member.id, existing_id=existing.id, org=org)
        await audit.record(
            actor,
            "member.duplicate_opened",
            "duplicate_case",
            case.id,
            org_path=org.path if org else "",
            after={"member_id": member.id, "existing_id": existing.id, "org_id": case.org_id},
        )
        sent.append(
            await notifications.notify(
                await _leaders(org),
                NOTIFICATION_KIND.key,
                text=f"{member.name}：新建档案的身份证号与已有档案相同，请核查",
                title=member.name,
                url=f"/members/duplicates/{case.id}",
                actor_id=actor.user_id,
                subject=f"duplicate_case:{case.id}",
            )
        )
    return sent


async def cases_for(
    viewer: Viewer, *, state: str = "open", after_id: int | None = None
) -> list[DuplicateCase]:
    scope = duplicate_case_paths(viewer)
    query = DuplicateCase.filter(scope, state=state)
    if after_id is not None:
        query = query.filter(id__gt=after_id)
    return (
        await query.select_related("member__org", "existing__org", "org")
        .order_by("id")
        .limit(PER_PAGE)
    )


async def get_case_for(viewer: Viewer, case_id: int) -> DuplicateCase:
    case = (
        await DuplicateCase.filter(id=case_id)
        .select_related("member__org", "existing__org", "org")
        .first()
    )
    if case is None:
        raise NotFound()
    ensure_visible(can_resolve_duplicate(viewer, case.org))
    return case


def _open(case: DuplicateCase) -> None:
    if str(case.state) != "open":
        raise ActionError("该核查已处理")


def _note(raw: str, *, required: bool) -> str:
    note = " ".join(str(raw or "").split())
    if required and not note:
        raise ActionError("请写明核查结论（为何不是同一人）", field="note")
    if len(note) > NOTE_MAX:
        raise ActionError(f"说明不能超过 {NOTE_MAX} 个字", field="note")
    return note


def check_merge(case: DuplicateCase, keep_raw: str, note: str) -> tuple[Member, Member, str]:
    """(kept, marked 重复档案, note) or a refusal at the field."""
    _open(case)
    keep = str(keep_raw or "").strip()
    if keep not in {str(case.member_id), str(case.existing_id)}:
        raise ActionError("请选择要保留的档案", field="keep")
    if keep == str(case.member_id):
        kept, other = case.member, case.existing
    else:
        kept, other = case.existing, case.member
    return kept, other, _note(note, required=False)


async def _resolved_audit(
    actor: Viewer, action: str, case: DuplicateCase, after: dict[str, object]
) -> None:
    """Audited on both records' sides (and where the case lives)."""
    paths = {case.member.org.path, case.existing.org.path, case.org.path if case.org else ""}
    for path in sorted(paths):
        await audit.record(actor, action, "duplicate_case", case.id, org_path=path, after=after)


async def merge(actor: Viewer, case: DuplicateCase, keep: str, note: str = "") -> DuplicateCase:
    ensure(can_resolve_duplicate(actor, case.org))
    kept, other, note = check_merge(case, keep, note)
    async with in_transaction():
        # Re-read under the transaction: a concurrent resolution loses.
        if not await DuplicateCase.filter(id=case.id, state="open").update(
            state=DuplicateState.merged,
            kept_id=kept.id,
            note=note,
            resolved_by_id=actor.user_id,
            resolved_at=utcnow(),
        ):
            raise ActionError("该核查已处理")
        await Member.filter(id=other.id).update(duplicate_of_id=kept.id)
        for member, summary in (
            (other, f"核查为重复档案，保留档案 {kept.id}"),
            (kept, f"核查合并：档案 {other.id} 标记为重复档案"),
        ):
            await MemberChange.create(
                member_id=member.id,
                actor_id=actor.user_id,
                actor_name=actor.username,
                kind="duplicate",
                summary=summary,
                after={"duplicate_of": kept.id} if member is other else None,
            )
        await _resolved_audit(
            actor,
            "member.duplicate_merged",
            case,
            {"kept_id": kept.id, "duplicate_id": other.id, "note": note},
        )
    case.state, case.kept_id, case.note = DuplicateState.merged, kept.id, note
    return case


async def dismiss(actor: Viewer, case: DuplicateCase, note: str) -> DuplicateCase:
    ensure(can_resolve_duplicate(actor, case.org))
    _open(case)
    note = _note(note, required=True)
    async with in_transaction():
        if not await DuplicateCase.filter(id=case.id, state="open").update(
            state=DuplicateState.dismissed,
            note=note,
            resolved_by_id=actor.user_id,
            resolved_at=utcnow(),
        ):
            raise ActionError("该核查已处理")
        await _resolved_audit(
            actor,
            "member.duplicate_dismissed",
            case,
            {"member_id": case.member_id, "existing_id": case.existing_id, "note": note},
        )
    case.state, case.note = DuplicateState.dismissed, note
    return case


def as_json(case: DuplicateCase) -> dict[str, object]:
    def side(m: Member) -> dict[str, object]:
        return {
            "id": m.id,
            "name": m.name,
            "org": m.org.name,
            "id_number": m.id_number_hint,
            "status": str(m.status),
        }

    return {
        "id": case.id,
        "state": str(case.state),
        "org_id": case.org_id,
        "member": side(case.member),
        "existing": side(case.existing),
        "kept_id": case.kept_id,
        "note": case.note,
        "created_at": case.created_at.isoformat(),
    }


async def load_todo(viewer: Viewer, limit: int) -> TodoBatch:
    if viewer.suspended or not (viewer.admin_paths or viewer.is_site_admin):
        return EMPTY
    query = DuplicateCase.filter(duplicate_case_paths(viewer), state="open")
    count = await query.count()
    if not count or not limit:
        return TodoBatch(count)
    rows = await query.select_related("member__org", "existing__org").order_by("id").limit(limit)
    items = tuple(
        TodoItem(
            title=f"核查疑似重复档案：{c.member.name}",
            href=f"/members/duplicates/{c.id}",
            detail=f"{c.member.org.name} / {c.existing.org.name}",
        )
        for c in rows
    )
    return TodoBatch(count, items, more_href="/members/duplicates")


TODO = TodoSource("members.duplicates", order=44, label="疑似重复档案", load=load_todo)
