"""The role fixtures (tests/conftest.py) are who their names say, in the policy's eyes."""

from __future__ import annotations

from forum.policy import (
    Viewer,
    can_admin_site,
    can_administer_some_org,
    can_manage_org,
    is_site_moderator,
)
from tests.factories import Tree


async def test_member_and_visitor_hold_no_role(member: Viewer, visitor: Viewer) -> None:
    assert member.is_member and member.status == "full" and member.roles == ()
    assert visitor.is_authenticated and not visitor.is_member and visitor.roles == ()


async def test_branch_secretary_manages_the_branch_only(
    tree: Tree, branch_secretary: Viewer
) -> None:
    assert can_manage_org(branch_secretary, tree.branch_a)
    assert not can_manage_org(branch_secretary, tree.branch_b)


async def test_org_admin_manages_the_committee_tree(tree: Tree, org_admin: Viewer) -> None:
    assert can_manage_org(org_admin, tree.branch_c) and can_administer_some_org(org_admin)
    assert not can_manage_org(org_admin, tree.branch_x) and not can_admin_site(org_admin)


async def test_site_roles_and_anonymous(
    moderator: Viewer, site_admin: Viewer, anonymous: Viewer
) -> None:
    assert is_site_moderator(moderator) and not can_admin_site(moderator)
    assert can_admin_site(site_admin)
    assert not anonymous.is_authenticated
