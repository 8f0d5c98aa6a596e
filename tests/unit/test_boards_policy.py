"""The board grant matrix, table-driven: statuses x scopes x org relations, per verb."""

from __future__ import annotations

import dataclasses
from types import SimpleNamespace

import pytest

from forum.policy import (
    ANONYMOUS,
    BoardAccess,
    GrantRule,
    RoleGrant,
    Viewer,
    can_accept_post,
    can_admin_board,
    can_compose,
    can_delete_post,
    can_edit_post,
    can_like_post,
    can_moderate_board,
    can_read_board,
    can_read_topic,
    can_receive_topic_event,
    can_reply_board,
    can_reply_topic,
    can_see_board,
    can_see_post_body,
    can_start_topic,
    readable_board_ids,
)

BOARD_PATH = "/1/2/4/"
RELATION_PATHS = {
    "same": BOARD_PATH,
    "ancestor": "/1/2/",
    "descendant": "/1/2/4/9/",
    "sibling": "/1/2/5/",
    "unrelated": "/7/8/",
}
STATUSES = ("visitor", "applicant", "activist", "probationary", "full", "silenced", "sanctioned")
SCOPES = ("anyone", "logged_in", "org_subtree", "org_only")


def make_viewer(status: str, relation: str) -> Viewer:
    if status == "visitor":
        return ANONYMOUS
    member_status = status if status in {"applicant", "activist", "probationary"} else "full"
    return Viewer(
        user_id=10,
        username="u",
        member_id=20,
        status=member_status,
        org_id=99,
        org_path=RELATION_PATHS[relation],
        silenced=status == "silenced",
        on_probation_sanction=status == "sanctioned",
    )


def board(
    scope: str,
    *,
    min_status: str = "probationary",
    deny_sanctioned: bool = True,
    hidden: bool = False,
    org_path: str | None = BOARD_PATH,
) -> BoardAccess:
    open_rule = GrantRule("public", "anyone")
    rule = GrantRule(min_status, scope, deny_sanctioned)
    return BoardAccess(
        board_id=5,
        org_id=4 if org_path else None,
        org_path=org_path,
        hidden=hidden,
        grants={"see": open_rule, "read": rule, "start_topic": rule, "reply": rule},
    )


# Which relations each scope admits, written out (not computed by the code under test).
SCOPE_ADMITS = {
    "anyone": {"same", "ancestor", "descendant", "sibling", "unrelated"},
    "logged_in": {"same", "ancestor", "descendant", "sibling", "unrelated"},
    "org_subtree": {"same", "descendant"},
    "org_only": {"same"},
}
# Statuses at or above probationary, before the denies.
RANK_OK = {"probationary", "full", "silenced", "sanctioned"}


@pytest.mark.parametrize("status", STATUSES)
@pytest.mark.parametrize("scope", SCOPES)
@pytest.mark.parametrize("relation", list(RELATION_PATHS))
def test_matrix_read_and_reply(status: str, scope: str, relation: str) -> None:
    viewer = make_viewer(status, relation)
    access = board(scope)
    visitor_ok = scope == "anyone" and status == "visitor"
    base = visitor_ok or (
        status != "visitor" and status in RANK_OK and relation in SCOPE_ADMITS[scope]
    )
    # min_status probationary excludes the visitor even on "anyone".
    base = base and status != "visitor"
    expected_read = base and status != "sanctioned"
    expected_reply = expected_read and status != "silenced"
    assert can_see_board(viewer, access) is True
    assert can_read_board(viewer, access) is expected_read
    assert can_reply_board(viewer, access) is expected_reply
    assert can_start_topic(viewer, access) is expected_reply


@pytest.mark.parametrize(
    ("status", "relation", "read", "reply"),
    [
        ("visitor", "unrelated", True, False),  # visitors read public boards, never write
        ("applicant", "same", True, True),
        ("applicant", "unrelated", True, True),
        ("silenced", "same", True, False),
        ("sanctioned", "same", True, True),  # this grant does not exclude discipline flags
    ],
)
def test_public_board_open_to_all_statuses(
    status: str, relation: str, read: bool, reply: bool
) -> None:
    access = board("anyone", min_status="public", deny_sanctioned=False)
    viewer = make_viewer(status, relation)
    assert can_read_board(viewer, access) is read
    assert can_reply_board(viewer, access) is reply


