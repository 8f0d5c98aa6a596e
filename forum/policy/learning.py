"""在线学习: who drafts, approves and reads study resources, who assigns study, who sees the
dashboard, and how many 学时 a member owes a year.

Publishing follows 有限授权、分级发布 (domain.md §4, as for disclosures): an org publishes to its
own subtree. A publisher (or the org's publicity member or leaders) drafts and submits; the
org's secretary or deputy secretary approves; a committee's items reach everything below it.
Readers: anyone with a member record (applicants and activists study too) whose org lies in
the publishing org's subtree; the publishing org's staff see every state of its items; the
site admin sees everything.

Yearly requirement (domain.md §11): 32 学时, 56 for branch secretaries and committee members.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

from tortoise.expressions import Q

from forum.policy.core import (
    ADMIN_ROLES,
    EVERYTHING,
    NOTHING,
    PUBLISHING_ROLES,
    Viewer,
    in_subtree,
    under_paths,
)
from forum.policy.decision import ALLOWED, Decision, decide, refused

__all__ = [
    "LEARNING_APPROVER_ROLES",
    "LEARNING_STAFF_ROLES",
    "YEARLY_HOURS",
    "YEARLY_HOURS_LEADERS",
    "AssignmentLike",
    "StudyItem",
    "assignment_applies",
    "can_approve_study",
    "can_assign_study",
    "can_draft_study_for",
    "can_edit_study",
    "can_see_study",
    "can_see_study_dashboard",
    "can_see_study_of_member",
    "can_study",
    "can_submit_study",
    "can_take_quiz",
    "can_withdraw_study",
    "study_draft_orgs",
    "study_staff_filter",
    "study_visibility",
    "yearly_study_hours",
]

LEARNING_APPROVER_ROLES = frozenset({"secretary", "deputy_secretary"})
LEARNING_STAFF_ROLES = PUBLISHING_ROLES | LEARNING_APPROVER_ROLES
# Who owes 56 学时: branch secretaries and committee members (支委 / 党委委员).
LEADER_ROLES = frozenset(
    {
        "secretary",
        "deputy_secretary",
        "organization_member",
        "publicity_member",
        "discipline_member",
    }
)
YEARLY_HOURS = 32
YEARLY_HOURS_LEADERS = 56


class StudyItem(Protocol):
    """A resource or a course: what the predicates read."""

    @property
    def org_path(self) -> str: ...
    @property
    def state(self) -> str: ...
    @property
    def created_by_id(self) -> int | None: ...


class AssignmentLike(Protocol):
    @property
    def org_path(self) -> str: ...
    @property
    def statuses(self) -> list[str]: ...
    @property
    def user_ids(self) -> list[int]: ...
    @property
    def whole_subtree(self) -> bool: ...


class OrgLike(Protocol):
    @property
    def path(self) -> str: ...


def _active(viewer: Viewer) -> bool:
    return viewer.is_authenticated and not viewer.suspended


def _staff(viewer: Viewer, path: str, roles: frozenset[str] = LEARNING_STAFF_ROLES) -> bool:
    return _active(viewer) and viewer.has_role_over(roles, path)


def can_study(viewer: Viewer) -> Decision:
    """The library is for people with a member record (any status) and for staff."""
    if not _active(viewer):
        return refused("请先登录")
    if viewer.member_id is None and not viewer.role_paths(LEARNING_STAFF_ROLES):
        if viewer.is_site_admin:
            return ALLOWED
        return refused("在线学习面向本组织的党员、预备党员和入党积极分子等")
    return ALLOWED


def _reader(viewer: Viewer, path: str) -> bool:
    own = viewer.org_path
    return own is not None and in_subtree(own, path) and not viewer.membership_suspended


def can_see_study(viewer: Viewer, item: StudyItem) -> Decision:
    if not _active(viewer):
        return refused("请先登录")
    if viewer.is_site_admin or _staff(viewer, item.org_path):
        return ALLOWED
    return decide(
        str(item.state) == "published" and _reader(viewer, item.org_path), "没有权限查看该学习资源"
    )


def can_draft_study_for(viewer: Viewer, org: OrgLike) -> Decision:
    return decide(
        _staff(viewer, org.path, PUBLISHING_ROLES), "只有本组织的发布员或宣传委员可以起草"
    )


def study_draft_orgs(viewer: Viewer) -> Q:
    """`can_draft_study_for` as a filter on `Org` rows."""
    return under_paths(viewer.role_paths(PUBLISHING_ROLES)) if _active(viewer) else NOTHING


def can_edit_study(viewer: Viewer, item: StudyItem) -> Decision:
    if str(item.state) not in {"draft", "withdrawn"}:
        return refused("只有草稿或已撤回的资源可以修改")
    return decide(_staff(viewer, item.org_path, PUBLISHING_ROLES), "没有权限修改该资源")


def can_submit_study(viewer: Viewer, item: StudyItem) -> Decision:
    if str(item.state) not in {"draft", "withdrawn"}:
        return refused("该资源不在草稿状态")
    return decide(_staff(viewer, item.org_path, PUBLISHING_ROLES), "没有权限提交该资源")


def can_approve_study(viewer: Viewer, item: StudyItem) -> Decision:
    if str(item.state) != "pending":
        return refused("该资源不在待审批状态")
    return decide(
        _staff(viewer, item.org_path, LEARNING_APPROVER_ROLES), "只有本组织书记或副书记可以审批发布"
    )


def can_withdraw_study(viewer: Viewer, item: StudyItem) -> Decision:
    if str(item.state) not in {"published", "pending"}:
        return refused("该资源未发布")
    return decide(
        _staff(viewer, item.org_path, LEARNING_APPROVER_ROLES), "只有本组织书记或副书记可以撤回"
    )


@dataclass(frozen=True)
class StudyVisibility:
    """Query facts: published items of these orgs (the viewer's org and those above it), and
    every state under the staff paths."""

    ancestor_ids: tuple[int, ...]
    staff_paths: tuple[str, ...]
    everything: bool = False


def study_visibility(viewer: Viewer) -> StudyVisibility:
    if not _active(viewer):
        return StudyVisibility((), ())
    ancestors: tuple[int, ...] = ()
    if viewer.org_path and not viewer.membership_suspended:
        ancestors = tuple(int(p) for p in viewer.org_path.strip("/").split("/") if p)
    return StudyVisibility(
        ancestors, viewer.role_paths(LEARNING_STAFF_ROLES), everything=viewer.is_site_admin
    )


def study_staff_filter(facts: StudyVisibility) -> Q:
    """The visibility facts as a filter on `Resource` or `Course` rows."""
    if facts.everything:
        return EVERYTHING
    clauses = (
        Q(state="published", org_id__in=list(facts.ancestor_ids)) if facts.ancestor_ids else NOTHING
    )
    if facts.staff_paths:
        clauses = clauses | under_paths(facts.staff_paths, "org_path")
    return clauses


def can_assign_study(viewer: Viewer, org: OrgLike) -> Decision:
    return decide(
        _staff(viewer, org.path, ADMIN_ROLES) or (_active(viewer) and viewer.is_site_admin),
        "只有本组织的书记、组织委员或管理员可以布置必学内容",
    )


def can_see_study_dashboard(viewer: Viewer, org: OrgLike) -> Decision:
    return decide(
        _staff(viewer, org.path, ADMIN_ROLES) or (_active(viewer) and viewer.is_site_admin),
        "只有本组织的书记、组织委员或管理员可以查看学习统计",
    )


def can_see_study_of_member(viewer: Viewer, member_org_path: str, user_id: int | None) -> Decision:
    """A member's own records, or their org's admins (the directory's subtree rule)."""
    if _active(viewer) and user_id is not None and viewer.user_id == user_id:
        return ALLOWED
    return can_see_study_dashboard(viewer, _Path(member_org_path))


@dataclass(frozen=True)
class _Path:
    path: str


def assignment_applies(
    a: AssignmentLike, *, user_id: int, status: str | None, org_path: str | None
) -> bool:
    """Does assignment `a` require this person's study? Named people always; otherwise a
    member in the org's subtree whose status is listed (an empty list: every status)."""
    if user_id in a.user_ids:
        return True
    if not a.whole_subtree or org_path is None or status is None:
        return False
    if not in_subtree(org_path, a.org_path):
        return False
    return not a.statuses or status in a.statuses


def can_take_quiz(
    viewer: Viewer, item: StudyItem, *, attempts_used: int, max_attempts: int, passed: bool
) -> Decision:
    seen = can_see_study(viewer, item)
    if not seen:
        return seen
    if passed:
        return refused("你已通过本课程测验")
    return decide(attempts_used < max_attempts, f"测验次数已用完（最多 {max_attempts} 次）")


def yearly_study_hours(roles: Iterable[str]) -> int:
    """学时 a member owes a year: 56 for secretaries and committee members, else 32."""
    return YEARLY_HOURS_LEADERS if set(roles) & LEADER_ROLES else YEARLY_HOURS
