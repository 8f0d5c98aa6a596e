"""Unit tables for the vote-and-approval rules of member development (domain.md §2)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

from forum.decisions import PlenaryVote
from forum.policy import (
    RoleGrant,
    Viewer,
    add_months,
    approval_deadline,
    approval_is_late,
    can_approve_roll_exclusion,
    can_decide_status_change,
    can_manage_roll_exclusion,
    can_propose_status_change,
    plenary_vote_refusal,
)

D = dt.date


@dataclass
class FakeOrg:
    path: str


@dataclass
class FakeMember:
    id: int
    org: FakeOrg


COMMITTEE = FakeOrg("/1/")
BRANCH = FakeOrg("/1/2/5/")  # committee 1 > general branch 2 > branch 5
MEMBER = FakeMember(9, BRANCH)


def viewer(role: str, path: str, member_id: int | None = 100) -> Viewer:
    org_id = int(path.strip("/").split("/")[-1])
    return Viewer(user_id=1, member_id=member_id, roles=(RoleGrant(role, org_id, path),))


@pytest.mark.parametrize(
    ("voted", "approved", "late"),
    [
        (D(2026, 3, 15), D(2026, 3, 15), False),  # the same day
        (D(2026, 3, 15), D(2026, 6, 15), False),  # the last day of the window
        (D(2026, 3, 15), D(2026, 6, 16), True),  # one day late
        (D(2026, 11, 30), D(2027, 2, 28), False),  # no 30 February: the month's last day
        (D(2026, 11, 30), D(2027, 3, 1), True),
        (D(2027, 11, 30), D(2028, 2, 29), False),  # leap year
        (D(2026, 1, 31), D(2026, 4, 30), False),
        (D(2026, 1, 31), D(2026, 5, 1), True),
    ],
)
def test_approval_window_is_three_months_that_day_included(
    voted: dt.date, approved: dt.date, late: bool
) -> None:
    assert approval_is_late(voted, approved) is late
    assert approval_deadline(voted) >= voted


@pytest.mark.parametrize(
    ("start", "months", "end"),
    [
        (D(2025, 6, 1), 12, D(2026, 6, 1)),  # probation: one year from the admission vote
        (D(2025, 6, 1), 18, D(2026, 12, 1)),  # plus the shortest extension (6)
        (D(2025, 6, 1), 24, D(2027, 6, 1)),  # plus the longest extension (12)
        (D(2024, 2, 29), 12, D(2025, 2, 28)),
        (D(2025, 8, 31), 18, D(2027, 2, 28)),
    ],
)
def test_probation_ends(start: dt.date, months: int, end: dt.date) -> None:
    assert add_months(start, months) == end


def vote(**overrides: object) -> PlenaryVote:
    base: dict[str, object] = dict(
        id=7,
        org_id=5,
        meeting_type="branch_plenary",
        kind="admission",
        candidate_id=9,
        closed=True,
        passed=True,
        decided_on=D(2026, 3, 1),
    )
    base.update(overrides)
    return PlenaryVote(**base)  # type: ignore[arg-type]


NOT_FOUND = "找不到本支部党员大会的该项表决"


@pytest.mark.parametrize(
    ("case", "the_vote", "refusal"),
    [
        ("unknown", None, NOT_FOUND),
        ("another branch's plenary", vote(org_id=6), NOT_FOUND),  # same answer as unknown
        ("a branch committee meeting", vote(meeting_type="branch_committee"), NOT_FOUND),
        ("a motion", vote(kind="motion"), "不是「接收为预备党员」表决"),
        ("a conversion vote", vote(kind="conversion"), "不是「接收为预备党员」表决"),
        ("about someone else", vote(candidate_id=10), "不是关于该同志"),
        ("still open", vote(closed=False, passed=False), "尚未结束"),
        ("failed", vote(passed=False), "未获通过"),
        ("closed, passed, this person, this branch", vote(), None),
    ],
)
def test_cited_vote(case: str, the_vote: PlenaryVote | None, refusal: str | None) -> None:
    got = plenary_vote_refusal(the_vote, kind="admission", member_id=9, branch_org_id=5)
    if refusal is None:
        assert got is None, case
    else:
        assert got is not None and refusal in got, case


@pytest.mark.parametrize(
    ("who", "the_viewer", "propose", "decide"),
    [
        ("branch secretary", viewer("secretary", "/1/2/5/"), True, False),
        ("branch organization member", viewer("organization_member", "/1/2/5/"), True, False),
        ("general branch secretary", viewer("secretary", "/1/2/"), True, False),
        ("committee secretary", viewer("secretary", "/1/"), True, True),
        ("committee org admin", viewer("org_admin", "/1/"), True, True),
        ("committee publicity member", viewer("publicity_member", "/1/"), False, False),
        ("sibling branch secretary", viewer("secretary", "/1/2/6/"), False, False),
        ("another committee", viewer("secretary", "/8/"), False, False),
        (
            "the member themself (committee admin)",
            viewer("secretary", "/1/", member_id=9),
            False,
            False,
        ),
        ("site admin", Viewer(user_id=1, roles=(RoleGrant("site_admin", None, None),)), True, True),
    ],
)
def test_who_reports_and_who_approves(
    who: str, the_viewer: Viewer, propose: bool, decide: bool
) -> None:
    assert bool(can_propose_status_change(the_viewer, MEMBER)) is propose, who  # type: ignore[arg-type]
    assert bool(can_decide_status_change(the_viewer, MEMBER, COMMITTEE)) is decide, who  # type: ignore[arg-type]


def test_no_superior_committee_no_approval() -> None:
    decision = can_decide_status_change(viewer("secretary", "/1/"), MEMBER, None)  # type: ignore[arg-type]
    assert not decision and decision.reason and "上级党委" in decision.reason


@pytest.mark.parametrize(
    ("case", "the_vote", "refusal"),
    [
        ("unknown", None, NOT_FOUND),
        ("another branch's plenary", vote(kind="exclusion", org_id=6), NOT_FOUND),
        ("an admission vote", vote(kind="admission"), "不是「不计入应到」表决"),
        ("a motion", vote(kind="motion"), "不是「不计入应到」表决"),
        ("about someone else", vote(kind="exclusion", candidate_id=10), "不是关于该同志"),
        ("failed", vote(kind="exclusion", passed=False), "未获通过"),
        ("closed, passed, this person, this branch", vote(kind="exclusion"), None),
    ],
)
def test_cited_exclusion_vote(case: str, the_vote: PlenaryVote | None, refusal: str | None) -> None:
    """不计入应到 (domain.md §3) is passed by a plenary vote about that member, like admission."""
    got = plenary_vote_refusal(the_vote, kind="exclusion", member_id=9, branch_org_id=5)
    if refusal is None:
        assert got is None, case
    else:
        assert got is not None and refusal in got, case


@pytest.mark.parametrize(
    ("who", "the_viewer", "manage", "approve"),
    [
        ("branch secretary", viewer("secretary", "/1/2/5/"), True, False),
        ("branch organization member", viewer("organization_member", "/1/2/5/"), True, False),
        ("committee secretary", viewer("secretary", "/1/"), True, True),
        ("committee publicity member", viewer("publicity_member", "/1/"), False, False),
        ("sibling branch secretary", viewer("secretary", "/1/2/6/"), False, False),
        ("another committee", viewer("secretary", "/8/"), False, False),
        ("the member themself", viewer("secretary", "/1/2/5/", member_id=9), False, False),
        ("site admin", Viewer(user_id=1, roles=(RoleGrant("site_admin", None, None),)), True, True),
    ],
)
def test_who_proposes_and_who_approves_an_exclusion(
    who: str, the_viewer: Viewer, manage: bool, approve: bool
) -> None:
    assert bool(can_manage_roll_exclusion(the_viewer, MEMBER)) is manage, who  # type: ignore[arg-type]
    assert bool(can_approve_roll_exclusion(the_viewer, MEMBER, COMMITTEE)) is approve, who  # type: ignore[arg-type]
