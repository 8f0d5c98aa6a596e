"""The Viewer and the organization / membership rules every other part builds on.

Scope rule (domain.md §1): an admin's scope is their org and everything below it, tested
with materialized paths (`/1/3/` covers `/1/3/7/` but never `/1/37/`).
"""

from __future__ import annotations

import functools
import operator
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from tortoise.expressions import Q

from forum.policy.decision import Decision, decide

if TYPE_CHECKING:
    from forum.models import Member, Org

__all__ = [
    "ADMIN_ROLES",
    "ANONYMOUS",
    "EVERYTHING",
    "NOTHING",
    "PUBLISHING_ROLES",
    "RoleGrant",
    "Viewer",
    "can_admin_site",
    "can_assign_role",
    "can_change_member_status",
    "can_create_child_org",
    "can_manage_org",
    "can_move_org",
    "can_reorder_org",
    "can_reveal_id_number",
    "can_see_member",
    "can_see_member_record",
    "can_see_org",
    "can_use_account",
    "can_vote_in",
    "has_voting_rights",
    "in_subtree",
    "managed_orgs",
    "relation_to",
    "under_paths",
]

# Roles that administer an org subtree (members, roles, child orgs).
ADMIN_ROLES = frozenset({"org_admin", "secretary", "deputy_secretary", "organization_member"})
# Roles that may draft and propose disclosure items for their org.
PUBLISHING_ROLES = frozenset({"publisher", "publicity_member", "secretary", "deputy_secretary"})


class HasPath(Protocol):
    path: str


@dataclass(frozen=True)
class RoleGrant:
    role: str
    org_id: int | None  # None: site-wide
    org_path: str | None


@dataclass(frozen=True)
class Viewer:
    """Everything the policy needs about the person asking, computed once per request."""

    user_id: int | None = None
    username: str = ""
    display_name: str = ""
    session_id: str | None = None
    member_id: int | None = None
    status: str = "public"
    org_id: int | None = None
    org_path: str | None = None  # the member's own org (branch, group, ...)
    home_path: str | None = None  # the member's "org tree" for seeing others (branch or above)
    on_probation_sanction: bool = False
    membership_suspended: bool = False
    floating: bool = False
    host_org_path: str | None = None
    roles: tuple[RoleGrant, ...] = ()
    board_moderator_ids: frozenset[int] = field(default_factory=frozenset)
    silenced: bool = False
    suspended: bool = False
    ip: str = ""  # where the request came from (for the audit log)
    unread_notifications: int = 0  # the bell's count when the viewer was loaded (no rule)

    @property
    def is_authenticated(self) -> bool:
        return self.user_id is not None

    @property
    def is_member(self) -> bool:
        return self.member_id is not None

    @property
    def is_site_admin(self) -> bool:
        return any(g.role == "site_admin" for g in self.roles)

    @property
    def is_site_moderator(self) -> bool:
        return any(g.role == "moderator" and g.org_id is None for g in self.roles)

    def role_paths(self, roles: frozenset[str]) -> tuple[str, ...]:
        """Org paths where the viewer holds any of `roles`."""
        return tuple(g.org_path for g in self.roles if g.role in roles and g.org_path)

    def has_role_over(self, roles: frozenset[str], path: str) -> bool:
        return any(in_subtree(path, root) for root in self.role_paths(roles))

    def holds_role_at(self, roles: frozenset[str], org_id: int) -> bool:
        return any(g.role in roles and g.org_id == org_id for g in self.roles)

    @property
    def admin_paths(self) -> tuple[str, ...]:
        return self.role_paths(ADMIN_ROLES)


ANONYMOUS = Viewer()


def in_subtree(path: str, root: str) -> bool:
    """True if `path` is `root` or lies below it (paths end with '/')."""
    return path.startswith(root)


# List filters (`visible_*`, `managed_*`) are the predicates as WHERE clauses on the rows the
# predicate would judge: the same rule, applied in SQL. A caller may skip the query when
# it gets `NOTHING` (compare by identity).
EVERYTHING = Q(id__gt=0)
NOTHING = Q(id__lt=0)


def under_paths(paths: Iterable[str], column: str = "path") -> Q:
    """Rows whose `column` (an org path) lies in any of the subtrees `paths`."""
    clauses = [Q(**{f"{column}__startswith": path}) for path in paths]
    return functools.reduce(operator.or_, clauses) if clauses else NOTHING


