"""Party-affairs disclosure (党务公开): who drafts, reviews, approves, publishes and reads.

The authority rule "有限授权、分级发布" (domain.md §4): an org approves items whose scope stays
inside its own subtree; a wider scope (public, all members, or targets outside the subtree)
goes to the superior committee (the first committee above the org). A group decides
nothing, so its subtree items go to its branch. A top-level committee has no superior on
the platform and approves its own items.

Visibility (listed states are published and withdrawn, from `publish_from` on):
- public: everyone, anonymous visitors included
- all_members: every Party member (probationary or full, membership not suspended)
- org_subtree: Party members whose org lies in the issuing org's subtree
- targeted: named people, and Party members inside a named org's subtree
The issuing org's publishing, reviewing and approving roles see every state of its items;
the approving org's leaders see an item once it is routed to them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from tortoise.expressions import Q

from forum.clock import utcnow
from forum.policy.core import (
    NOTHING,
    PUBLISHING_ROLES,
    Viewer,
    can_admin_site,
    in_subtree,
    under_paths,
)

__all__ = [
    "APPROVER_ROLES",
    "LISTED_STATES",
    "MEMBER_SCOPES",
    "REVIEWER_ROLES",
    "OrgRef",
    "Visibility",
    "WorkFilters",
    "approval_org_for",
    "can_answer_feedback",
    "can_approve_disclosure",
    "can_correct_disclosure",
    "can_draft_disclosure_for",
    "can_edit_disclosure",
    "can_leave_feedback",
    "can_manage_disclosure_catalogue",
    "can_propose_disclosure",
    "can_publish_disclosure",
    "can_reject_disclosure",
    "can_review_disclosure",
    "can_see_disclosure",
    "can_see_disclosure_receipts",
    "can_see_disclosure_workflow",
    "can_see_member_disclosures",
    "can_withdraw_disclosure",
    "can_work_on_disclosures",
    "disclosure_draft_orgs",
    "disclosure_visibility",
    "disclosure_work_filters",
    "is_party_member",
    "scope_inside",
    "viewer_ancestor_ids",
]

# 审批: the org's leaders. 审核 (secrecy review): leaders and the committee members who
# check content. 提出/发布: PUBLISHING_ROLES from core (publisher, publicity member, leaders).
APPROVER_ROLES = frozenset({"secretary", "deputy_secretary"})
REVIEWER_ROLES = frozenset(
    {"secretary", "deputy_secretary", "discipline_member", "organization_member"}
)
ORG_STAFF_ROLES = PUBLISHING_ROLES | REVIEWER_ROLES | APPROVER_ROLES
LISTED_STATES = frozenset({"published", "withdrawn"})
MEMBER_SCOPES = frozenset({"all_members", "org_subtree", "targeted"})
PARTY_STATUSES = frozenset({"probationary", "full"})
APPROVING_KINDS = frozenset({"committee", "general_branch", "branch"})


class OrgRef(Protocol):
    @property
    def id(self) -> int: ...
    @property
    def path(self) -> str: ...
    @property
    def kind(self) -> str: ...


class DisclosureLike(Protocol):
    """What the predicates read; `Disclosure` provides it with org and targets loaded."""

    @property
    def state(self) -> str: ...
    @property
    def scope(self) -> str: ...
    @property
    def publish_from(self) -> dt.datetime: ...
    @property
    def until(self) -> dt.datetime | None: ...
    @property
    def created_by_id(self) -> int: ...
    @property
    def proposed_by_id(self) -> int | None: ...
    @property
    def org_path(self) -> str: ...
    @property
    def approver_org_path(self) -> str | None: ...
    @property
    def target_org_ids(self) -> list[int]: ...
    @property
    def target_user_ids(self) -> list[int]: ...


@dataclass(frozen=True)
class Visibility:
    """Query-level facts for listing what a viewer may read (see `transparency.queries`)."""

    scopes_everywhere: frozenset[str]  # scopes visible regardless of org
    subtree_ancestor_ids: tuple[int, ...]  # org_subtree items of these orgs are visible
    target_org_ids: tuple[int, ...]  # targeted items naming one of these orgs
    user_id: int | None  # targeted items naming this person
    staff_paths: tuple[str, ...]  # the viewer's staff orgs: every listed item there
    everything: bool = False  # site admins


def _now() -> dt.datetime:
    return utcnow()


def is_party_member(viewer: Viewer) -> bool:
    return (
        viewer.member_id is not None
        and viewer.status in PARTY_STATUSES
        and not viewer.membership_suspended
        and not viewer.suspended
    )


def can_see_member_disclosures(viewer: Viewer) -> bool:
    """Items published to party members (在全党公开, 本单位公开): the 仅面向党员 view."""
    return is_party_member(viewer)


def viewer_ancestor_ids(viewer: Viewer) -> tuple[int, ...]:
    """Ids of the viewer's org and every org above it (from the materialized path)."""
    if viewer.org_path is None:
        return ()
    return tuple(int(p) for p in viewer.org_path.strip("/").split("/") if p)