def test_site_board_org_scopes_mean_any_member() -> None:
    access = board("org_subtree", org_path=None)
    assert can_read_board(make_viewer("full", "unrelated"), access)
    assert not can_read_board(Viewer(user_id=3, username="public"), access)


def test_floating_member_counts_in_host_org() -> None:
    access = board("org_only")
    guest = dataclasses.replace(
        make_viewer("full", "sibling"), floating=True, host_org_path=BOARD_PATH
    )
    assert can_read_board(guest, access)


def test_membership_suspended_is_ranked_as_public() -> None:
    viewer = dataclasses.replace(make_viewer("full", "same"), membership_suspended=True)
    assert not can_read_board(viewer, board("org_only", deny_sanctioned=False))


def test_suspended_account_reads_like_a_visitor_and_writes_nothing() -> None:
    viewer = dataclasses.replace(make_viewer("full", "same"), suspended=True)
    public = board("anyone", min_status="public", deny_sanctioned=False)
    assert can_read_board(viewer, public)
    assert not can_reply_board(viewer, public)
    assert not can_read_board(viewer, board("org_only"))


def test_hidden_board_and_hidden_parent_visible_to_moderators_only() -> None:
    access = board("anyone", min_status="public", hidden=True)
    member = make_viewer("full", "same")
    assert not can_see_board(member, access)
    assert not can_read_board(member, access)
    assert not can_see_board(ANONYMOUS, access)
    moderator = dataclasses.replace(member, board_moderator_ids=frozenset({5}))
    assert can_see_board(moderator, access)
    assert can_moderate_board(moderator, access)


def test_moderators_and_admins() -> None:
    access = board("org_only")
    site_mod = Viewer(user_id=1, roles=(RoleGrant("moderator", None, None),))
    org_admin = Viewer(user_id=2, roles=(RoleGrant("secretary", 2, "/1/2/"),))
    sibling_admin = Viewer(user_id=3, roles=(RoleGrant("secretary", 3, "/1/3/"),))
    site_admin = Viewer(user_id=4, roles=(RoleGrant("site_admin", None, None),))
    assert can_moderate_board(site_mod, access)  # site moderators moderate every board (issue 5)
    site_board = board("anyone", org_path=None)
    assert can_moderate_board(site_mod, site_board) and not can_admin_board(site_mod, site_board)
    assert can_admin_board(org_admin, access) and can_read_board(org_admin, access)
    assert not can_moderate_board(sibling_admin, access)
    org_mod = Viewer(user_id=5, roles=(RoleGrant("moderator", 2, "/1/2/"),))
    elsewhere_mod = Viewer(user_id=6, roles=(RoleGrant("moderator", 3, "/1/3/"),))
    assert can_moderate_board(org_mod, access) and not can_moderate_board(elsewhere_mod, access)
    assert not can_read_board(sibling_admin, access)
    assert can_admin_board(site_admin, board("anyone", org_path=None))
    assert not can_admin_board(org_admin, board("anyone", org_path=None))
    silenced_mod = dataclasses.replace(site_mod, silenced=True)
    assert not can_reply_board(silenced_mod, site_board)  # deny wins over moderator rights
    moderate_grant = dataclasses.replace(
        access, grants={**access.grants, "moderate": GrantRule("full", "org_only")}
    )
    assert can_moderate_board(make_viewer("full", "same"), moderate_grant)
    assert not can_moderate_board(make_viewer("probationary", "same"), moderate_grant)


@pytest.mark.parametrize(
    ("status", "expected"),
    [(s, s not in {"visitor", "silenced"}) for s in STATUSES],
)
def test_compose_helpers_for_anyone_who_may_write(status: str, expected: bool) -> None:
    viewer = make_viewer(status, "unrelated")
    assert can_compose(viewer) is expected
    assert not can_compose(dataclasses.replace(viewer, suspended=True))


def test_verb_without_grant_row_is_nobodys() -> None:
    access = BoardAccess(board_id=1, grants={"see": GrantRule(), "read": GrantRule()})
    assert can_read_board(ANONYMOUS, access)
    assert not can_reply_board(make_viewer("full", "same"), access)


def topic_of(access: BoardAccess, **overrides: object) -> SimpleNamespace:
    fields = {"author_id": 10, "closed": False, "hidden": False, "held": False, "access": access}
    fields.update(overrides)
    return SimpleNamespace(**fields)


def post_of(**overrides: object) -> SimpleNamespace:
    fields = {"author_id": 10, "number": 2, "hidden": False, "deleted": False, "held": False}
    fields.update(overrides)
    return SimpleNamespace(**fields)


