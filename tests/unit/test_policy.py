"""The policy matrix: statuses x roles x org relations, for every core predicate.

The viewer's own org is branch A. Targets sit at every relation to it:

    committee /1/ ── general branch /1/2/ ─┬─ branch A /1/2/3/ ── group A1 /1/2/3/4/
                                           └─ branch B /1/2/5/   (sibling of A)
    another committee /9/ ── branch X /9/10/                   (unrelated)
"""

from __future__ import annotations

import itertools
from types import SimpleNamespace

import pytest

from forum.errors import Forbidden, NotFound
from forum.models import Member, Org
from forum.policy import (
    ANONYMOUS,
    RoleGrant,
    Viewer,
    can_admin_site,
    can_assign_role,
    can_change_member_status,
    can_create_child_org,
    can_manage_org,
    can_move_org,
    can_reorder_org,
    can_reveal_id_number,
    can_see_member,
    can_see_member_record,
    can_see_org,
    can_vote_in,
    ensure,
    ensure_visible,
    has_voting_rights,
    minutes_visibility,
    relation_to,
)

COMMITTEE = Org.construct(
    _saved_in_db=True, id=1, name="党委", kind="committee", path="/1/", depth=0, is_active=True
)
GB = Org.construct(
    _saved_in_db=True,
    id=2,
    name="总支",
    kind="general_branch",
    path="/1/2/",
    depth=1,
    is_active=True,
    parent_id=1,
)
BRANCH_A = Org.construct(
    _saved_in_db=True,
    id=3,
    name="甲支部",
    kind="branch",
    path="/1/2/3/",
    depth=2,
    is_active=True,
    parent_id=2,
)
GROUP_A1 = Org.construct(
    _saved_in_db=True,
    id=4,
    name="甲一小组",
    kind="group",
    path="/1/2/3/4/",
    depth=3,
    is_active=True,
    parent_id=3,
)
BRANCH_B = Org.construct(
    _saved_in_db=True,
    id=5,
    name="乙支部",
    kind="branch",
    path="/1/2/5/",
    depth=2,
    is_active=True,
    parent_id=2,
)
OTHER = Org.construct(
    _saved_in_db=True,
    id=9,
    name="外单位党委",
    kind="committee",
    path="/9/",
    depth=0,
    is_active=True,
)
BRANCH_X = Org.construct(
    _saved_in_db=True,
    id=10,
    name="外单位支部",
    kind="branch",
    path="/9/10/",
    depth=1,
    is_active=True,
    parent_id=9,
)

TARGETS = {
    "same": BRANCH_A,
    "ancestor": GB,
    "descendant": GROUP_A1,
    "sibling": BRANCH_B,
    "unrelated": BRANCH_X,
}
RELATIONS = list(TARGETS)

STATUSES = ["public", "applicant", "activist", "development_target", "probationary", "full"]
FLAGS = ["none", "on_probation_sanction", "membership_suspended", "floating_guest", "suspended"]
ROLES = [None, "org_admin", "secretary", "organization_member", "publicity_member", "site_admin"]


def make_viewer(status: str, role: str | None = None, flag: str = "none") -> Viewer:
    grants: tuple[RoleGrant, ...] = ()
    if role == "site_admin":
        grants = (RoleGrant("site_admin", None, None),)
    elif role is not None:
        grants = (RoleGrant(role, BRANCH_A.id, BRANCH_A.path),)
    if status == "public":
        return Viewer(user_id=100, username="u", roles=grants, suspended=flag == "suspended")
    org = BRANCH_A
    return Viewer(
        user_id=100,
        username="u",
        member_id=1000,
        status=status,
        org_id=org.id,
        org_path=org.path,
        home_path=org.path,
        on_probation_sanction=flag == "on_probation_sanction",
        membership_suspended=flag == "membership_suspended",
        floating=flag == "floating_guest",
        host_org_path=BRANCH_B.path if flag == "floating_guest" else None,
        roles=grants,
        suspended=flag == "suspended",
    )


def member_in(org: Org, member_id: int = 2000) -> Member:
    # Predicates only read loaded attributes, so a stand-in with the same shape will do.
    return SimpleNamespace(id=member_id, name="某党员", status="full", org=org)  # type: ignore[return-value]


