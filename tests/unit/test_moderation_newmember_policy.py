"""Who the new-member rules spare, and who sees content held for review (pure policy)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from forum.policy import (
    ANONYMOUS,
    RoleGrant,
    Viewer,
    can_see_held_content,
    is_confirmed_member,
    is_exempt_from_new_member_rules,
)

PUBLIC = Viewer(user_id=1, username="public")  # an account without a member record (群众)
MEMBER = Viewer(user_id=2, username="full", member_id=20, status="full", org_path="/1/2/")
APPLICANT = Viewer(user_id=3, username="app", member_id=30, status="applicant", org_path="/1/2/")
SUSPENDED_MEMBERSHIP = Viewer(
    user_id=4, username="stop", member_id=40, status="full", membership_suspended=True
)
SITE_MOD = Viewer(user_id=5, username="mod", roles=(RoleGrant("moderator", None, None),))
ORG_MOD = Viewer(user_id=6, username="omod", roles=(RoleGrant("moderator", 2, "/1/2/"),))
BOARD_MOD = Viewer(user_id=7, username="bmod", board_moderator_ids=frozenset({9}))
BANNED_MEMBER = Viewer(user_id=8, username="ban", member_id=80, status="full", suspended=True)


@pytest.mark.parametrize(
    ("viewer", "trusted", "untrusted"),
    [
        (ANONYMOUS, False, False),
        (PUBLIC, False, False),
        (MEMBER, True, False),
        (APPLICANT, True, False),  # the org has a record on file: confirmed
        (SUSPENDED_MEMBERSHIP, False, False),  # 停止党籍 suspends the standing
        (SITE_MOD, True, True),
        (ORG_MOD, True, True),
        (BOARD_MOD, True, True),
        (BANNED_MEMBER, False, False),
    ],
)
def test_exempt_from_new_member_rules(viewer: Viewer, trusted: bool, untrusted: bool) -> None:
    assert is_exempt_from_new_member_rules(viewer, trust_confirmed=True) is trusted
    assert is_exempt_from_new_member_rules(viewer, trust_confirmed=False) is untrusted


def test_confirmed_member_means_a_linked_record_in_good_standing() -> None:
    assert is_confirmed_member(MEMBER) and is_confirmed_member(APPLICANT)
    assert not is_confirmed_member(PUBLIC) and not is_confirmed_member(SUSPENDED_MEMBERSHIP)


@pytest.mark.parametrize(
    ("viewer", "author_id", "held", "expected"),
    [
        (PUBLIC, 1, True, True),  # the author, while held
        (PUBLIC, 1, False, False),  # hidden by a moderator: not through this rule
        (MEMBER, 1, True, False),  # someone else
        (ANONYMOUS, None, True, False),
        (Viewer(user_id=1, suspended=True), 1, True, False),
    ],
)
def test_can_see_held_content(
    viewer: Viewer, author_id: int | None, held: bool, expected: bool
) -> None:
    item = SimpleNamespace(author_id=author_id, held=held)
    assert can_see_held_content(viewer, item) is expected
