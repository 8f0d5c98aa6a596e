"""Table-driven tests of the disclosure policy: authority rule, workflow roles, visibility."""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import replace

import pytest

from forum.policy import (
    RoleGrant,
    Viewer,
    approval_org_for,
    can_answer_feedback,
    can_approve_disclosure,
    can_correct_disclosure,
    can_draft_disclosure_for,
    can_edit_disclosure,
    can_leave_feedback,
    can_manage_disclosure_catalogue,
    can_propose_disclosure,
    can_publish_disclosure,
    can_reject_disclosure,
    can_review_disclosure,
    can_see_disclosure,
    can_see_disclosure_receipts,
    can_see_feedback,
    can_see_member_disclosures,
    can_withdraw_disclosure,
    disclosure_visibility,
    scope_inside,
    viewer_ancestor_ids,
)

NOW = dt.datetime(2026, 11, 26, 12, 0, tzinfo=dt.UTC)


@dataclasses.dataclass(frozen=True)
class FakeOrg:
    id: int
    path: str
    kind: str


# committee(1) ─┬─ gb(2) ─┬─ branch(3) ── group(4)
#               │         └─ sibling(5)
#               └─ gb2(6) ── branch_c(7)
# other_committee(9) ── branch_x(10)
COMMITTEE = FakeOrg(1, "/1/", "committee")
GB = FakeOrg(2, "/1/2/", "general_branch")
BRANCH = FakeOrg(3, "/1/2/3/", "branch")
GROUP = FakeOrg(4, "/1/2/3/4/", "group")
SIBLING = FakeOrg(5, "/1/2/5/", "branch")
GB2 = FakeOrg(6, "/1/6/", "general_branch")
BRANCH_C = FakeOrg(7, "/1/6/7/", "branch")
OTHER = FakeOrg(9, "/9/", "committee")
BRANCH_X = FakeOrg(10, "/9/10/", "branch")
ORGS = {o.path: o for o in (COMMITTEE, GB, BRANCH, GROUP, SIBLING, GB2, BRANCH_C, OTHER, BRANCH_X)}


def ancestors(org: FakeOrg) -> list[FakeOrg]:
    parts = org.path.strip("/").split("/")[:-1]
    return [ORGS["/" + "/".join(parts[: i + 1]) + "/"] for i in range(len(parts))]


@dataclasses.dataclass
class D:
    org: FakeOrg
    scope: str = "public"
    state: str = "published"
    approver: FakeOrg | None = None
    publish_from: dt.datetime = NOW - dt.timedelta(days=1)
    until: dt.datetime | None = None
    created_by_id: int = 100
    proposed_by_id: int | None = 100
    target_org_ids: list[int] = dataclasses.field(default_factory=list)
    target_user_ids: list[int] = dataclasses.field(default_factory=list)

    @property
    def org_path(self) -> str:
        return self.org.path

    @property
    def approver_org_path(self) -> str | None:
        return self.approver.path if self.approver else None


def staff(role: str, org: FakeOrg, user_id: int = 200) -> Viewer:
    return Viewer(
        user_id=user_id,
        username=f"u{user_id}",
        member_id=user_id,
        status="full",
        org_id=org.id,
        org_path=org.path,
        roles=(RoleGrant(role, org.id, org.path),),
    )


def member(org: FakeOrg, status: str = "full", user_id: int = 300, **kw: object) -> Viewer:
    return Viewer(
        user_id=user_id, member_id=user_id, status=status, org_id=org.id, org_path=org.path, **kw
    )  # type: ignore[arg-type]


# ---------------------------------------------------------------- authority rule


