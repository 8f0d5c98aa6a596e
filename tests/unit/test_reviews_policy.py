"""民主评议 rules as tables: 优秀 at most a third (at 3, 4, 5, 30 and 31 reviewed), who rates in
the secret 测评, 互评 inside one 党小组, and the order of the steps."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from forum.policy import (
    RoleGrant,
    Viewer,
    can_close_review_rating,
    can_decide_review_grades,
    can_open_review,
    can_rate_in_review,
    can_record_review_disposal,
    can_see_review,
    can_see_review_tallies,
    can_write_peer_review,
    excellent_limit,
    grade_counts_allowed,
)

BRANCH, GROUP, SIBLING, COMMITTEE = "/1/2/3/", "/1/2/3/7/", "/1/2/4/", "/1/"


@dataclass
class Org:
    path: str = BRANCH


@dataclass
class R:
    org_path: str = BRANCH
    state: str = "open"


def person(
    path: str = BRANCH, status: str = "full", role: str | None = None, **flags: bool
) -> Viewer:
    roles = (RoleGrant(role, 3, path),) if role else ()
    return Viewer(
        user_id=1,
        username="p",
        member_id=9,
        status=status,
        org_id=3,
        org_path=path,
        home_path=path,
        roles=roles,
        **flags,
    )


@pytest.mark.parametrize(
    ("reviewed", "limit"), [(0, 0), (2, 0), (3, 1), (4, 1), (5, 1), (6, 2), (30, 10), (31, 10)]
)
def test_excellent_at_most_a_third(reviewed: int, limit: int) -> None:
    assert excellent_limit(reviewed) == limit
    assert grade_counts_allowed({"excellent": limit}, reviewed).allowed
    refused = grade_counts_allowed({"excellent": limit + 1, "qualified": 1}, reviewed)
    assert not refused.allowed
    assert f"参评 {reviewed} 人，最多 {limit} 人，现为 {limit + 1} 人" in str(refused.reason)


@pytest.mark.parametrize(
    ("who", "state", "already", "allowed"),
    [
        (person(), "open", False, True),
        (person(GROUP), "open", False, True),  # a member of a 党小组 of the branch
        (person(), "open", True, False),  # one sheet each
        (person(), "rated", False, False),  # closed
        (person(status="probationary"), "open", False, False),  # no 表决权
        (person(on_probation_sanction=True), "open", False, False),  # 留党察看
        (person(membership_suspended=True), "open", False, False),  # 停止党籍
        (person(SIBLING), "open", False, False),  # another branch
        (
            person(COMMITTEE, role="secretary"),
            "open",
            False,
            False,
        ),  # the committee leads, not rates
    ],
)
def test_who_rates(who: Viewer, state: str, already: bool, allowed: bool) -> None:
    assert can_rate_in_review(who, R(state=state), already).allowed is allowed


@pytest.mark.parametrize(
    ("rater_org", "subject_org", "state", "allowed"),
    [(7, 7, "open", True), (7, 8, "open", False), (3, 3, "open", True), (7, 7, "rated", False)],
)
def test_peer_review_inside_one_group(
    rater_org: int, subject_org: int, state: str, allowed: bool
) -> None:
    verdict = can_write_peer_review(person(GROUP), R(state=state), rater_org, subject_org)
    assert verdict.allowed is allowed


def test_the_steps_go_in_order() -> None:
    leader = person(role="secretary")
    member = person()
    assert can_open_review(leader, Org(), "branch").allowed
    assert not can_open_review(leader, Org(), "general_branch").allowed  # a branch holds it
    assert not can_open_review(member, Org(), "branch").allowed
    assert can_close_review_rating(leader, R()).allowed
    assert not can_close_review_rating(member, R()).allowed
    assert not can_decide_review_grades(leader, R()).allowed  # rating still open
    assert can_decide_review_grades(leader, R(state="rated")).allowed
    assert not can_decide_review_grades(leader, R(state="decided")).allowed
    assert not can_see_review_tallies(leader, R())  # never while sheets are coming in
    assert can_see_review_tallies(leader, R(state="rated"))
    assert not can_see_review_tallies(member, R(state="decided"))  # members never see counts
    assert can_record_review_disposal(leader, R(state="decided"), "unqualified").allowed
    assert not can_record_review_disposal(leader, R(state="decided"), "basically").allowed
    assert not can_record_review_disposal(member, R(state="decided"), "unqualified").allowed
    assert can_see_review(member, R()) and not can_see_review(person(SIBLING), R())
    assert can_see_review(person(COMMITTEE, role="secretary"), R())