ADMIN_ROLES = {"org_admin", "secretary", "organization_member"}


# --- manage an org: admin roles over their subtree only; site admins everywhere -------------
@pytest.mark.parametrize(
    ("status", "role", "relation"), list(itertools.product(STATUSES, ROLES, RELATIONS))
)
def test_can_manage_org_matrix(status: str, role: str | None, relation: str) -> None:
    viewer = make_viewer(status, role)
    if role == "site_admin":
        expected = True
    elif role in ADMIN_ROLES:
        expected = relation in {"same", "descendant"}
    else:
        expected = False
    assert can_manage_org(viewer, TARGETS[relation]) is expected


@pytest.mark.parametrize("role", ROLES)
def test_suspended_account_manages_nothing(role: str | None) -> None:
    viewer = make_viewer("full", role, flag="suspended")
    assert not any(can_manage_org(viewer, org) for org in TARGETS.values())
    assert not can_admin_site(viewer)


# --- see a member: own org tree (card) or admin scope; full record only for admins ---------
@pytest.mark.parametrize(
    ("status", "role", "relation"), list(itertools.product(STATUSES, ROLES, RELATIONS))
)
def test_can_see_member_matrix(status: str, role: str | None, relation: str) -> None:
    viewer = make_viewer(status, role)
    target = member_in(TARGETS[relation])
    in_admin_scope = role == "site_admin" or (
        role in ADMIN_ROLES and relation in {"same", "descendant"}
    )
    in_own_tree = status != "public" and relation in {"same", "descendant"}
    assert can_see_member(viewer, target) is (in_admin_scope or in_own_tree)
    assert can_see_member_record(viewer, target) is in_admin_scope
    reveal = can_reveal_id_number(viewer, target)
    assert reveal.allowed is in_admin_scope
    if not in_admin_scope:
        assert reveal.reason == "只有管理该党员所在组织的管理员可以查看完整身份证号"
    assert can_change_member_status(viewer, target) is in_admin_scope


@pytest.mark.parametrize("role", [None, "publicity_member", "secretary", "org_admin"])
def test_sibling_branches_never_see_each_others_records(role: str | None) -> None:
    viewer = make_viewer("full", role)
    sibling_member = member_in(BRANCH_B)
    assert not can_see_member(viewer, sibling_member)
    assert not can_see_member_record(viewer, sibling_member)
    assert not can_reveal_id_number(viewer, sibling_member)


def test_member_sees_own_record_but_cannot_reveal_or_change_own_status() -> None:
    viewer = make_viewer("full")
    own = member_in(BRANCH_A, member_id=viewer.member_id or 0)
    assert can_see_member_record(viewer, own)
    assert not can_reveal_id_number(viewer, own)
    admin = make_viewer("full", "org_admin")
    own_admin = member_in(BRANCH_A, member_id=admin.member_id or 0)
    assert not can_change_member_status(admin, own_admin)


def test_suspended_member_sees_nobody_else() -> None:
    viewer = make_viewer("full", flag="suspended")
    assert not can_see_member(viewer, member_in(BRANCH_A))
    assert not can_see_member(viewer, member_in(GROUP_A1))


# --- vote: full members without sanctions, in their own org (not as floating guests) --------
@pytest.mark.parametrize(
    ("status", "flag", "role", "relation"),
    list(itertools.product(STATUSES, FLAGS, ROLES, RELATIONS)),
)
def test_can_vote_in_matrix(status: str, flag: str, role: str | None, relation: str) -> None:
    viewer = make_viewer(status, role, flag)
    rights = status == "full" and flag in {"none", "floating_guest"}
    # The vote belongs to the member's own org or an org above it, never below or beside.
    expected = rights and relation in {"same", "ancestor"}
    assert has_voting_rights(viewer) is rights
    assert can_vote_in(viewer, TARGETS[relation]) is expected


def test_floating_member_votes_at_home_not_in_host_org() -> None:
    viewer = make_viewer("full", flag="floating_guest")
    assert can_vote_in(viewer, BRANCH_A)
    assert not can_vote_in(viewer, BRANCH_B)