@pytest.mark.parametrize(
    ("issuer", "scope", "targets", "expected"),
    [
        # subtree scope: the org approves itself (a group decides nothing: its branch)
        (COMMITTEE, "org_subtree", [], COMMITTEE),
        (GB, "org_subtree", [], GB),
        (BRANCH, "org_subtree", [], BRANCH),
        (GROUP, "org_subtree", [], BRANCH),
        # targets inside the subtree stay local
        (BRANCH, "targeted", ["/1/2/3/4/"], BRANCH),
        (GB, "targeted", ["/1/2/3/", "/1/2/5/"], GB),
        # wider scopes go to the superior committee
        (BRANCH, "public", [], COMMITTEE),
        (BRANCH, "all_members", [], COMMITTEE),
        (GB, "public", [], COMMITTEE),
        (GROUP, "public", [], COMMITTEE),
        (BRANCH, "targeted", ["/1/2/5/"], COMMITTEE),  # a sibling branch is outside
        (BRANCH, "targeted", [None], COMMITTEE),  # a person with no membership here
        (BRANCH_X, "public", [], OTHER),
        # a top-level committee has no superior: it approves its own public items
        (COMMITTEE, "public", [], COMMITTEE),
    ],
)
def test_approval_org_for_levels_and_scopes(
    issuer: FakeOrg, scope: str, targets: list[str | None], expected: FakeOrg
) -> None:
    assert approval_org_for(issuer, ancestors(issuer), scope, targets) == expected


def test_scope_inside_rejects_wider_scopes() -> None:
    assert scope_inside("/1/2/3/", "org_subtree", [])
    assert not scope_inside("/1/2/3/", "public", [])
    assert not scope_inside("/1/2/3/", "all_members", [])
    assert not scope_inside("/1/2/3/", "targeted", ["/1/23/"])  # prefix trap


@pytest.mark.parametrize(
    ("approver_role_org", "routed_to", "expected"),
    [
        (BRANCH, BRANCH, True),  # branch self-approves its subtree item
        (BRANCH, COMMITTEE, False),  # a branch's public item needs the committee
        (COMMITTEE, COMMITTEE, True),
        (COMMITTEE, BRANCH, True),  # the superior's authority covers its subtree
        (GB, SIBLING, True),  # the general branch above the sibling
        (SIBLING, BRANCH, False),  # a sibling never approves
        (GB2, BRANCH, False),  # another general branch never approves for it
        (OTHER, BRANCH, False),
    ],
)
def test_can_approve_follows_routing(
    approver_role_org: FakeOrg, routed_to: FakeOrg, expected: bool
) -> None:
    d = D(BRANCH, state="reviewed", approver=routed_to)
    assert can_approve_disclosure(staff("secretary", approver_role_org), d) is expected


def test_general_branch_cannot_approve_for_sibling_general_branch() -> None:
    d = D(BRANCH_C, scope="org_subtree", state="reviewed", approver=GB2)
    assert can_approve_disclosure(staff("secretary", GB2), d)
    assert not can_approve_disclosure(staff("secretary", GB), d)
    assert not can_approve_disclosure(staff("deputy_secretary", GB), d)


# ---------------------------------------------------------------- workflow roles

WORKFLOW = [
    # (predicate, state, role, expected)
    (can_edit_disclosure, "draft", "publisher", True),
    (can_edit_disclosure, "rejected", "publicity_member", True),
    (can_edit_disclosure, "proposed", "publisher", False),
    (can_edit_disclosure, "draft", "discipline_member", False),
    (can_propose_disclosure, "draft", "publisher", True),
    (can_propose_disclosure, "draft", "publicity_member", True),
    (can_propose_disclosure, "draft", "deputy_secretary", True),
    (can_propose_disclosure, "draft", "group_leader", False),
    (can_propose_disclosure, "proposed", "publisher", False),
    (can_review_disclosure, "proposed", "secretary", True),
    (can_review_disclosure, "proposed", "discipline_member", True),
    (can_review_disclosure, "proposed", "publisher", False),
    (can_review_disclosure, "draft", "secretary", False),
    (can_approve_disclosure, "reviewed", "secretary", True),
    (can_approve_disclosure, "reviewed", "deputy_secretary", True),
    (can_approve_disclosure, "reviewed", "publicity_member", False),
    (can_approve_disclosure, "proposed", "secretary", False),
    (can_publish_disclosure, "approved", "publisher", True),
    (can_publish_disclosure, "approved", "secretary", True),
    (can_publish_disclosure, "reviewed", "publisher", False),
    (can_publish_disclosure, "approved", "discipline_member", False),
    (can_reject_disclosure, "proposed", "secretary", True),
    (can_reject_disclosure, "reviewed", "secretary", True),
    (can_reject_disclosure, "approved", "secretary", True),
    (can_reject_disclosure, "published", "secretary", False),
    (can_reject_disclosure, "draft", "secretary", False),
    (can_reject_disclosure, "reviewed", "publisher", False),
    (can_withdraw_disclosure, "published", "secretary", True),
    (can_withdraw_disclosure, "published", "publisher", False),
    (can_withdraw_disclosure, "withdrawn", "secretary", False),
    (can_correct_disclosure, "published", "publisher", True),
    (can_correct_disclosure, "withdrawn", "publisher", False),
    (can_correct_disclosure, "published", "discipline_member", False),
]


