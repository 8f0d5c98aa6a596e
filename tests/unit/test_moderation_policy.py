"""Moderation scope rules, table-driven (no DB): own content, self-sanction, the audit log."""

from __future__ import annotations

import pytest

from forum.policy import (
    ContentRef,
    RoleGrant,
    SanctionTargetRef,
    Viewer,
    can_moderate_content,
    can_sanction_user,
    can_view_audit_entry,
    moderation_paths,
)

BRANCH = "/1/2/3/"
SIBLING = "/1/2/5/"
SITE_ADMIN = Viewer(user_id=1, roles=(RoleGrant("site_admin", None, None),))
MODERATOR = Viewer(user_id=2, roles=(RoleGrant("moderator", 3, BRANCH),))
ORG_ADMIN = Viewer(user_id=3, roles=(RoleGrant("org_admin", 3, BRANCH),))
SUSPENDED_ADMIN = Viewer(user_id=4, roles=(RoleGrant("org_admin", 3, BRANCH),), suspended=True)


def test_moderators_never_moderate_their_own_content() -> None:
    assert can_moderate_content(MODERATOR, ContentRef(author_id=9, org_path=BRANCH))
    assert not can_moderate_content(MODERATOR, ContentRef(author_id=2, org_path=BRANCH))


def test_nobody_sanctions_themselves() -> None:
    assert can_sanction_user(MODERATOR, SanctionTargetRef(user_id=9, org_path=BRANCH))
    assert not can_sanction_user(MODERATOR, SanctionTargetRef(user_id=2, org_path=BRANCH))


@pytest.mark.parametrize(
    ("viewer", "org_path", "expected"),
    [
        (SITE_ADMIN, "", True),
        (SITE_ADMIN, SIBLING, True),
        (ORG_ADMIN, BRANCH + "4/", True),
        (ORG_ADMIN, SIBLING, False),
        (ORG_ADMIN, "", False),  # site-wide entries: site admins only
        (SUSPENDED_ADMIN, BRANCH, False),
        (MODERATOR, BRANCH, False),  # moderators read the review queue, not the audit log
    ],
)
def test_audit_entry_visibility(viewer: Viewer, org_path: str, expected: bool) -> None:
    assert can_view_audit_entry(viewer, org_path) is expected


def test_suspended_moderators_moderate_nowhere() -> None:
    assert moderation_paths(MODERATOR) == (BRANCH,)
    assert moderation_paths(Viewer(user_id=2, roles=MODERATOR.roles, suspended=True)) == ()
