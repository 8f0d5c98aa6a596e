"""Writes on the organization tree and org roles. Every one is audited in its transaction."""

from __future__ import annotations

from tortoise.expressions import F
from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from forum import audit
from forum.clock import utcnow
from forum.errors import ActionError
from forum.http import storable
from forum.models import (
    ORG_CHILD_KINDS,
    ORG_KIND_LABELS,
    ORG_KIND_RANK,
    ROLE_LABELS,
    SITE_ROLES,
    Member,
    Org,
    OrgRole,
    User,
)
from forum.policy import (
    Viewer,
    can_assign_role,
    can_create_child_org,
    can_manage_org,
    can_move_org,
    can_reorder_org,
    ensure,
    in_subtree,
)

MAX_ORG_NAME = 64
MEMBER_ONLY_ROLES = frozenset(
    {
        "secretary",
        "deputy_secretary",
        "organization_member",
        "publicity_member",
        "discipline_member",
        "group_leader",
    }
)


def clean_org_name(raw: str) -> str:
    name = " ".join(raw.split())
    if not name:
        raise ActionError("请填写组织名称", field="name")
    if len(name) > MAX_ORG_NAME:
        raise ActionError(f"组织名称不能超过 {MAX_ORG_NAME} 个字符", field="name")
    # Forms and JSON are checked at the door; the CLI and scripts call this directly.
    if not storable(name):
        raise ActionError("组织名称包含无效字符", field="name")
    return name


def check_kind(parent: Org | None, kind: str) -> None:
    if kind not in ORG_KIND_LABELS:
        raise ActionError("未知的组织类型", field="kind")
    allowed = ORG_CHILD_KINDS[str(parent.kind) if parent else None]
    if kind not in allowed:
        where = f"{parent.kind_label}「{parent.name}」下" if parent else "最顶层"
        raise ActionError(f"{where}不能设立{ORG_KIND_LABELS[kind]}", field="kind")


async def create_org(actor: Viewer, parent: Org | None, name: str, kind: str) -> Org:
    ensure(can_create_child_org(actor, parent))
    name = clean_org_name(name)
    check_kind(parent, kind)
    async with in_transaction():
        org = await do_create_org(parent, name, kind)
        await audit.record(
            actor,
            "org.created",
            "org",
            org.id,
            org_path=org.path,
            after={"name": name, "kind": kind, "parent_id": parent.id if parent else None},
        )
    return org


async def do_create_org(parent: Org | None, name: str, kind: str) -> Org:
    """Unchecked insert (demo data, imports). Caller holds a transaction."""
    if parent is not None and await Org.filter(parent_id=parent.id, name=name).exists():
        raise ActionError(f"「{parent.name}」下已有同名组织", field="name")
    org = await Org.create(
        name=name,
        kind=kind,
        parent=parent,
        path="/pending/",
        depth=parent.depth + 1 if parent else 0,
        sort_order=await _open_place(parent.id if parent else None, kind),
    )
    org.path = f"{parent.path if parent else '/'}{org.id}/"
    await org.save(update_fields=["path"])
    return org


def _siblings(parent_id: int | None) -> QuerySet[Org]:
    return Org.filter(parent_id=parent_id) if parent_id else Org.filter(parent_id__isnull=True)


async def _open_place(parent_id: int | None, kind: str) -> int:
    """The default place of a new child: after the last sibling of the same or an earlier
    kind (ORG_KIND_RANK), so a new 党总支 lands before the 党支部; later siblings move
    down by one. Caller holds a transaction."""
    rank = ORG_KIND_RANK[kind]
    siblings = await _siblings(parent_id).values_list("sort_order", "kind")
    earlier = [int(order) for order, k in siblings if ORG_KIND_RANK[str(k)] <= rank]  # type: ignore[misc]
    place = max(earlier) + 1 if earlier else 0
    await _siblings(parent_id).filter(sort_order__gte=place).update(sort_order=F("sort_order") + 1)
    return place


async def reorder_org(actor: Viewer, org: Org, direction: str) -> int:
    """Move `org` one place up or down among its siblings; returns its new place (from 0).

    The siblings are renumbered 0..n-1 in the new order, so ties and gaps left by moves and
    deactivations disappear."""
    parent = await Org.get_or_none(id=org.parent_id) if org.parent_id else None
    ensure(can_reorder_org(actor, org, parent))
    if direction not in {"up", "down"}:
        raise ActionError("请选择上移或下移", field="direction")
    async with in_transaction():
        siblings = (
            await _siblings(org.parent_id)
            .filter(is_active=True)
            .order_by("sort_order", "id")
            .select_for_update(no_key=True)
        )
        index = next((i for i, s in enumerate(siblings) if s.id == org.id), None)
        if index is None:
            raise ActionError("已撤销的组织不参与排序")
        target = index - 1 if direction == "up" else index + 1
        if not 0 <= target < len(siblings):
            raise ActionError("已经排在最前" if direction == "up" else "已经排在最后")
        siblings[index], siblings[target] = siblings[target], siblings[index]
        for place, sibling in enumerate(siblings):
            sibling.sort_order = place
        await Org.bulk_update(siblings, fields=["sort_order"], batch_size=500)
        await audit.record(
            actor,
            "org.reordered",
            "org",
            org.id,
            org_path=org.path,
            before={"place": index + 1},
            after={"place": target + 1, "direction": direction},
        )
    return target