@pytest.mark.parametrize(("predicate", "state", "role", "expected"), WORKFLOW)
def test_workflow_roles(predicate, state: str, role: str, expected: bool) -> None:  # type: ignore[no-untyped-def]
    d = D(BRANCH, scope="org_subtree", state=state, approver=BRANCH)
    assert predicate(staff(role, BRANCH), d) is expected
    # the same role in a sibling branch never may
    assert predicate(staff(role, SIBLING), d) is False


def test_reviewer_is_never_the_proposer() -> None:
    d = D(BRANCH, scope="org_subtree", state="proposed", proposed_by_id=200)
    assert not can_review_disclosure(staff("secretary", BRANCH, user_id=200), d)
    assert can_review_disclosure(staff("secretary", BRANCH, user_id=201), d)


def test_draft_for_org_needs_publishing_role_over_it() -> None:
    assert can_draft_disclosure_for(staff("publisher", BRANCH), BRANCH)
    assert can_draft_disclosure_for(staff("publisher", BRANCH), GROUP)
    assert not can_draft_disclosure_for(staff("publisher", BRANCH), SIBLING)
    assert not can_draft_disclosure_for(staff("publisher", BRANCH), GB)
    assert not can_draft_disclosure_for(member(BRANCH), BRANCH)
    suspended = dataclasses.replace(staff("publisher", BRANCH), suspended=True)
    assert not can_draft_disclosure_for(suspended, BRANCH)


# ---------------------------------------------------------------- visibility

VISITOR = Viewer()
PUBLIC_ACCOUNT = Viewer(user_id=400, username="qz")  # logged in, no membership (群众)
LEVELS = [COMMITTEE, GB, BRANCH, GROUP]


def viewers_for(issuer: FakeOrg) -> dict[str, Viewer]:
    inside = GROUP  # below every issuing level
    return {
        "visitor": VISITOR,
        "public_account": PUBLIC_ACCOUNT,
        "member_elsewhere": member(BRANCH_X),
        "member_in_subtree": member(inside),
        "applicant_in_subtree": member(inside, "applicant"),
        "suspended_member_in_subtree": member(inside, membership_suspended=True),
        "targeted_person": Viewer(user_id=500, username="t"),
        "member_of_targeted_org": member(BRANCH_C),
        "member_of_sibling": member(SIBLING),
    }


EXPECTED = {
    #                   visitor, public, elsewhere, subtree, applicant, suspended, person, c, sib
    "public": (True, True, True, True, True, True, True, True, True),
    "all_members": (False, False, True, True, False, False, False, True, True),
    "org_subtree": (False, False, False, True, False, False, False, None, None),
    "targeted": (False, False, False, False, False, False, True, True, False),
}
KINDS = list(viewers_for(BRANCH))