def relation_to(viewer_path: str | None, target_path: str) -> str:
    """Classify how a target org relates to the viewer's org (for tests and UI hints)."""
    if viewer_path is None:
        return "unrelated"
    if viewer_path == target_path:
        return "same"
    if target_path.startswith(viewer_path):
        return "descendant"
    if viewer_path.startswith(target_path):
        return "ancestor"
    viewer_parent = viewer_path.rstrip("/").rsplit("/", 1)[0] + "/"
    target_parent = target_path.rstrip("/").rsplit("/", 1)[0] + "/"
    return "sibling" if viewer_parent == target_parent else "unrelated"


def can_use_account(viewer: Viewer) -> Decision:
    """Account pages and actions: a signed-in viewer."""
    return decide(viewer.is_authenticated, "请先登录")


def can_admin_site(viewer: Viewer) -> bool:
    return viewer.is_site_admin and not viewer.suspended


def can_see_org(viewer: Viewer, org: Org) -> bool:
    """The tree of active orgs is public; deactivated orgs only to those who manage them."""
    return org.is_active or can_manage_org(viewer, org)


def can_manage_org(viewer: Viewer, org: HasPath) -> bool:
    """Rename, deactivate, create children, manage members and roles: subtree only."""
    if viewer.suspended:
        return False
    return can_admin_site(viewer) or viewer.has_role_over(ADMIN_ROLES, org.path)


def managed_orgs(viewer: Viewer) -> Q:
    """`can_manage_org` as a filter on `Org` rows (pickers of the orgs one administers)."""
    if can_admin_site(viewer):
        return EVERYTHING
    if viewer.suspended:
        return NOTHING
    return under_paths(viewer.admin_paths)


def can_create_child_org(viewer: Viewer, parent: Org | None) -> bool:
    if parent is None:
        return can_admin_site(viewer)
    return parent.is_active and can_manage_org(viewer, parent)


def can_move_org(viewer: Viewer, org: Org, new_parent: Org | None) -> bool:
    """Both the moved org and its destination must lie inside the viewer's scope.

    An org admin may not move the root of their own scope: that would carry the
    subtree out of the scope that granted the right.
    """
    if not can_manage_org(viewer, org):
        return False
    if not can_admin_site(viewer) and org.path in viewer.admin_paths:
        return False
    return can_create_child_org(viewer, new_parent)


def can_reorder_org(viewer: Viewer, org: HasPath, parent: Org | None) -> bool:
    """Moving an org among its siblings changes how the parent's subtree reads, so it is
    the parent's admins who decide (site admins for the top-level committees)."""
    if parent is None:
        return can_admin_site(viewer)
    return in_subtree(org.path, parent.path) and can_manage_org(viewer, parent)


def can_assign_role(viewer: Viewer, org: Org | None, role: str) -> bool:
    if org is None or role == "site_admin":
        return can_admin_site(viewer)
    return can_manage_org(viewer, org)


def can_see_member(viewer: Viewer, member: Member) -> bool:
    """The directory card (name, org, roles, public fields): own org tree, or admin scope."""
    path = member.org.path
    if can_see_member_record(viewer, member):
        return True
    if viewer.suspended or viewer.home_path is None:
        return False
    return viewer.member_id == member.id or in_subtree(path, viewer.home_path)


def can_see_member_record(viewer: Viewer, member: Member) -> bool:
    """The full record: only admins whose scope covers the member's org."""
    return can_manage_org(viewer, member.org) or (
        viewer.member_id is not None and viewer.member_id == member.id and not viewer.suspended
    )


def can_reveal_id_number(viewer: Viewer, member: Member) -> Decision:
    """Showing the full 身份证号 is an admin act (audited), never a self-service view."""
    return decide(
        can_manage_org(viewer, member.org), "只有管理该党员所在组织的管理员可以查看完整身份证号"
    )


def can_change_member_status(viewer: Viewer, member: Member) -> bool:
    return can_manage_org(viewer, member.org) and viewer.member_id != member.id


def has_voting_rights(viewer: Viewer) -> bool:
    """表决权: full members without 留党察看 / 停止党籍 (domain.md §2). Never from a role."""
    return (
        viewer.status == "full"
        and not viewer.on_probation_sanction
        and not viewer.membership_suspended
        and not viewer.suspended
    )


def can_vote_in(viewer: Viewer, org: HasPath) -> bool:
    """Vote in `org`'s meetings: voting rights and membership of that org (not as a guest).

    A floating member's home org keeps their vote; in the host org they are a guest.
    """
    if not has_voting_rights(viewer) or viewer.org_path is None:
        return False
    return in_subtree(viewer.org_path, org.path)
