"""Kernel reads over the core models: the organization tree, org pages, users by name and an
account's own profile. Every part may use them; the orgs part adds the tree's administration."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tortoise.functions import Count

from forum.errors import NotFound
from forum.models import Member, Org, OrgRole, User
from forum.policy import Viewer, can_assign_role, can_manage_org, can_see_org, ensure_visible

MEMBER_PAGE_SIZE = 50


@dataclass
class OrgNode:
    org: Org
    children: list[OrgNode] = field(default_factory=list)


async def get_org_for(viewer: Viewer, org_id: int) -> Org:
    org = await Org.get_or_none(id=org_id)
    if org is None:
        raise NotFound()
    ensure_visible(can_see_org(viewer, org))
    return org


async def org_tree(viewer: Viewer, root: Org | None = None) -> list[OrgNode]:
    """The visible tree (or a subtree) as nested nodes, siblings in their `sort_order`."""
    query = Org.all() if root is None else Org.filter(path__startswith=root.path)
    orgs = [o for o in await query.order_by("depth", "sort_order", "id") if can_see_org(viewer, o)]
    nodes = {o.id: OrgNode(o) for o in orgs}
    roots: list[OrgNode] = []
    for org in orgs:
        parent = nodes.get(org.parent_id) if org.parent_id is not None else None
        if parent is not None and (root is None or org.id != root.id):
            parent.children.append(nodes[org.id])
        else:
            roots.append(nodes[org.id])
    return roots


async def ancestors(org: Org) -> list[Org]:
    ids = org.ancestor_ids[:-1]
    if not ids:
        return []
    by_id = {o.id: o for o in await Org.filter(id__in=ids)}
    return [by_id[i] for i in ids if i in by_id]


async def status_counts(org: Org) -> dict[str, int]:
    """Members in the subtree by status, computed live with one grouped query."""
    rows = (
        await Member.filter(org__path__startswith=org.path)
        .annotate(n=Count("id"))
        .group_by("status")
        .values("status", "n")
    )
    return {str(r["status"]): int(r["n"]) for r in rows}


async def current_roles(org: Org) -> list[OrgRole]:
    return (
        await OrgRole.filter(org_id=org.id, ended_at__isnull=True)
        .select_related("user")
        .order_by("role", "id")
    )


async def org_page(viewer: Viewer, org: Org) -> dict[str, Any]:
    children = await Org.filter(parent_id=org.id, is_active=True).order_by("sort_order", "id")
    return {
        "org": org,
        "ancestors": await ancestors(org),
        "children": children,
        "roles": await current_roles(org),
        "counts": await status_counts(org),
        "manageable": can_manage_org(viewer, org),
    }


async def subtree_members(
    org: Org, *, status: str | None = None, after: int | None = None, limit: int = MEMBER_PAGE_SIZE
) -> tuple[list[Member], int | None]:
    """One keyset page of members in `org`'s subtree, with org and account prefetched."""
    query = Member.filter(org__path__startswith=org.path)
    if status:
        query = query.filter(status=status)
    if after is not None:
        query = query.filter(id__gt=after)
    rows = await query.order_by("id").limit(limit + 1).select_related("org", "group", "user")
    next_cursor = rows[limit - 1].id if len(rows) > limit else None
    return rows[:limit], next_cursor


async def role_history(org: Org, limit: int = 50) -> list[OrgRole]:
    return (
        await OrgRole.filter(org_id=org.id, ended_at__isnull=False)
        .select_related("user")
        .order_by("-ended_at")
        .limit(limit)
    )


async def find_user(username: str) -> User | None:
    return await User.filter(username__iexact=username.strip()).first()


async def role_grant_for(viewer: Viewer, role_id: int) -> tuple[OrgRole, User]:
    """A role grant and its holder, for someone who may end it (else 404: the same answer
    for a grant that does not exist and one the viewer may not touch)."""
    grant = await OrgRole.get_or_none(id=role_id).select_related("user", "org")
    if grant is None or not can_assign_role(viewer, grant.org, str(grant.role)):
        raise NotFound()
    return grant, grant.user


async def profile_context(viewer: Viewer) -> dict[str, Any]:
    if viewer.user_id is None:
        raise NotFound()
    user = await User.get(id=viewer.user_id)
    member = await Member.filter(user_id=user.id).select_related("org", "group").first()
    roles = await OrgRole.filter(user_id=user.id, ended_at__isnull=True).select_related("org")
    return {"user": user, "member": member, "roles": roles}