@pytest.mark.parametrize("issuer", LEVELS, ids=lambda o: o.kind)
@pytest.mark.parametrize("scope", list(EXPECTED))
@pytest.mark.parametrize("kind", KINDS)
def test_visibility_matrix(issuer: FakeOrg, scope: str, kind: str) -> None:
    d = D(issuer, scope=scope, target_org_ids=[BRANCH_C.id], target_user_ids=[500])
    viewer = viewers_for(issuer)[kind]
    expected = EXPECTED[scope][KINDS.index(kind)]
    if expected is None:  # org_subtree: depends on whether the viewer's org is below
        expected = viewer.org_path is not None and viewer.org_path.startswith(issuer.path)
    assert can_see_disclosure(viewer, d, NOW) is expected
    # withdrawn items stay visible to the same audience
    assert can_see_disclosure(viewer, dataclasses.replace(d, state="withdrawn"), NOW) is expected
    # unpublished states and future items are hidden from every reader
    for state in ("draft", "proposed", "reviewed", "approved", "rejected"):
        assert not can_see_disclosure(viewer, dataclasses.replace(d, state=state), NOW)
    future = dataclasses.replace(d, publish_from=NOW + dt.timedelta(minutes=1))
    assert not can_see_disclosure(viewer, future, NOW)


def test_scheduled_item_visible_from_publish_from_on() -> None:
    d = D(BRANCH, publish_from=NOW)
    assert not can_see_disclosure(VISITOR, d, NOW - dt.timedelta(seconds=1))
    assert can_see_disclosure(VISITOR, d, NOW)


def test_staff_see_drafts_of_their_subtree_only() -> None:
    d = D(BRANCH, state="draft", scope="public", approver=None)
    assert can_see_disclosure(staff("publisher", BRANCH), d, NOW)
    assert can_see_disclosure(staff("secretary", COMMITTEE), d, NOW)
    assert not can_see_disclosure(staff("secretary", SIBLING), d, NOW)
    routed = dataclasses.replace(d, state="reviewed", approver=COMMITTEE)
    assert can_see_disclosure(staff("secretary", COMMITTEE), routed, NOW)


def test_feedback_and_receipts() -> None:
    d = D(BRANCH, scope="org_subtree")
    assert can_leave_feedback(member(GROUP), d, NOW)
    assert not can_leave_feedback(VISITOR, dataclasses.replace(d, scope="public"), NOW)
    assert not can_leave_feedback(member(GROUP, silenced=True), d, NOW)
    assert not can_leave_feedback(member(GROUP), dataclasses.replace(d, state="withdrawn"), NOW)
    assert can_see_disclosure_receipts(staff("publisher", BRANCH), d)
    assert not can_see_disclosure_receipts(member(GROUP), d)
    assert not can_see_disclosure_receipts(
        staff("publisher", BRANCH), dataclasses.replace(d, scope="public")
    )


@dataclasses.dataclass(frozen=True)
class Fb:
    author_id: int = 300
    is_public: bool = False
    hidden: bool = False
    deleted: bool = False


def test_single_feedback_visibility_and_moderation_state() -> None:
    d = D(BRANCH, scope="public")
    author, other = member(GROUP, user_id=300), member(GROUP, user_id=301)
    publisher, moderator = staff("publisher", BRANCH), staff("moderator", GB)
    sibling_moderator = staff("moderator", SIBLING)
    private, public = Fb(), Fb(is_public=True)
    assert can_see_feedback(author, d, private) and not can_see_feedback(other, d, private)
    assert can_see_feedback(publisher, d, private) and can_see_feedback(moderator, d, private)
    assert can_see_feedback(VISITOR, d, public) and not can_see_feedback(VISITOR, d, private)
    hidden = Fb(is_public=True, hidden=True)
    assert not can_see_feedback(author, d, hidden) and not can_see_feedback(VISITOR, d, hidden)
    assert not can_see_feedback(publisher, d, hidden)  # answers feedback, does not moderate
    assert can_see_feedback(moderator, d, hidden)
    assert not can_see_feedback(sibling_moderator, d, Fb(is_public=True, deleted=True))


