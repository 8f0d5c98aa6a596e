"""民主评议党员 (domain.md section 10): who opens a branch's yearly review, who writes what,
who rates whom in the secret 民主测评, who sees the tallies and who decides the grades.

Order: 自评 and 互评 while the round is open, 民主测评 (secret, one sheet per rater, never
about oneself) until the branch closes the rating; then the branch's leaders propose and
record each grade as the plenary or the committee decided it. 优秀 is at most a third of
those reviewed; 不合格 leads to 组织处置 (限期改正, 劝退, 除名), each decided and recorded.
"""

from __future__ import annotations

from typing import Protocol

from forum.policy.core import HasPath, Viewer, can_manage_org, has_voting_rights, in_subtree
from forum.policy.decision import Decision, decide, refused

__all__ = [
    "DISPOSALS",
    "GRADES",
    "REVIEW_STATES",
    "ReviewRoundLike",
    "can_close_review_rating",
    "can_decide_review_grades",
    "can_open_review",
    "can_rate_in_review",
    "can_record_review_disposal",
    "can_see_review",
    "can_see_review_tallies",
    "can_write_peer_review",
    "can_write_self_review",
    "excellent_limit",
    "grade_counts_allowed",
]

GRADES: dict[str, str] = {
    "excellent": "优秀",
    "qualified": "合格",
    "basically": "基本合格",
    "unqualified": "不合格",
}
DISPOSALS: dict[str, str] = {
    "correct": "限期改正",
    "persuade": "劝退",
    "remove": "除名",
}
REVIEW_STATES: dict[str, str] = {
    "open": "自评、互评和民主测评进行中",
    "rated": "测评已结束，待确定等次",
    "decided": "等次已确定",
}


class ReviewRoundLike(Protocol):
    @property
    def org_path(self) -> str: ...
    @property
    def state(self) -> str: ...


def excellent_limit(reviewed: int) -> int:
    """优秀 at most one third of those reviewed, rounded down."""
    return max(reviewed, 0) // 3


def grade_counts_allowed(grades: dict[str, int], reviewed: int) -> Decision:
    excellent = grades.get("excellent", 0)
    limit = excellent_limit(reviewed)
    return decide(
        excellent <= limit,
        f"优秀不能超过参评人数的三分之一：参评 {reviewed} 人，最多 {limit} 人，现为 {excellent} 人",
    )


def can_open_review(viewer: Viewer, org: HasPath, kind: str) -> Decision:
    if kind != "branch":
        return refused("民主评议由党支部组织")
    return decide(can_manage_org(viewer, org), "只有本支部的负责人可以组织民主评议")


def _in_branch(viewer: Viewer, round_: ReviewRoundLike) -> bool:
    return viewer.org_path is not None and in_subtree(viewer.org_path, round_.org_path)


def can_see_review(viewer: Viewer, round_: ReviewRoundLike) -> bool:
    """The branch's members and the leaders of the branch or above."""
    if viewer.suspended:
        return False
    return _in_branch(viewer, round_) or can_manage_org(viewer, _P(round_.org_path))


def can_write_self_review(viewer: Viewer, round_: ReviewRoundLike, is_subject: bool) -> Decision:
    if round_.state != "open":
        return refused("自评已截止")
    return decide(is_subject and not viewer.suspended, "您不在本次评议的参评名单中")


def can_write_peer_review(
    viewer: Viewer, round_: ReviewRoundLike, rater_org_id: int | None, subject_org_id: int
) -> Decision:
    """互评 among members of one 党小组 (or of the branch itself, for members in no group)."""
    if round_.state != "open":
        return refused("互评已截止")
    if viewer.suspended or not _in_branch(viewer, round_):
        return refused("只有本支部党员可以互评")
    return decide(rater_org_id == subject_org_id, "互评在同一党小组内进行")


def can_rate_in_review(viewer: Viewer, round_: ReviewRoundLike, already_rated: bool) -> Decision:
    """民主测评: members of the branch with 表决权, one sheet each."""
    if round_.state != "open":
        return refused("民主测评已结束")
    if not _in_branch(viewer, round_) or not has_voting_rights(viewer):
        return refused("只有本支部有表决权的党员参加民主测评")
    return decide(not already_rated, "您已提交过测评表")


def can_see_review_tallies(viewer: Viewer, round_: ReviewRoundLike) -> bool:
    """The counts per grade, once the rating has closed: the branch's leaders only."""
    return round_.state != "open" and can_manage_org(viewer, _P(round_.org_path))


def can_decide_review_grades(viewer: Viewer, round_: ReviewRoundLike) -> Decision:
    if round_.state != "rated":
        return refused("测评结束后才能确定等次" if round_.state == "open" else "等次已确定")
    return decide(can_manage_org(viewer, _P(round_.org_path)), "只有本支部的负责人可以确定等次")


def can_close_review_rating(viewer: Viewer, round_: ReviewRoundLike) -> Decision:
    if round_.state != "open":
        return refused("民主测评已结束")
    return decide(can_manage_org(viewer, _P(round_.org_path)), "只有本支部的负责人可以结束测评")


def can_record_review_disposal(viewer: Viewer, round_: ReviewRoundLike, grade: str) -> Decision:
    """组织处置 of a member graded 不合格, after the grades are decided."""
    if round_.state != "decided" or grade != "unqualified":
        return refused("只有评为不合格的党员需要组织处置")
    return decide(can_manage_org(viewer, _P(round_.org_path)), "只有本支部的负责人可以记录组织处置")


class _P:
    def __init__(self, path: str) -> None:
        self.path = path