def test_topic_and_post_rules() -> None:
    access = dataclasses.replace(board("anyone", min_status="public"), kind="consultation")
    author = make_viewer("full", "same")
    other = dataclasses.replace(author, user_id=11)
    moderator = dataclasses.replace(other, board_moderator_ids=frozenset({5}))
    topic, closed, hidden = (
        topic_of(access),
        topic_of(access, closed=True),
        topic_of(access, hidden=True),
    )
    post = post_of()
    assert can_reply_topic(author, topic) and not can_reply_topic(author, closed)
    assert can_reply_topic(moderator, closed)
    assert not can_read_topic(other, hidden) and can_read_topic(moderator, hidden)
    assert can_edit_post(author, topic, post) and not can_edit_post(other, topic, post)
    assert not can_edit_post(author, closed, post) and can_edit_post(moderator, closed, post)
    assert can_delete_post(author, topic, post)
    assert not can_delete_post(author, topic, post_of(number=1))
    assert not can_delete_post(author, topic, post_of(deleted=True))
    assert can_like_post(other, topic, post) and not can_like_post(author, topic, post)
    assert not can_see_post_body(other, topic, post_of(hidden=True))
    assert can_see_post_body(moderator, topic, post_of(hidden=True))
    assert not can_see_post_body(moderator, topic, post_of(deleted=True))
    # Accepted answers: consultation boards only; the asker (topic author) or a moderator.
    answer = post_of(author_id=11)
    assert can_accept_post(author, topic, answer) and can_accept_post(moderator, topic, answer)
    assert not can_accept_post(dataclasses.replace(author, user_id=12), topic, answer)
    assert not can_accept_post(author, topic, post_of(number=1))
    plain = topic_of(dataclasses.replace(access, kind="discussion"))
    assert not can_accept_post(author, plain, answer)


def test_realtime_filter_matches_page_rules() -> None:
    access = board("org_only", deny_sanctioned=False)
    audience = {"board": access.to_dict(), "topic_hidden": False, "post_hidden": False}
    assert BoardAccess.from_dict(access.to_dict()) == access
    assert can_receive_topic_event(make_viewer("full", "same"), audience)
    assert not can_receive_topic_event(make_viewer("full", "sibling"), audience)
    assert not can_receive_topic_event(ANONYMOUS, audience)
    hidden = {**audience, "post_hidden": True}
    assert not can_receive_topic_event(make_viewer("full", "same"), hidden)
    mod = dataclasses.replace(make_viewer("full", "sibling"), board_moderator_ids=frozenset({5}))
    assert can_receive_topic_event(mod, hidden)
    assert not can_receive_topic_event(mod, {"board": None})


def test_readable_board_ids_filters() -> None:
    public = board("anyone", min_status="public")
    private = dataclasses.replace(board("org_only"), board_id=6)
    assert readable_board_ids(ANONYMOUS, [public, private]) == [5]
    assert readable_board_ids(make_viewer("full", "same"), [public, private]) == [5, 6]


def test_org_scopes_need_a_member_record_and_unknown_scopes_admit_nobody() -> None:
    signed_in = Viewer(user_id=30, username="visitor")
    assert not can_read_board(signed_in, board("org_subtree", min_status="public"))
    assert not can_read_board(make_viewer("full", "same"), board("nowhere", min_status="public"))


def test_suspended_admin_cannot_admin_the_board() -> None:
    admin = Viewer(user_id=1, roles=(RoleGrant("site_admin", None, None),))
    assert can_admin_board(admin, board("anyone"))
    assert not can_admin_board(dataclasses.replace(admin, suspended=True), board("anyone"))


def test_silenced_asker_cannot_accept_an_answer() -> None:
    access = dataclasses.replace(board("anyone", min_status="public"), kind="consultation")
    asker = dataclasses.replace(make_viewer("full", "same"), silenced=True)
    assert not can_accept_post(asker, topic_of(access), post_of(author_id=11))


def test_hidden_topic_events_reach_moderators_only() -> None:
    access = board("org_only", deny_sanctioned=False)
    audience = {"board": access.to_dict(), "topic_hidden": True, "post_hidden": False}
    mod = dataclasses.replace(make_viewer("full", "sibling"), board_moderator_ids=frozenset({5}))
    assert not can_receive_topic_event(make_viewer("full", "same"), audience)
    assert can_receive_topic_event(mod, audience)