def scope_inside(org_path: str, scope: str, target_paths: Sequence[str | None]) -> bool:
    """True if the audience stays inside `org_path`'s subtree (targets: org paths, or the
    org path of a targeted person; None for a person with no membership here)."""
    if scope == "org_subtree":
        return True
    if scope != "targeted":
        return False
    return all(p is not None and in_subtree(p, org_path) for p in target_paths)


def approval_org_for(
    org: OrgRef, ancestors: Sequence[OrgRef], scope: str, target_paths: Sequence[str | None]
) -> OrgRef:
    """The org whose approval the authority rule requires. `ancestors`: root first, `org`
    excluded."""
    if scope_inside(org.path, scope, target_paths):
        if str(org.kind) in APPROVING_KINDS:
            return org
        for above in reversed(ancestors):
            if str(above.kind) in APPROVING_KINDS:
                return above
        return org
    for above in reversed(ancestors):
        if str(above.kind) == "committee":
            return above
    return org  # a top-level committee has no superior on the platform


def _active(viewer: Viewer) -> bool:
    return viewer.is_authenticated and not viewer.suspended


def _staff(viewer: Viewer, roles: frozenset[str], path: str) -> bool:
    return _active(viewer) and viewer.has_role_over(roles, path)


def can_draft_disclosure_for(viewer: Viewer, org: OrgRef) -> bool:
    return _staff(viewer, PUBLISHING_ROLES, org.path)


def disclosure_draft_orgs(viewer: Viewer) -> Q:
    """`can_draft_disclosure_for` as a filter on `Org` rows (the drafting form's picker)."""
    return under_paths(viewer.role_paths(PUBLISHING_ROLES)) if _active(viewer) else NOTHING


@dataclass(frozen=True)
class WorkFilters:
    """The 待办 inboxes as filters on `Disclosure` rows, by the role each step needs."""

    publishing: Q  # drafts to write and approved items to publish: the issuing org
    reviewing: Q  # proposals to review (secrecy): the issuing org's leaders
    approving: Q  # reviewed items to approve: the routed-to org's leaders


def disclosure_work_filters(viewer: Viewer) -> WorkFilters:
    if not _active(viewer):
        return WorkFilters(NOTHING, NOTHING, NOTHING)
    return WorkFilters(
        publishing=under_paths(viewer.role_paths(PUBLISHING_ROLES), "org__path"),
        reviewing=under_paths(viewer.role_paths(REVIEWER_ROLES), "org__path"),
        approving=under_paths(viewer.role_paths(APPROVER_ROLES), "approver_org__path"),
    )


def can_see_disclosure_workflow(viewer: Viewer, d: DisclosureLike) -> bool:
    """Drafts, review notes, routing: the issuing org's staff, and the approving org's
    leaders once routed."""
    if can_admin_site(viewer) or _staff(viewer, ORG_STAFF_ROLES, d.org_path):
        return True
    routed = d.state not in {"draft"} and d.approver_org_path is not None
    return routed and _staff(viewer, APPROVER_ROLES, d.approver_org_path or "")


def _audience(viewer: Viewer, d: DisclosureLike) -> bool:
    scope = str(d.scope)
    if scope == "public":
        return True
    if viewer.suspended:
        return False
    if scope == "targeted" and viewer.user_id is not None and viewer.user_id in d.target_user_ids:
        return True
    if not is_party_member(viewer) or viewer.org_path is None:
        return False
    if scope == "all_members":
        return True
    if scope == "org_subtree":
        return in_subtree(viewer.org_path, d.org_path)
    if scope == "targeted":
        return bool(set(viewer_ancestor_ids(viewer)) & set(d.target_org_ids))
    return False


