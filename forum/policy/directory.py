"""Policy for the member directory and archives (电子档案): field visibility, workflows.

Members see the public card of members in their own org tree; admins of the subtree see
the full record; everyone else sees nothing (404). Revealing a full ID number is an admin
act inside that admin's scope. Transfers (组织关系接转) are in `forum.policy.transfers`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise.expressions import Q

from forum.policy.core import (
    EVERYTHING,
    NOTHING,
    HasPath,
    Viewer,
    can_manage_org,
    can_see_member,
    can_see_member_record,
    under_paths,
)
from forum.policy.discipline import can_record_discipline

if TYPE_CHECKING:
    from forum.models import Member

__all__ = [
    "MEMBER_FIELDS",
    "PUBLIC_MEMBER_FIELDS",
    "RECORD_MEMBER_FIELDS",
    "can_create_member_in",
    "can_decide_inflow",
    "can_edit_member",
    "can_export_members",
    "can_import_members",
    "can_manage_development",
    "can_manage_floating",
    "can_register_inflow",
    "can_resolve_duplicate",
    "can_see_member_changes",
    "can_see_member_field",
    "can_see_member_stats",
    "directory_scope_paths",
    "duplicate_case_paths",
    "id_number_visible",
    "visible_members",
]

# The directory card: what fellow members of the same org tree see.
PUBLIC_MEMBER_FIELDS = ("name", "org", "group", "roles", "status")
# Everything else on the record, in the record page's order (the ID number itself is shown
# masked unless revealed). The one list of member fields: the record page asks the policy
# about each of `MEMBER_FIELDS`.
RECORD_MEMBER_FIELDS = (
    "sex",
    "birth_date",
    "age",
    "ethnicity",
    "native_place",
    "id_number",
    "phone",
    "email",
    "education",
    "workplace",
    "position",
    "milestones",
    "development",
    "floating",
    "discipline",
    "archive_location",
    "transfers",
    "changes",
)
MEMBER_FIELDS = PUBLIC_MEMBER_FIELDS + RECORD_MEMBER_FIELDS


def directory_scope_paths(viewer: Viewer) -> tuple[str, ...] | None:
    """Org-path prefixes whose members the viewer may list; None = the whole tree."""
    if viewer.suspended:
        return ()
    if viewer.is_site_admin:
        return None
    paths = list(viewer.admin_paths)
    if viewer.home_path is not None:
        paths.append(viewer.home_path)
    return tuple(paths)


def visible_members(viewer: Viewer) -> Q:
    """The directory's rows (`Member`): the viewer's org tree and admin scope."""
    paths = directory_scope_paths(viewer)
    return EVERYTHING if paths is None else under_paths(paths, "org__path")


def can_see_member_field(viewer: Viewer, member: Member, field: str) -> bool:
    """Field-level visibility (domain.md §8): the card to the org tree, the rest to admins."""
    if field in PUBLIC_MEMBER_FIELDS:
        return can_see_member(viewer, member)
    if field not in RECORD_MEMBER_FIELDS:
        return False
    if field == "changes":
        return can_see_member_changes(viewer, member)
    if field == "discipline" and can_record_discipline(viewer, member):
        return True  # the discipline member sees what they record, not the rest
    return can_see_member_record(viewer, member)


def can_see_member_changes(viewer: Viewer, member: Member) -> bool:
    """The full change history (who changed what) is for admins of the member's scope."""
    return can_manage_org(viewer, member.org)


def can_edit_member(viewer: Viewer, member: Member) -> bool:
    return can_manage_org(viewer, member.org)


def can_create_member_in(viewer: Viewer, org: HasPath) -> bool:
    return can_manage_org(viewer, org)


def can_import_members(viewer: Viewer, org: HasPath) -> bool:
    return can_manage_org(viewer, org)


def can_export_members(viewer: Viewer, org: HasPath) -> bool:
    return can_manage_org(viewer, org)


def can_see_member_stats(viewer: Viewer, org: HasPath) -> bool:
    return can_manage_org(viewer, org)


def can_manage_development(viewer: Viewer, member: Member) -> bool:
    """Development steps, introducers, reviews: admins of the scope, never on oneself."""
    return can_manage_org(viewer, member.org) and viewer.member_id != member.id


def can_manage_floating(viewer: Viewer, member: Member) -> bool:
    """Out-flow registration belongs to the home side."""
    return can_manage_org(viewer, member.org)


def can_register_inflow(viewer: Viewer, host_org: HasPath) -> bool:
    """In-flow registration belongs to the host side (the member may be outside its scope).
    The host only asks: the home side decides (`can_decide_inflow`)."""
    return can_manage_org(viewer, host_org)


def can_decide_inflow(viewer: Viewer, member: Member) -> bool:
    """The member's home side, which issued the 活动证, confirms or declines an inflow."""
    return can_manage_floating(viewer, member)


def id_number_visible(viewer: Viewer, existing: Member) -> bool:
    """Whether a create or import may say "this number is already registered" about
    `existing`: only to someone who may see that record. Anyone else gets the same answer as
    for a new number, and a duplicate case goes to the orgs above both records."""
    return can_see_member_record(viewer, existing)


def can_resolve_duplicate(viewer: Viewer, case_org: HasPath | None) -> bool:
    """A duplicate case is for the lowest org above both records (its admins, or those of an
    org above it); with no common org, for the site admin."""
    if viewer.suspended:
        return False
    if case_org is None:
        return viewer.is_site_admin
    return can_manage_org(viewer, case_org)


def duplicate_case_paths(viewer: Viewer) -> Q:
    """`can_resolve_duplicate` as a filter on `DuplicateCase` rows."""
    if viewer.suspended:
        return NOTHING
    if viewer.is_site_admin:
        return EVERYTHING
    if not viewer.admin_paths:
        return NOTHING
    return under_paths(viewer.admin_paths, "org__path")
