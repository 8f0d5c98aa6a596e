"""The learning policy (forum/policy/learning.py) as tables."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from forum.policy import (
    ANONYMOUS,
    EVERYTHING,
    NOTHING,
    RoleGrant,
    Viewer,
    assignment_applies,
    can_approve_study,
    can_assign_study,
    can_draft_study_for,
    can_edit_study,
    can_see_study,
    can_see_study_dashboard,
    can_see_study_of_member,
    can_study,
    can_submit_study,
    can_take_quiz,
    can_withdraw_study,
    study_draft_orgs,
    study_staff_filter,
    study_visibility,
    yearly_study_hours,
)

COMMITTEE, BRANCH_A, GROUP_A, BRANCH_B = "/1/", "/1/2/", "/1/2/5/", "/1/3/"


def person(
    path: str | None = BRANCH_A,
    *roles: tuple[str, str | None],
    status: str = "full",
    uid: int = 10,
    **kw: object,
) -> Viewer:
    grants = tuple(RoleGrant(r, 1 if p else None, p) for r, p in roles)
    return Viewer(
        user_id=uid,
        member_id=uid if path else None,
        org_path=path,
        status=status,
        roles=grants,
        **kw,
    )  # type: ignore[arg-type]


@dataclass
class Item:
    org_path: str = BRANCH_A
    state: str = "published"
    created_by_id: int | None = 1


@dataclass
class Org:
    path: str


@dataclass
class Assignment:
    org_path: str = BRANCH_A
    statuses: list[str] = field(default_factory=list)
    user_ids: list[int] = field(default_factory=list)
    whole_subtree: bool = True


MEMBER_A = person()
MEMBER_GROUP = person(GROUP_A)
MEMBER_B = person(BRANCH_B, uid=11)
APPLICANT = person(status="applicant")
SUSPENDED = person(membership_suspended=True)
LOCKED = person(suspended=True)
CITIZEN = Viewer(user_id=99)
PUBLISHER = person(BRANCH_A, ("publisher", BRANCH_A))
SECRETARY = person(BRANCH_A, ("secretary", BRANCH_A))
SIBLING_SECRETARY = person(BRANCH_B, ("secretary", BRANCH_B))
COMMITTEE_SECRETARY = person(COMMITTEE, ("secretary", COMMITTEE))
ORG_ADMIN = person(COMMITTEE, ("org_admin", COMMITTEE))
SITE_ADMIN = Viewer(user_id=1, roles=(RoleGrant("site_admin", None, None),))
STAFF_NO_MEMBER = person(None, ("publisher", BRANCH_A))


@pytest.mark.parametrize(
    ("viewer", "allowed"),
    [
        (ANONYMOUS, False),
        (CITIZEN, False),
        (LOCKED, False),
        (APPLICANT, True),
        (MEMBER_A, True),
        (STAFF_NO_MEMBER, True),
        (SITE_ADMIN, True),
    ],
)
def test_who_studies(viewer: Viewer, allowed: bool) -> None:
    assert bool(can_study(viewer)) is allowed


PUBLISHED_A = Item()
PUBLISHED_COMMITTEE = Item(COMMITTEE)
DRAFT_A = Item(state="draft")
PENDING_A = Item(state="pending")


@pytest.mark.parametrize(
    ("viewer", "item", "allowed"),
    [
        (ANONYMOUS, PUBLISHED_A, False),
        (MEMBER_A, PUBLISHED_A, True),
        (MEMBER_GROUP, PUBLISHED_A, True),  # below the publishing org
        (MEMBER_B, PUBLISHED_A, False),  # a sibling branch
        (MEMBER_B, PUBLISHED_COMMITTEE, True),  # the committee pushes to everything below it
        (APPLICANT, PUBLISHED_A, True),
        (SUSPENDED, PUBLISHED_A, False),
        (MEMBER_A, DRAFT_A, False),
        (PUBLISHER, DRAFT_A, True),
        (SECRETARY, PENDING_A, True),
        (COMMITTEE_SECRETARY, DRAFT_A, True),
        (SIBLING_SECRETARY, DRAFT_A, False),
        (SIBLING_SECRETARY, PUBLISHED_A, False),
        (SITE_ADMIN, DRAFT_A, True),
    ],
)
def test_who_sees_an_item(viewer: Viewer, item: Item, allowed: bool) -> None:
    assert bool(can_see_study(viewer, item)) is allowed


@pytest.mark.parametrize(
    ("viewer", "item", "draft", "submit", "edit", "approve", "withdraw"),
    [
        (PUBLISHER, DRAFT_A, True, True, True, False, False),
        (PUBLISHER, PENDING_A, True, False, False, False, False),
        (SECRETARY, DRAFT_A, True, True, True, False, False),
        (SECRETARY, PENDING_A, True, False, False, True, True),
        (SECRETARY, PUBLISHED_A, True, False, False, False, True),
        (COMMITTEE_SECRETARY, PENDING_A, True, False, False, True, True),  # its subtree
        (SIBLING_SECRETARY, PENDING_A, False, False, False, False, False),
        (MEMBER_A, DRAFT_A, False, False, False, False, False),
        (PUBLISHER, Item(state="withdrawn"), True, True, True, False, False),
    ],
)
def test_publishing_steps(
    viewer: Viewer, item: Item, draft: bool, submit: bool, edit: bool, approve: bool, withdraw: bool
) -> None:
    assert bool(can_draft_study_for(viewer, Org(item.org_path))) is draft
    assert bool(can_submit_study(viewer, item)) is submit
    assert bool(can_edit_study(viewer, item)) is edit
    assert bool(can_approve_study(viewer, item)) is approve
    assert bool(can_withdraw_study(viewer, item)) is withdraw


def test_refusals_say_why() -> None:
    assert can_approve_study(PUBLISHER, PENDING_A).reason == "只有本组织书记或副书记可以审批发布"
    assert can_approve_study(SECRETARY, DRAFT_A).reason == "该资源不在待审批状态"
    assert can_submit_study(PUBLISHER, PENDING_A).reason == "该资源不在草稿状态"
    assert can_edit_study(PUBLISHER, PUBLISHED_A).reason == "只有草稿或已撤回的资源可以修改"
    assert can_withdraw_study(SECRETARY, DRAFT_A).reason == "该资源未发布"
    assert can_see_study(ANONYMOUS, PUBLISHED_A).reason == "请先登录"
    assert can_study(ANONYMOUS).reason == "请先登录"


@pytest.mark.parametrize(
    ("viewer", "org", "allowed"),
    [
        (SECRETARY, BRANCH_A, True),
        (SECRETARY, GROUP_A, True),
        (SECRETARY, BRANCH_B, False),
        (ORG_ADMIN, BRANCH_B, True),
        (PUBLISHER, BRANCH_A, False),
        (MEMBER_A, BRANCH_A, False),
        (SITE_ADMIN, BRANCH_B, True),
        (ANONYMOUS, BRANCH_A, False),
    ],
)
def test_assigning_and_the_dashboard(viewer: Viewer, org: str, allowed: bool) -> None:
    assert bool(can_assign_study(viewer, Org(org))) is allowed
    assert bool(can_see_study_dashboard(viewer, Org(org))) is allowed


def test_a_member_sees_their_own_record_and_admins_their_scope() -> None:
    assert can_see_study_of_member(MEMBER_A, BRANCH_A, MEMBER_A.user_id)
    assert not can_see_study_of_member(MEMBER_B, BRANCH_A, MEMBER_A.user_id)
    assert can_see_study_of_member(SECRETARY, GROUP_A, 77)
    assert not can_see_study_of_member(SIBLING_SECRETARY, BRANCH_A, 77)
    assert not can_see_study_of_member(ANONYMOUS, BRANCH_A, None)


@pytest.mark.parametrize(
    ("assignment", "user_id", "status", "path", "applies"),
    [
        (Assignment(), 5, "full", BRANCH_A, True),
        (Assignment(), 5, "full", GROUP_A, True),
        (Assignment(), 5, "full", BRANCH_B, False),
        (Assignment(), 5, None, None, False),
        (Assignment(statuses=["activist"]), 5, "activist", GROUP_A, True),
        (Assignment(statuses=["activist"]), 5, "full", BRANCH_A, False),
        (Assignment(statuses=["activist", "probationary"]), 5, "probationary", BRANCH_A, True),
        (Assignment(user_ids=[5], whole_subtree=False), 5, "full", BRANCH_A, True),
        (Assignment(user_ids=[5], whole_subtree=False), 6, "full", BRANCH_A, False),
        (Assignment(user_ids=[5], statuses=["activist"]), 5, "full", BRANCH_A, True),  # named
    ],
)
def test_assignment_scope(
    assignment: Assignment, user_id: int, status: str | None, path: str | None, applies: bool
) -> None:
    assert assignment_applies(assignment, user_id=user_id, status=status, org_path=path) is applies


@pytest.mark.parametrize(
    ("used", "maximum", "passed", "allowed"),
    [(0, 3, False, True), (2, 3, False, True), (3, 3, False, False), (1, 3, True, False)],
)
def test_quiz_attempts(used: int, maximum: int, passed: bool, allowed: bool) -> None:
    assert (
        bool(
            can_take_quiz(
                MEMBER_A, PUBLISHED_A, attempts_used=used, max_attempts=maximum, passed=passed
            )
        )
        is allowed
    )
    assert not can_take_quiz(MEMBER_B, PUBLISHED_A, attempts_used=0, max_attempts=3, passed=False)


@pytest.mark.parametrize(
    ("roles", "hours"),
    [
        ([], 32),
        (["publisher"], 32),
        (["group_leader"], 32),
        (["secretary"], 56),
        (["deputy_secretary"], 56),
        (["organization_member"], 56),
        (["publicity_member"], 56),
        (["discipline_member"], 56),
        (["org_admin", "publisher"], 32),
    ],
)
def test_yearly_requirement(roles: list[str], hours: int) -> None:
    assert yearly_study_hours(roles) == hours


def test_visibility_facts_and_filters() -> None:
    facts = study_visibility(MEMBER_GROUP)
    assert facts.ancestor_ids == (1, 2, 5) and facts.staff_paths == ()
    assert study_visibility(ANONYMOUS).ancestor_ids == ()
    assert study_visibility(SUSPENDED).ancestor_ids == ()
    assert study_staff_filter(study_visibility(SITE_ADMIN)) is EVERYTHING
    assert study_staff_filter(study_visibility(CITIZEN)) is NOTHING
    assert study_staff_filter(study_visibility(STAFF_NO_MEMBER)) is not NOTHING
    assert study_staff_filter(study_visibility(PUBLISHER)) is not NOTHING
    assert study_draft_orgs(ANONYMOUS) is NOTHING
    assert study_draft_orgs(PUBLISHER) is not NOTHING
