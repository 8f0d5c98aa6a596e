"""Member development decided by vote and approval (domain.md §2, §9).

Admission, conversion, extension and cancellation of probation are each decided by a branch
plenary vote and approved by the superior committee (上级党委) within three months. A branch
secretary cites the **closed, passed** vote about *this person* held by a plenary *of this
branch*; the step stays pending until a committee with authority approves it.

Who is not counted in 应到 (domain.md §3) is decided the same way, in the order the guidance
gives: the branch proposes it with its reason, the superior org approves, the plenary passes
it by a vote about that member; the branch ends it when the circumstance ends.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Protocol

from forum.policy.core import ADMIN_ROLES, HasPath, Viewer, can_admin_site, can_manage_org
from forum.policy.decision import Decision, decide, refused

if TYPE_CHECKING:
    from forum.models import Member


class PlenaryVoteLike(Protocol):
    """The facts of a cited vote (`forum.decisions.PlenaryVote`)."""

    @property
    def org_id(self) -> int: ...

    @property
    def meeting_type(self) -> str: ...

    @property
    def kind(self) -> str: ...

    @property
    def candidate_id(self) -> int | None: ...

    @property
    def closed(self) -> bool: ...

    @property
    def passed(self) -> bool: ...


__all__ = [
    "APPROVAL_MONTHS",
    "PLENARY_VOTE_LABELS",
    "STATUS_DECISION_KINDS",
    "add_months",
    "approval_deadline",
    "approval_is_late",
    "can_approve_roll_exclusion",
    "can_decide_status_change",
    "can_manage_roll_exclusion",
    "can_propose_status_change",
    "plenary_vote_refusal",
]

APPROVAL_MONTHS = 3  # the superior committee approves within three months of the vote
# kind -> (the status it starts from, its label)
STATUS_DECISION_KINDS: dict[str, tuple[str, str]] = {
    "admission": ("development_target", "接收为预备党员"),
    "conversion": ("probationary", "转为正式党员"),
    "extension": ("probationary", "延长预备期"),
    "cancellation": ("probationary", "取消预备党员资格"),
}
# The kinds of plenary vote a record may cite, by label.
PLENARY_VOTE_LABELS: dict[str, str] = {
    **{kind: label for kind, (_, label) in STATUS_DECISION_KINDS.items()},
    "exclusion": "不计入应到",
}


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later; the month's last day when it has no such day
    (31 January + 1 month = 28/29 February)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, candidate)
        except ValueError:
            continue
    raise AssertionError("unreachable")  # pragma: no cover - day 28 exists in every month


def approval_deadline(voted_on: dt.date) -> dt.date:
    """The last day an approval is on time: three months after the vote, that day included
    (voted 15 March -> on time through 15 June)."""
    return add_months(voted_on, APPROVAL_MONTHS)


def approval_is_late(voted_on: dt.date, approved_on: dt.date) -> bool:
    return approved_on > approval_deadline(voted_on)


def plenary_vote_refusal(
    vote: PlenaryVoteLike | None, *, kind: str, member_id: int, branch_org_id: int
) -> str | None:
    """Why the cited vote cannot decide this step, or None. An unknown vote and another
    org's vote get the same answer: a branch learns nothing about other orgs' meetings."""
    if vote is None or vote.org_id != branch_org_id or vote.meeting_type != "branch_plenary":
        return "找不到本支部党员大会的该项表决"
    label = PLENARY_VOTE_LABELS[kind]
    if vote.kind != kind:
        return f"该表决不是「{label}」表决"
    if vote.candidate_id != member_id:
        return "该表决不是关于该同志的表决"
    if not vote.closed:
        return "该表决尚未结束"
    if not vote.passed:
        return "该表决未获通过"
    return None


def can_propose_status_change(viewer: Viewer, member: Member) -> Decision:
    """The branch's admins (secretary, deputy, organization member) report the plenary's
    decision; never on their own record."""
    if viewer.member_id is not None and viewer.member_id == member.id:
        return refused("不能办理本人的发展程序")
    return decide(can_manage_org(viewer, member.org), "只有本支部的管理员可以报批")


def can_decide_status_change(viewer: Viewer, member: Member, committee: HasPath | None) -> Decision:
    """The superior committee (or an org above it) approves or rejects: its admins, never a
    branch's own officers, never on their own record."""
    if committee is None:
        return refused("该支部没有上级党委，无法审批")
    if viewer.member_id is not None and viewer.member_id == member.id:
        return refused("不能审批本人的发展程序")
    return decide(
        can_admin_site(viewer) or viewer.has_role_over(ADMIN_ROLES, committee.path),
        "只有上级党委的管理员可以审批",
    )


def can_manage_roll_exclusion(viewer: Viewer, member: Member) -> Decision:
    """Propose that a member is not counted in 应到, cite the plenary's vote, end it: the
    branch's admins; never on their own record."""
    if viewer.member_id is not None and viewer.member_id == member.id:
        return refused("不能办理本人的应到排除")
    return decide(can_manage_org(viewer, member.org), "只有本支部的管理员可以办理")


def can_approve_roll_exclusion(
    viewer: Viewer, member: Member, committee: HasPath | None
) -> Decision:
    """The superior org approves or refuses it, as it approves status changes."""
    return can_decide_status_change(viewer, member, committee)
