"""任务下达 rules as tables: the state machine of a receiver's answer, who assigns, who
answers for an org or a member, who decides."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from forum.policy import (
    RoleGrant,
    Viewer,
    can_answer_task,
    can_assign_task,
    can_review_task_answer,
    can_see_task,
    task_step_target,
)

COMMITTEE, GB, BRANCH, SIBLING = "/1/", "/1/2/", "/1/2/3/", "/1/2/4/"


@dataclass
class T:
    org_path: str = COMMITTEE
    closed: bool = False


@dataclass
class A:
    receiver_org_id: int | None = 3
    receiver_member_id: int | None = None
    receiver_path: str = BRANCH
    state: str = "pending"


def leader(org_id: int, path: str, role: str = "secretary", **flags: bool) -> Viewer:
    return Viewer(
        user_id=org_id * 10,
        username=f"u{org_id}",
        member_id=org_id * 100,
        status="full",
        org_id=org_id,
        org_path=path,
        home_path=path,
        roles=(RoleGrant(role, org_id, path),),
        **flags,
    )


def member(member_id: int = 500, path: str = BRANCH) -> Viewer:
    return Viewer(
        user_id=member_id + 1,
        username="m",
        member_id=member_id,
        status="full",
        org_id=3,
        org_path=path,
        home_path=path,
    )


@pytest.mark.parametrize(
    ("step", "state", "required", "target"),
    [
        ("submit", "pending", True, "submitted"),
        ("submit", "returned", True, "submitted"),
        ("submit", "submitted", True, None),
        ("submit", "accepted", True, None),
        ("submit", "pending", False, None),  # nothing to submit: 办结 instead
        ("complete", "pending", False, "accepted"),
        ("complete", "returned", False, "accepted"),
        ("complete", "pending", True, None),  # an answer is required
        ("complete", "accepted", False, None),
        ("accept", "submitted", True, "accepted"),
        ("accept", "pending", True, None),
        ("accept", "returned", True, None),
        ("return", "submitted", True, "returned"),
        ("return", "accepted", True, None),  # accepted is final
        ("return", "pending", True, None),
        ("withdraw", "pending", True, None),  # unknown step
    ],
)
def test_task_state_machine(step: str, state: str, required: bool, target: str | None) -> None:
    assert task_step_target(step, state, required) == target


@pytest.mark.parametrize(
    ("who", "path", "kind", "allowed"),
    [
        (leader(1, COMMITTEE), COMMITTEE, "committee", True),
        (leader(1, COMMITTEE), BRANCH, "branch", True),  # a committee leads what is below
        (leader(3, BRANCH), BRANCH, "branch", True),
        (leader(3, BRANCH), COMMITTEE, "committee", False),  # never upwards
        (leader(3, BRANCH), SIBLING, "branch", False),
        (leader(3, BRANCH, suspended=True), BRANCH, "branch", False),
        (leader(3, BRANCH, role="publisher"), BRANCH, "branch", False),  # not a leader role
        (leader(5, "/1/2/3/5/"), "/1/2/3/5/", "group", False),  # a 党小组 has nothing below
        (member(), BRANCH, "branch", False),
    ],
)
def test_who_assigns(who: Viewer, path: str, kind: str, allowed: bool) -> None:
    @dataclass
    class Org:
        path: str

    assert can_assign_task(who, Org(path), kind).allowed is allowed


@pytest.mark.parametrize(
    ("who", "assignment", "allowed"),
    [
        (leader(3, BRANCH), A(), True),  # the receiving branch's own secretary
        (leader(3, BRANCH, role="deputy_secretary"), A(), True),
        (leader(1, COMMITTEE), A(), False),  # the committee manages it but answers for nobody
        (leader(2, GB), A(), False),
        (leader(4, SIBLING), A(), False),
        (leader(3, BRANCH, suspended=True), A(), False),
        (member(500), A(receiver_org_id=None, receiver_member_id=500), True),
        (member(501), A(receiver_org_id=None, receiver_member_id=500), False),
        (member(500), A(), False),  # a member is not their branch
        (leader(3, BRANCH), A(state="submitted"), False),  # waiting for the decision
        (leader(3, BRANCH), A(state="returned"), True),
        (leader(3, BRANCH), A(state="accepted"), False),
    ],
)
def test_who_answers(who: Viewer, assignment: A, allowed: bool) -> None:
    assert can_answer_task(who, T(), assignment, "submit").allowed is allowed


def test_a_closed_task_takes_no_answer() -> None:
    assert not can_answer_task(leader(3, BRANCH), T(closed=True), A(), "submit").allowed


@pytest.mark.parametrize(
    ("who", "step", "assignment", "allowed"),
    [
        (leader(1, COMMITTEE), "accept", A(state="submitted"), True),
        (leader(1, COMMITTEE), "return", A(state="submitted"), True),
        (leader(1, COMMITTEE), "accept", A(state="pending"), False),
        (leader(1, COMMITTEE), "submit", A(state="pending"), False),  # not the assigner's step
        (leader(3, BRANCH), "accept", A(state="submitted"), False),  # receivers never decide
        (leader(2, GB), "accept", A(state="submitted"), False),  # below the assigning org
        (leader(1, COMMITTEE, suspended=True), "accept", A(state="submitted"), False),
        (leader(1, COMMITTEE), "accept", A(state="submitted", receiver_path="/9/"), False),
    ],
)
def test_who_decides(who: Viewer, step: str, assignment: A, allowed: bool) -> None:
    assert can_review_task_answer(who, T(), assignment, step).allowed is allowed


@pytest.mark.parametrize(
    ("who", "mine", "visible"),
    [
        (leader(1, COMMITTEE), [], True),  # the assigning side sees every receiver
        (leader(3, BRANCH), [A()], True),
        (leader(4, SIBLING), [A()], False),  # a row of someone else's is not theirs
        (member(), [], False),
    ],
)
def test_who_sees_a_task(who: Viewer, mine: list[A], visible: bool) -> None:
    assert can_see_task(who, T(), list(mine)) is visible