async def rename_org(actor: Viewer, org: Org, name: str) -> Org:
    ensure(can_manage_org(actor, org))
    name = clean_org_name(name)
    if name == org.name:
        return org
    if (
        org.parent_id
        and await Org.filter(parent_id=org.parent_id, name=name).exclude(id=org.id).exists()
    ):
        raise ActionError("同一上级组织下已有同名组织", field="name")
    async with in_transaction():
        before = org.name
        await Org.filter(id=org.id).update(name=name)
        await audit.record(
            actor,
            "org.renamed",
            "org",
            org.id,
            org_path=org.path,
            before={"name": before},
            after={"name": name},
        )
    org.name = name
    return org


async def move_org(actor: Viewer, org: Org, new_parent: Org) -> Org:
    """Re-parent `org`; the paths of its whole subtree change in one transaction."""
    ensure(can_move_org(actor, org, new_parent))
    if in_subtree(new_parent.path, org.path):
        raise ActionError("不能把组织移动到它自己或它的下级组织之下", field="parent")
    if new_parent.id == org.parent_id:
        raise ActionError("该组织已在所选上级组织之下", field="parent")
    check_kind(new_parent, str(org.kind))
    if await Org.filter(parent_id=new_parent.id, name=org.name).exists():
        raise ActionError(f"「{new_parent.name}」下已有同名组织", field="parent")
    old_prefix, new_prefix = org.path, f"{new_parent.path}{org.id}/"
    depth_delta = new_parent.depth + 1 - org.depth
    async with in_transaction():
        subtree = await Org.filter(path__startswith=old_prefix).select_for_update(no_key=True)
        for node in subtree:
            node.path = new_prefix + node.path[len(old_prefix) :]
            node.depth += depth_delta
        await Org.bulk_update(subtree, fields=["path", "depth"], batch_size=500)
        place = await _open_place(new_parent.id, str(org.kind))
        await Org.filter(id=org.id).update(parent_id=new_parent.id, sort_order=place)
        await audit.record(
            actor,
            "org.moved",
            "org",
            org.id,
            org_path=new_prefix,
            before={"parent_id": org.parent_id, "path": old_prefix},
            after={"parent_id": new_parent.id, "path": new_prefix},
        )
    return await Org.get(id=org.id)


async def check_deactivate_org(actor: Viewer, org: Org) -> None:
    """Raises what would refuse the step, so the page asks for confirmation only when the
    step can go ahead."""
    ensure(can_manage_org(actor, org))
    if not org.is_active:
        raise ActionError("该组织已撤销")
    if await Org.filter(parent_id=org.id, is_active=True).exists():
        raise ActionError("请先撤销或移走其下级组织")
    if await Member.filter(org_id=org.id).exists() or await Member.filter(group_id=org.id).exists():
        raise ActionError("该组织仍有党员，请先办理组织关系转接")


async def deactivate_org(actor: Viewer, org: Org, reason: str) -> Org:
    await check_deactivate_org(actor, org)
    async with in_transaction():
        await Org.filter(id=org.id).update(is_active=False)
        await OrgRole.filter(org_id=org.id, ended_at__isnull=True).update(ended_at=utcnow())
        await audit.record(
            actor, "org.deactivated", "org", org.id, org_path=org.path, reason=reason[:500]
        )
    org.is_active = False
    return org


async def assign_role(actor: Viewer, org: Org | None, user: User, role: str) -> OrgRole:
    ensure(can_assign_role(actor, org, role))
    # Checked before any query: the role column is an enum, and filtering on a name outside
    # it raised ValueError (a 500).
    if role not in ROLE_LABELS:
        raise ActionError("请选择有效的职务", field="role")
    if role not in {"site_admin", "moderator"} and org is None:
        raise ActionError("该职务必须属于某个组织", field="role")
    if role == "site_admin" and org is not None:
        raise ActionError("站点管理员是全站职务，不属于某个组织", field="role")
    if role in MEMBER_ONLY_ROLES and org is not None:
        member = await Member.filter(user_id=user.id).select_related("org").first()
        if member is None or not in_subtree(member.org.path, org.path):
            raise ActionError("组织职务只能由本组织的党员担任", field="username")
    if await OrgRole.filter(
        user_id=user.id, org_id=org.id if org else None, role=role, ended_at__isnull=True
    ).exists():
        raise ActionError("该用户已担任此职务", field="role")
    async with in_transaction():
        grant = await OrgRole.create(user=user, org=org, role=role, granted_by_id=actor.user_id)
        await audit.record(
            actor,
            "role.granted",
            "user",
            user.id,
            org_path=org.path if org else "",
            after={"role": role, "org_id": org.id if org else None},
        )
    return grant


async def end_role(actor: Viewer, grant: OrgRole, reason: str = "") -> None:
    org = await Org.get_or_none(id=grant.org_id) if grant.org_id else None
    ensure(can_assign_role(actor, org, str(grant.role)))
    if grant.ended_at is not None:
        raise ActionError("该职务已经结束")
    if grant.user_id == actor.user_id and str(grant.role) in SITE_ROLES | {"org_admin"}:
        raise ActionError("不能解除自己的管理职务，请由其他管理员操作")
    async with in_transaction():
        await OrgRole.filter(id=grant.id).update(ended_at=utcnow())
        await audit.record(
            actor,
            "role.ended",
            "user",
            grant.user_id,
            org_path=org.path if org else "",
            before={"role": str(grant.role), "org_id": grant.org_id},
            reason=reason[:500],
        )
