"""Navigation from the policy: each viewer gets exactly the top-level links they can use."""

from __future__ import annotations

from dataclasses import replace

import pytest

from forum.policy import (
    ANONYMOUS,
    RoleGrant,
    Viewer,
    can_open_manage_hub,
    can_use_member_tools,
    nav_links,
)

BRANCH = "/1/2/3/"
PUBLIC_KEYS = ["home", "forum", "meetings", "disclosures"]


def viewer(*roles: tuple[str, str | None], member: bool = True, **flags: bool) -> Viewer:
    grants = tuple(RoleGrant(role, 3 if path else None, path) for role, path in roles)
    return Viewer(
        user_id=10,
        username="u",
        member_id=20 if member else None,
        status="full" if member else "public",
        org_id=3 if member else None,
        org_path=BRANCH if member else None,
        home_path=BRANCH if member else None,
        roles=grants,
        **flags,
    )


CASES = [
    ("anonymous", ANONYMOUS, PUBLIC_KEYS),
    ("visitor", viewer(member=False), [*PUBLIC_KEYS, "me", "todo"]),
    ("member", viewer(), [*PUBLIC_KEYS, "members", "learning", "me", "todo"]),
    (
        "group_leader",
        viewer(("group_leader", BRANCH)),
        [*PUBLIC_KEYS, "members", "learning", "me", "todo"],
    ),
    (
        "site_moderator",
        viewer(("moderator", None)),
        [*PUBLIC_KEYS, "members", "learning", "me", "todo", "admin"],
    ),
    (
        "org_moderator",
        viewer(("moderator", BRANCH)),
        [*PUBLIC_KEYS, "members", "learning", "me", "todo", "admin"],
    ),
    (
        "publisher",
        viewer(("publisher", BRANCH)),
        [*PUBLIC_KEYS, "members", "learning", "me", "todo", "admin"],
    ),
    (
        "publicity",
        viewer(("publicity_member", BRANCH)),
        [*PUBLIC_KEYS, "members", "learning", "me", "todo", "admin"],
    ),
    (
        "discipline",
        viewer(("discipline_member", BRANCH)),
        [*PUBLIC_KEYS, "members", "learning", "me", "todo", "admin"],
    ),
    (
        "secretary",
        viewer(("secretary", BRANCH)),
        [*PUBLIC_KEYS, "members", "learning", "me", "todo", "admin"],
    ),
    (
        "org_admin",
        viewer(("org_admin", BRANCH)),
        [*PUBLIC_KEYS, "members", "learning", "me", "todo", "admin"],
    ),
    (
        "site_admin_no_member",
        viewer(("site_admin", None), member=False),
        [*PUBLIC_KEYS, "members", "learning", "me", "todo", "admin"],
    ),
    (
        "suspended_secretary",
        viewer(("secretary", BRANCH), suspended=True),
        [*PUBLIC_KEYS, "me", "todo"],
    ),
    (
        "board_moderator",
        replace(viewer(), board_moderator_ids=frozenset({7})),
        [*PUBLIC_KEYS, "members", "learning", "me", "todo", "admin"],
    ),
    # A suspended account moderates nothing: no 管理 link to a hub of tools that refuse it
    # (the review queue once let board moderator grants through a suspension).
    (
        "suspended_board_moderator",
        replace(viewer(suspended=True), board_moderator_ids=frozenset({7})),
        [*PUBLIC_KEYS, "me", "todo"],
    ),
]


@pytest.mark.parametrize(("name", "who", "keys"), CASES, ids=[c[0] for c in CASES])
def test_nav_links_per_viewer(name: str, who: Viewer, keys: list[str]) -> None:
    assert [link.key for link in nav_links(who)] == keys


def test_manage_link_goes_to_the_hub() -> None:
    (admin,) = [link for link in nav_links(viewer(("moderator", None))) if link.key == "admin"]
    assert (admin.href, admin.label) == ("/manage", "管理")


@pytest.mark.parametrize(("name", "who", "keys"), CASES, ids=[c[0] for c in CASES])
def test_every_registered_manage_tool_implies_the_hub_opens(
    name: str, who: Viewer, keys: list[str]
) -> None:
    """The hub's tools come from the parts; the 管理 link from the policy. A tool visible to
    someone for whom `can_open_manage_hub` is false would be a tool nobody can reach."""
    from forum import site
    from forum.manage import LINKS

    site.install()  # every part's tools, as the app installs them
    tools = list(LINKS)
    assert {t.href for t in tools} >= {"/admin", "/moderation", "/disclosures/work"}
    for tool in tools:
        assert not tool.visible(who) or can_open_manage_hub(who), tool.href


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        (ANONYMOUS, False),
        (viewer(), False),
        (viewer(("publisher", BRANCH)), False),
        (viewer(("secretary", BRANCH)), True),
        (viewer(("org_admin", BRANCH)), True),
        (viewer(("site_admin", None), member=False), True),
        (viewer(("secretary", BRANCH), suspended=True), False),
        (viewer(("site_admin", None), suspended=True), False),
    ],
)
def test_member_tools_for_org_and_site_admins_only(who: Viewer, expected: bool) -> None:
    assert can_use_member_tools(who) is expected