def can_see_disclosure(viewer: Viewer, d: DisclosureLike, now: dt.datetime | None = None) -> bool:
    if can_see_disclosure_workflow(viewer, d):
        return True
    if str(d.state) not in LISTED_STATES or d.publish_from > (now or _now()):
        return False
    return _audience(viewer, d)


def can_edit_disclosure(viewer: Viewer, d: DisclosureLike) -> bool:
    return str(d.state) in {"draft", "rejected"} and _staff(viewer, PUBLISHING_ROLES, d.org_path)


def can_propose_disclosure(viewer: Viewer, d: DisclosureLike) -> bool:
    return str(d.state) == "draft" and _staff(viewer, PUBLISHING_ROLES, d.org_path)


def can_review_disclosure(viewer: Viewer, d: DisclosureLike) -> bool:
    """Secrecy review by the issuing org's leaders, never by the person who proposed it."""
    return (
        str(d.state) == "proposed"
        and _staff(viewer, REVIEWER_ROLES, d.org_path)
        and viewer.user_id != d.proposed_by_id
    )


def can_approve_disclosure(viewer: Viewer, d: DisclosureLike) -> bool:
    """Leaders of the routed-to org (or of an org above it, whose authority is wider)."""
    return (
        str(d.state) == "reviewed"
        and d.approver_org_path is not None
        and _staff(viewer, APPROVER_ROLES, d.approver_org_path)
    )


def can_reject_disclosure(viewer: Viewer, d: DisclosureLike) -> bool:
    """Sent back at any step before publication by whoever may take that step."""
    state = str(d.state)
    if state == "proposed":
        return can_review_disclosure(viewer, d)
    if state in {"reviewed", "approved"}:
        return d.approver_org_path is not None and _staff(
            viewer, APPROVER_ROLES, d.approver_org_path
        )
    return False


def can_publish_disclosure(viewer: Viewer, d: DisclosureLike) -> bool:
    """Published by org roles (not individuals): the issuing org's publishing roles."""
    return str(d.state) == "approved" and _staff(viewer, PUBLISHING_ROLES, d.org_path)


def can_withdraw_disclosure(viewer: Viewer, d: DisclosureLike) -> bool:
    if str(d.state) != "published":
        return False
    if _staff(viewer, APPROVER_ROLES, d.org_path):
        return True
    return d.approver_org_path is not None and _staff(viewer, APPROVER_ROLES, d.approver_org_path)


def can_correct_disclosure(viewer: Viewer, d: DisclosureLike) -> bool:
    return str(d.state) == "published" and _staff(viewer, PUBLISHING_ROLES, d.org_path)


def can_leave_feedback(viewer: Viewer, d: DisclosureLike, now: dt.datetime | None = None) -> bool:
    return (
        _active(viewer)
        and not viewer.silenced
        and str(d.state) == "published"
        and can_see_disclosure(viewer, d, now)
    )


def can_answer_feedback(viewer: Viewer, d: DisclosureLike) -> bool:
    return str(d.state) in LISTED_STATES and _staff(
        viewer, PUBLISHING_ROLES | APPROVER_ROLES, d.org_path
    )


def can_see_disclosure_receipts(viewer: Viewer, d: DisclosureLike) -> bool:
    return str(d.scope) in MEMBER_SCOPES and _staff(viewer, ORG_STAFF_ROLES, d.org_path)


def can_work_on_disclosures(viewer: Viewer) -> bool:
    """Has a drafting, reviewing or approving role somewhere (the 待办 page, the 管理 hub)."""
    return _active(viewer) and bool(viewer.role_paths(ORG_STAFF_ROLES))


def can_manage_disclosure_catalogue(viewer: Viewer) -> bool:
    return can_admin_site(viewer)


def disclosure_visibility(viewer: Viewer) -> Visibility:
    """Facts for the query-level list filter (the same rules as `can_see_disclosure`)."""
    everywhere = {"public"}
    ancestors: tuple[int, ...] = ()
    if is_party_member(viewer):
        everywhere.add("all_members")
        ancestors = viewer_ancestor_ids(viewer)
    staff = () if not _active(viewer) else viewer.role_paths(ORG_STAFF_ROLES)
    user_id = viewer.user_id if not viewer.suspended else None
    return Visibility(
        frozenset(everywhere), ancestors, ancestors, user_id, staff, can_admin_site(viewer)
    )