@pytest.mark.parametrize("role", ROLES)
def test_roles_never_grant_voting_rights(role: str | None) -> None:
    for status in ["public", "applicant", "activist", "development_target", "probationary"]:
        assert not can_vote_in(make_viewer(status, role), BRANCH_A)


# --- org tree writes -------------------------------------------------------------------------
def test_create_child_org_needs_manage_right_and_active_parent() -> None:
    admin = make_viewer("full", "org_admin")
    assert can_create_child_org(admin, BRANCH_A)
    assert not can_create_child_org(admin, BRANCH_B)
    assert not can_create_child_org(admin, None)
    inactive = Org.construct(
        _saved_in_db=True, id=6, name="旧", kind="group", path="/1/2/3/6/", depth=3, is_active=False
    )
    assert not can_create_child_org(admin, inactive)
    assert can_create_child_org(make_viewer("public", "site_admin"), None)


def test_move_org_needs_both_ends_in_scope_and_not_the_scope_root() -> None:
    admin = make_viewer("full", "org_admin")
    group_a2 = Org.construct(
        _saved_in_db=True,
        id=7,
        name="甲二小组",
        kind="group",
        path="/1/2/3/7/",
        depth=3,
        is_active=True,
    )
    assert can_move_org(admin, GROUP_A1, BRANCH_A)
    assert not can_move_org(admin, GROUP_A1, BRANCH_B)  # destination outside scope
    assert not can_move_org(admin, BRANCH_A, GB)  # the root of the admin's own scope
    assert can_move_org(admin, group_a2, BRANCH_A)
    site = make_viewer("public", "site_admin")
    assert can_move_org(site, BRANCH_A, BRANCH_X)


def test_reorder_org_is_for_the_parents_admins() -> None:
    branch_admin = make_viewer("full", "org_admin")  # admin of branch A
    assert can_reorder_org(branch_admin, GROUP_A1, BRANCH_A)  # A's children
    assert not can_reorder_org(branch_admin, BRANCH_A, GB)  # A itself: GB's admins decide
    assert not can_reorder_org(branch_admin, BRANCH_B, GB)
    assert not can_reorder_org(branch_admin, GROUP_A1, GB)  # not GROUP_A1's parent
    assert not can_reorder_org(make_viewer("full", "org_admin", "suspended"), GROUP_A1, BRANCH_A)
    assert not can_reorder_org(make_viewer("full", "publisher"), GROUP_A1, BRANCH_A)
    site = make_viewer("public", "site_admin")
    assert can_reorder_org(site, BRANCH_A, GB)
    assert can_reorder_org(site, COMMITTEE, None)  # top-level committees: site admins only
    assert not can_reorder_org(branch_admin, COMMITTEE, None)


def test_assign_role_site_roles_only_by_site_admins() -> None:
    admin = make_viewer("full", "org_admin")
    assert can_assign_role(admin, BRANCH_A, "secretary")
    assert not can_assign_role(admin, BRANCH_B, "secretary")
    assert not can_assign_role(admin, BRANCH_A, "site_admin")
    assert not can_assign_role(admin, None, "moderator")
    site = make_viewer("public", "site_admin")
    assert can_assign_role(site, None, "site_admin")


def test_deactivated_org_visible_only_to_its_managers() -> None:
    inactive = Org.construct(
        _saved_in_db=True,
        id=8,
        name="撤销",
        kind="group",
        path="/1/2/3/8/",
        depth=3,
        is_active=False,
    )
    assert not can_see_org(ANONYMOUS, inactive)
    assert not can_see_org(make_viewer("full"), inactive)
    assert can_see_org(make_viewer("full", "secretary"), inactive)
    assert can_see_org(ANONYMOUS, BRANCH_A)


# --- helpers -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("viewer_path", "target", "expected"),
    [
        ("/1/2/3/", "/1/2/3/", "same"),
        ("/1/2/3/", "/1/2/", "ancestor"),
        ("/1/2/3/", "/1/2/3/4/", "descendant"),
        ("/1/2/3/", "/1/2/5/", "sibling"),
        ("/1/2/3/", "/9/10/", "unrelated"),
        ("/1/2/", "/1/23/", "sibling"),
        ("/1/2/", "/1/23/4/", "unrelated"),
        (None, "/1/", "unrelated"),
    ],
)
def test_relation_to(viewer_path: str | None, target: str, expected: str) -> None:
    assert relation_to(viewer_path, target) == expected


