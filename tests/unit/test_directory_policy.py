"""Policy matrix for the directory: field visibility, reveal, transfers (no DB)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from forum.policy import (
    RoleGrant,
    Viewer,
    can_accept_transfer,
    can_approve_transfer,
    can_request_transfer,
    can_reveal_id_number,
    can_see_member_field,
    can_see_transfer,
    directory_scope_paths,
)


@dataclass
class FakeOrg:
    path: str
    is_active: bool = True


@dataclass
class FakeMember:
    id: int
    org: FakeOrg


@dataclass
class FakeTransfer:
    member_id: int
    from_org: FakeOrg
    to_org: FakeOrg


BRANCH_A = FakeOrg("/1/2/4/")
BRANCH_B = FakeOrg("/1/2/5/")
OTHER = FakeOrg("/9/10/")
TARGET = FakeMember(100, BRANCH_A)


def member_of(path: str, member_id: int = 1) -> Viewer:
    return Viewer(
        user_id=member_id, member_id=member_id, status="full", org_path=path, home_path=path
    )


def admin_of(path: str, role: str = "org_admin") -> Viewer:
    return Viewer(user_id=50, roles=(RoleGrant(role, 2, path),))


VIEWERS = {
    "anonymous": Viewer(),
    "same_branch": member_of("/1/2/4/"),
    "sibling_branch": member_of("/1/2/5/"),
    "self": member_of("/1/2/4/", member_id=100),
    "gb_admin": admin_of("/1/2/"),
    "sibling_secretary": Viewer(
        user_id=51,
        member_id=51,
        org_path="/1/2/5/",
        home_path="/1/2/5/",
        roles=(RoleGrant("secretary", 5, "/1/2/5/"),),
    ),
    "other_committee_admin": admin_of("/9/"),
    "site_admin": Viewer(user_id=99, roles=(RoleGrant("site_admin", None, None),)),
    "suspended_admin": Viewer(
        user_id=52, suspended=True, roles=(RoleGrant("org_admin", 2, "/1/2/"),)
    ),
}
# viewer -> (name, phone, id_number, changes, reveal)
EXPECTED = {
    "anonymous": (False, False, False, False, False),
    "same_branch": (True, False, False, False, False),
    "sibling_branch": (False, False, False, False, False),
    "self": (True, True, True, False, False),
    "gb_admin": (True, True, True, True, True),
    "sibling_secretary": (False, False, False, False, False),
    "other_committee_admin": (False, False, False, False, False),
    "site_admin": (True, True, True, True, True),
    "suspended_admin": (False, False, False, False, False),
}


@pytest.mark.parametrize("who", sorted(EXPECTED))
def test_member_field_visibility_matrix(who: str) -> None:
    viewer = VIEWERS[who]
    target = TARGET  # type: ignore[assignment]
    got = (
        can_see_member_field(viewer, target, "name"),  # type: ignore[arg-type]
        can_see_member_field(viewer, target, "phone"),  # type: ignore[arg-type]
        can_see_member_field(viewer, target, "id_number"),  # type: ignore[arg-type]
        can_see_member_field(viewer, target, "changes"),  # type: ignore[arg-type]
        can_reveal_id_number(viewer, target).allowed,  # type: ignore[arg-type]
    )
    assert got == EXPECTED[who]


def test_unknown_field_is_hidden_even_from_admins() -> None:
    assert not can_see_member_field(VIEWERS["site_admin"], TARGET, "password_hash")  # type: ignore[arg-type]


def test_transfer_sides() -> None:
    slip = FakeTransfer(100, BRANCH_A, OTHER)
    out_admin, in_admin = admin_of("/1/2/"), admin_of("/9/")
    assert can_see_transfer(out_admin, slip) and can_see_transfer(in_admin, slip)  # type: ignore[arg-type]
    assert can_approve_transfer(out_admin, slip) and not can_approve_transfer(in_admin, slip)  # type: ignore[arg-type]
    assert can_accept_transfer(in_admin, slip) and not can_accept_transfer(out_admin, slip)  # type: ignore[arg-type]
    assert can_see_transfer(member_of("/1/2/4/", 100), slip)  # type: ignore[arg-type]
    assert not can_see_transfer(VIEWERS["sibling_secretary"], slip)  # type: ignore[arg-type]


def test_directory_scope_paths() -> None:
    assert directory_scope_paths(VIEWERS["site_admin"]) is None
    assert directory_scope_paths(VIEWERS["anonymous"]) == ()
    assert directory_scope_paths(VIEWERS["suspended_admin"]) == ()
    assert set(directory_scope_paths(VIEWERS["sibling_secretary"]) or ()) == {"/1/2/5/"}


def test_transfer_requests_from_admins_and_the_member_not_when_suspended() -> None:
    member = FakeMember(7, BRANCH_A)
    admin = Viewer(user_id=1, roles=(RoleGrant("org_admin", 4, BRANCH_A.path),))
    own = Viewer(user_id=2, member_id=7, org_path=BRANCH_A.path)
    assert can_request_transfer(admin, member) and can_request_transfer(own, member)  # type: ignore[arg-type]
    assert not can_request_transfer(Viewer(user_id=3, member_id=8), member)  # type: ignore[arg-type]
    suspended = Viewer(user_id=2, member_id=7, org_path=BRANCH_A.path, suspended=True)
    assert not can_request_transfer(suspended, member)  # type: ignore[arg-type]
