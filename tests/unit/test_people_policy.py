"""Policy table for people pages (forum/policy/people.py): what a profile and its card show
to each kind of viewer, the content scope behind its lists, bookmarks and likers (no DB).

The subject is a full member of branch A (/1/2/4/, group /1/2/4/8/) who is the branch's
secretary and a site-wide moderator. Each row is a viewer kind; each column a fact.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import pytest

from forum.policy import (
    PROFILE_FIELDS,
    BoardAccess,
    GrantRule,
    RoleGrant,
    Viewer,
    can_bookmark_post,
    can_bookmark_topic,
    can_see_likers,
    can_see_post_body,
    can_see_profile,
    can_see_profile_field,
    can_see_profile_role,
    content_scope,
)


@dataclass
class FakeOrg:
    path: str
    is_active: bool = True


@dataclass
class FakeMember:
    id: int
    org: FakeOrg
    group: FakeOrg | None = None
    status: str = "full"


@dataclass
class FakeProfile:
    user_id: int
    is_active: bool
    member: FakeMember | None


@dataclass
class FakeRole:
    role: str
    org: FakeOrg | None


BRANCH_A = FakeOrg("/1/2/4/")
GROUP_A = FakeOrg("/1/2/4/8/")
SUBJECT = FakeProfile(100, True, FakeMember(100, BRANCH_A, GROUP_A))
BRANCH_ROLE = FakeRole("secretary", BRANCH_A)
SITE_ROLE = FakeRole("moderator", None)


def member_of(path: str, n: int = 1, home: str | None = None, **extra: object) -> Viewer:
    return Viewer(
        user_id=n,
        member_id=n,
        status="full",
        org_path=path,
        home_path=home or path,
        **extra,  # type: ignore[arg-type]
    )


VIEWERS = {
    "visitor": Viewer(),
    "same_branch": member_of("/1/2/4/"),
    "same_branch_group": member_of("/1/2/4/8/", home="/1/2/4/"),
    "sibling_branch": member_of("/1/2/5/"),
    "sibling_secretary": member_of("/1/2/5/", n=5, roles=(RoleGrant("secretary", 5, "/1/2/5/"),)),
    "gb_admin": Viewer(user_id=50, roles=(RoleGrant("org_admin", 2, "/1/2/"),)),
    "other_committee_admin": Viewer(user_id=51, roles=(RoleGrant("org_admin", 9, "/9/"),)),
    "account_without_record": Viewer(user_id=60),
    "self": member_of("/1/2/4/", n=100),
    "site_admin": Viewer(user_id=99, roles=(RoleGrant("site_admin", None, None),)),
    "suspended_same_branch": member_of("/1/2/4/", n=7, suspended=True),
}
# viewer -> display_name, joined, org, group, status, record, branch role, site role
T, F = True, False
EXPECTED = {
    "visitor": (T, F, F, F, F, F, F, F),
    "same_branch": (T, T, T, T, T, T, T, T),
    "same_branch_group": (T, T, T, T, T, T, T, T),
    # A sibling branch is outside the directory's card rules: the name, the join date and
    # the site-wide role (whom to ask), nothing about the org, status or branch role.
    "sibling_branch": (T, T, F, F, F, F, F, T),
    "sibling_secretary": (T, T, F, F, F, F, F, T),
    "gb_admin": (T, T, T, T, T, T, T, T),
    "other_committee_admin": (T, T, F, F, F, F, F, T),
    "account_without_record": (T, T, F, F, F, F, F, T),
    "self": (T, T, T, T, T, T, T, T),
    "site_admin": (T, T, T, T, T, T, T, T),
    "suspended_same_branch": (T, F, F, F, F, F, F, F),
}


def facts(viewer: Viewer, profile: FakeProfile) -> tuple[bool, ...]:
    fields = tuple(can_see_profile_field(viewer, profile, f) for f in PROFILE_FIELDS)  # type: ignore[arg-type]
    roles = tuple(can_see_profile_role(viewer, profile, r) for r in (BRANCH_ROLE, SITE_ROLE))  # type: ignore[arg-type]
    return fields + roles


def test_the_columns_are_the_profile_fields() -> None:
    assert PROFILE_FIELDS == ("display_name", "joined", "org", "group", "status", "record")


@pytest.mark.parametrize("kind", list(VIEWERS))
def test_profile_facts_per_viewer(kind: str) -> None:
    assert facts(VIEWERS[kind], SUBJECT) == EXPECTED[kind]


@pytest.mark.parametrize("kind", list(VIEWERS))
def test_an_account_without_a_record_shows_no_membership_facts(kind: str) -> None:
    bare = FakeProfile(200, True, None)
    shown = facts(VIEWERS[kind], bare)
    assert shown[2:6] == (F, F, F, F)  # org, group, status, record: there is none
    assert shown[0] is True


@pytest.mark.parametrize("kind", list(VIEWERS))
def test_a_deactivated_account_is_missing_except_to_site_admins(kind: str) -> None:
    gone = dataclasses.replace(SUBJECT, is_active=False)
    visible = kind == "site_admin"
    assert can_see_profile(VIEWERS[kind], gone) is visible  # type: ignore[arg-type]
    assert any(facts(VIEWERS[kind], gone)) is visible


def test_an_unknown_field_is_never_shown() -> None:
    for viewer in VIEWERS.values():
        for field in ("phone", "id_number", "discipline", "floating", "email", "roles"):
            assert not can_see_profile_field(viewer, SUBJECT, field)  # type: ignore[arg-type]


def test_a_role_held_in_a_sibling_branch_shows_to_that_branch_only() -> None:
    sibling_role = FakeRole("deputy_secretary", FakeOrg("/1/2/5/"))
    seen = {k for k, v in VIEWERS.items() if can_see_profile_role(v, SUBJECT, sibling_role)}  # type: ignore[arg-type]
    assert seen == {"sibling_branch", "sibling_secretary", "gb_admin", "self", "site_admin"}


# --- content scope, bookmarks, likers ----------------------------------------------------

OPEN = {"see": GrantRule(), "read": GrantRule()}
BRANCH_ONLY = {
    "see": GrantRule("applicant", "org_subtree"),
    "read": GrantRule("applicant", "org_subtree"),
}
PUBLIC = BoardAccess(1, grants=OPEN)
BRANCH = BoardAccess(2, org_id=4, org_path="/1/2/4/", grants=BRANCH_ONLY)
HIDDEN = BoardAccess(3, hidden=True, grants=OPEN)
MODERATED = BoardAccess(4, org_id=4, org_path="/1/2/4/", grants=OPEN)
ACCESSES = (PUBLIC, BRANCH, HIDDEN, MODERATED)


@pytest.mark.parametrize(
    ("kind", "readable", "moderated", "held_author"),
    [
        ("visitor", (1, 4), (), None),
        ("same_branch", (1, 2, 4), (), 1),
        ("sibling_branch", (1, 4), (), 1),
        ("gb_admin", (1, 2, 4), (2, 4), 50),  # admins moderate their subtree's boards only
        ("site_admin", (1, 2, 3, 4), (1, 2, 3, 4), 99),
        ("suspended_same_branch", (1, 4), (), None),  # reads what visitors read
    ],
)
def test_content_scope(
    kind: str, readable: tuple[int, ...], moderated: tuple[int, ...], held_author: int | None
) -> None:
    scope = content_scope(VIEWERS[kind], ACCESSES)
    assert (scope.readable, scope.moderated, scope.held_author) == (
        readable,
        moderated,
        held_author,
    )
    assert scope.empty is (readable == ())


@dataclass
class FakeTopic:
    access: BoardAccess
    author_id: int = 100
    closed: bool = False
    hidden: bool = False
    held: bool = False


@dataclass
class FakePost:
    author_id: int = 100
    number: int = 2
    hidden: bool = False
    deleted: bool = False
    held: bool = False


@pytest.mark.parametrize("kind", list(VIEWERS))
@pytest.mark.parametrize(
    "post",
    [FakePost(), FakePost(hidden=True), FakePost(deleted=True), FakePost(hidden=True, held=True)],
    ids=["plain", "hidden", "deleted", "held"],
)
@pytest.mark.parametrize("access", [PUBLIC, BRANCH], ids=["public", "branch"])
def test_bookmarks_and_likers_follow_reading(
    kind: str, post: FakePost, access: BoardAccess
) -> None:
    viewer = VIEWERS[kind]
    topic = FakeTopic(access)
    reads = can_see_post_body(viewer, topic, post)
    assert can_see_likers(viewer, topic, post) is reads
    signed_in = viewer.is_authenticated and not viewer.suspended
    assert can_bookmark_post(viewer, topic, post) is (reads and signed_in)
    if post == FakePost():
        assert can_bookmark_topic(viewer, topic) is (
            signed_in
            and (
                access is PUBLIC
                or kind in {"same_branch", "same_branch_group", "self", "gb_admin", "site_admin"}
            )
        )


def test_a_silenced_member_may_still_bookmark() -> None:
    silenced = dataclasses.replace(VIEWERS["same_branch"], silenced=True)
    assert can_bookmark_topic(silenced, FakeTopic(PUBLIC))
    assert can_bookmark_post(silenced, FakeTopic(PUBLIC), FakePost())