def test_path_prefix_never_confuses_2_and_23() -> None:
    admin_of_2 = Viewer(user_id=1, roles=(RoleGrant("org_admin", 2, "/1/2/"),))
    assert not can_manage_org(
        admin_of_2, Org.construct(_saved_in_db=True, id=23, name="x", kind="branch", path="/1/23/")
    )


def test_raisers_map_to_403_and_404() -> None:
    ensure(True)
    ensure_visible(True)
    with pytest.raises(Forbidden):
        ensure(False)
    with pytest.raises(NotFound):
        ensure_visible(False)


def test_anonymous_viewer_has_no_rights() -> None:
    assert not ANONYMOUS.is_authenticated
    assert not ANONYMOUS.is_member
    assert not can_admin_site(ANONYMOUS)
    assert not can_see_member(ANONYMOUS, member_in(BRANCH_A))
    assert not can_vote_in(ANONYMOUS, BRANCH_A)


# --- org tree writes, as a matrix: create children / assign roles / see deactivated orgs ----
def _deactivated(org: Org) -> Org:
    return Org.construct(
        _saved_in_db=True,
        id=org.id,
        name=org.name,
        kind=org.kind,
        path=org.path,
        depth=org.depth,
        is_active=False,
    )


@pytest.mark.parametrize(
    ("status", "role", "relation"), list(itertools.product(STATUSES, ROLES, RELATIONS))
)
def test_org_write_predicates_matrix(status: str, role: str | None, relation: str) -> None:
    viewer = make_viewer(status, role)
    target = TARGETS[relation]
    in_scope = role == "site_admin" or (role in ADMIN_ROLES and relation in {"same", "descendant"})
    assert can_create_child_org(viewer, target) is in_scope
    assert can_create_child_org(viewer, _deactivated(target)) is False
    assert can_assign_role(viewer, target, "secretary") is in_scope
    assert can_assign_role(viewer, target, "site_admin") is (role == "site_admin")
    assert can_see_org(viewer, target) is True
    assert can_see_org(viewer, _deactivated(target)) is in_scope


# --- minutes in the one search: which orgs' minutes a viewer may find ------------------------
@pytest.mark.parametrize(
    ("status", "role", "flag", "branches", "subtrees"),
    [
        ("full", None, "none", ("/1/2/3/", "/1/2/", "/1/"), ()),
        # A floating member also reads the minutes of the branch hosting them.
        ("full", None, "floating_guest", ("/1/2/3/", "/1/2/", "/1/", "/1/2/5/"), ()),
        ("probationary", "secretary", "none", ("/1/2/3/", "/1/2/", "/1/"), ("/1/2/3/",)),
        ("full", "org_admin", "none", ("/1/2/3/", "/1/2/", "/1/"), ("/1/2/3/",)),
        # Not a member: only what a host role gives, no branch of their own.
        ("public", "secretary", "none", (), ("/1/2/3/",)),
        ("public", None, "none", (), ()),
    ],
)
def test_minutes_visibility_table(
    status: str, role: str | None, flag: str, branches: tuple[str, ...], subtrees: tuple[str, ...]
) -> None:
    facts = minutes_visibility(make_viewer(status, role, flag))
    assert (facts.everything, facts.nothing) == (False, False)
    assert (set(facts.branch_paths), set(facts.subtree_paths)) == (set(branches), set(subtrees))
    assert facts.host_user_id == 100


def test_minutes_visibility_for_site_admins_suspended_accounts_and_visitors() -> None:
    assert minutes_visibility(make_viewer("full", "site_admin")).everything
    assert minutes_visibility(make_viewer("full", None, "suspended")).nothing
    assert minutes_visibility(ANONYMOUS).nothing


def test_minutes_visibility_of_a_member_between_orgs() -> None:
    # A record without an org (mid-transfer, say) gives no branch of its own.
    between = Viewer(user_id=100, username="u", member_id=1000, status="full", org_path=None)
    facts = minutes_visibility(between)
    assert (facts.branch_paths, facts.subtree_paths, facts.nothing) == ((), (), False)