def test_visibility_facts_for_query_filter() -> None:
    facts = disclosure_visibility(member(GROUP))
    assert facts.scopes_everywhere == {"public", "all_members"}
    assert facts.subtree_ancestor_ids == (1, 2, 3, 4)
    assert disclosure_visibility(VISITOR).scopes_everywhere == {"public"}
    assert disclosure_visibility(member(GROUP, "applicant")).subtree_ancestor_ids == ()
    assert disclosure_visibility(staff("publisher", BRANCH)).staff_paths == ("/1/2/3/",)


def test_site_admin_sees_everything_and_edits_catalogue() -> None:
    admin = Viewer(user_id=9, username="root", roles=(RoleGrant("site_admin", None, None),))
    d = D(BRANCH, state="draft")
    assert can_see_disclosure(admin, d, NOW)
    assert can_manage_disclosure_catalogue(admin)
    assert not can_manage_disclosure_catalogue(staff("secretary", COMMITTEE))
    assert disclosure_visibility(admin).everything


def test_unknown_scope_is_never_visible_to_readers() -> None:
    assert not can_see_disclosure(member(GROUP), D(BRANCH, scope="bogus"), NOW)


def test_group_without_approving_ancestor_approves_itself() -> None:
    lone = FakeOrg(20, "/20/", "group")
    assert approval_org_for(lone, [], "org_subtree", []) == lone


def test_superior_may_withdraw_routed_item_and_answer_rules() -> None:
    d = D(BRANCH, scope="public", state="published", approver=COMMITTEE)
    assert can_withdraw_disclosure(staff("secretary", COMMITTEE), d)
    assert can_withdraw_disclosure(staff("secretary", BRANCH), d)
    assert not can_withdraw_disclosure(staff("secretary", SIBLING), d)
    assert can_answer_feedback(staff("publicity_member", BRANCH), d)
    assert not can_answer_feedback(staff("publicity_member", SIBLING), d)
    assert not can_answer_feedback(staff("publicity_member", BRANCH), replace(d, state="draft"))


def test_suspended_viewer_reads_public_only() -> None:
    suspended = replace(member(GROUP), suspended=True)
    assert can_see_disclosure(suspended, D(BRANCH, scope="public"), NOW)
    for scope in ("all_members", "org_subtree", "targeted"):
        d = D(BRANCH, scope=scope, target_user_ids=[300])
        assert not can_see_disclosure(suspended, d, NOW)
    assert disclosure_visibility(suspended).user_id is None


@pytest.mark.parametrize(
    ("viewer", "expected"),
    [
        (member(BRANCH), True),
        (member(BRANCH, "probationary"), True),
        (member(BRANCH, "activist"), False),  # a member record, not yet a party member
        (member(BRANCH, membership_suspended=True), False),
        (member(BRANCH, suspended=True), False),
        (PUBLIC_ACCOUNT, False),
        (VISITOR, False),
    ],
)
def test_member_disclosures_view(viewer: Viewer, expected: bool) -> None:
    """The 仅面向党员 tab of the disclosures board: party members only (the template once
    showed it to every member record, an activist's included)."""
    assert can_see_member_disclosures(viewer) is expected


def test_drafts_and_their_feedback_stay_hidden_from_readers() -> None:
    draft = D(BRANCH, state="draft")
    assert not can_see_disclosure(member(GROUP), draft, NOW)
    assert not can_see_feedback(member(GROUP), draft, Fb(is_public=True))


def test_ancestor_ids_of_a_viewer_without_an_org_are_none() -> None:
    assert viewer_ancestor_ids(VISITOR) == ()
    assert viewer_ancestor_ids(member(GROUP)) == (1, 2, 3, 4)


def test_group_under_a_group_without_approving_ancestor_approves_itself() -> None:
    outer = FakeOrg(20, "/20/", "group")
    inner = FakeOrg(21, "/20/21/", "group")
    assert approval_org_for(inner, [outer], "org_subtree", []) == inner
