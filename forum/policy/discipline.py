"""Discipline (党纪处分) and suspended membership (停止党籍), domain.md §9.

A sanction is decided by the branch plenary and approved by the superior committee, or imposed
directly by a committee (or its discipline inspection committee); the record keeps the
decision number, the dates and both bodies. Who records it: the branch's discipline member
(纪检委员), its secretary and deputy, and the admins of any org above it (the committee).

Dates, with the counting rule stated once:
- 留党察看 of 1 or 2 years runs from the day it takes effect (the approval, or the decision when
  imposed directly); it ends on the same day 12 or 24 months later (`add_months`: 1 March 2026
  + 1 year ends 1 March 2027; 29 February + 1 year ends 28 February). The branch decides its
  outcome on or after that day, never before, and it cannot be extended.
- 停止党籍 may end in 除名 once two years have passed since it took effect: on the same day 24
  months later, not the day before.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from forum.policy.core import ADMIN_ROLES, Viewer, can_admin_site, in_subtree
from forum.policy.decision import Decision, decide, refused
from forum.policy.development import add_months

if TYPE_CHECKING:
    from forum.models import Member

__all__ = [
    "DISCIPLINE_ROLES",
    "REMOVAL_MONTHS",
    "SANCTION_KINDS",
    "can_record_discipline",
    "probation_sanction_ends",
    "probation_sanction_over",
    "removal_allowed",
    "removal_due",
]

# In rising order (domain.md §9).
SANCTION_KINDS: dict[str, str] = {
    "warning": "警告",
    "serious_warning": "严重警告",
    "post_removal": "撤销党内职务",
    "probation": "留党察看",
    "expulsion": "开除党籍",
}
REMOVAL_MONTHS = 24  # 停止党籍 -> 除名 after two years
# At the member's own branch: the discipline member and the branch leaders. Above the branch
# (the general branch, the committee): its admins.
DISCIPLINE_ROLES = frozenset({"discipline_member", "secretary", "deputy_secretary"})


def probation_sanction_ends(starts_on: dt.date, years: int) -> dt.date:
    return add_months(starts_on, 12 * years)


def probation_sanction_over(starts_on: dt.date, years: int, on: dt.date) -> bool:
    """The branch may decide the outcome of 留党察看 on its last day or later."""
    return on >= probation_sanction_ends(starts_on, years)


def removal_due(suspended_on: dt.date) -> dt.date:
    return add_months(suspended_on, REMOVAL_MONTHS)


def removal_allowed(suspended_on: dt.date, on: dt.date) -> bool:
    return on >= removal_due(suspended_on)


def can_record_discipline(viewer: Viewer, member: Member) -> Decision:
    """Record or lift a sanction or 停止党籍 for `member`: the discipline member, secretary or
    deputy of the member's own org, or an admin, secretary or discipline member of an org
    strictly above it (the superior committee and its 纪委); never on oneself. A branch's
    organization member or org admin does not."""
    if viewer.member_id is not None and viewer.member_id == member.id:
        return refused("不能办理本人的纪律处分")
    if viewer.suspended:
        return refused("账号已被停用")
    path = member.org.path
    own = viewer.holds_role_at(DISCIPLINE_ROLES, member.org_id)
    above = any(
        in_subtree(path, root) and root != path
        for root in viewer.role_paths(ADMIN_ROLES | DISCIPLINE_ROLES)
    )
    return decide(
        can_admin_site(viewer) or own or above,
        "只有本支部纪检委员、书记或上级党组织可以办理纪律处分",
    )
