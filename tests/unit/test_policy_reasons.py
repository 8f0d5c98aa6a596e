"""Decisions carry their reason: refusals explain themselves, so callers never restate a rule
to get a message (issue 15, "One policy"). Tables per predicate: viewer -> reason (None when
allowed)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from types import SimpleNamespace

import pytest

from forum.errors import Forbidden, NotFound
from forum.policy import (
    ALLOWED,
    ANONYMOUS,
    EVERYTHING,
    NOTHING,
    TRANSFER_STEPS,
    BoardAccess,
    ContentRef,
    Decision,
    GrantRule,
    RoleGrant,
    SanctionTargetRef,
    Viewer,
    allowed_transfer_steps,
    can_flag_content,
    can_lift_sanction,
    can_moderate_content,
    can_move_topic_to,
    can_pin_site_wide,
    can_post_or_speak,
    can_reply_topic,
    can_sanction_user,
    can_split_posts,
    can_steer_topic,
    can_take_transfer_step,
    can_use_account,
    can_view_review_queue,
    disclosure_draft_orgs,
    disclosure_work_filters,
    ensure,
    ensure_visible,
    managed_orgs,
    refused,
    transfer_letter_expired,
    transfer_letter_last_day,
    visible_meetings,
    visible_review_items,
    visible_sanctions,
    visible_transfers,
)

BRANCH = "/1/2/4/"
SIBLING = "/1/2/5/"
MEMBER = Viewer(user_id=10, username="m", member_id=20, status="full", org_path=BRANCH)
AUTHOR = Viewer(user_id=30, username="a", member_id=40, status="full", org_path=BRANCH)
ORG_MODERATOR = Viewer(user_id=50, username="om", roles=(RoleGrant("moderator", 4, BRANCH),))
SITE_MODERATOR = Viewer(user_id=60, username="sm", roles=(RoleGrant("moderator", None, None),))
SUSPENDED_MODERATOR = replace(SITE_MODERATOR, suspended=True)
SILENCED = replace(MEMBER, silenced=True)
SUSPENDED = replace(MEMBER, suspended=True)

NOT_IN_SCOPE = "该内容不在您的管理范围内"


def verdict(decision: Decision) -> str | None:
    """The reason of a refusal, None when allowed; a refusal always has a reason."""
    assert isinstance(decision, Decision)
    if decision:
        assert decision.reason is None
        return None
    assert decision.reason
    return decision.reason


def test_a_decision_reads_like_the_bool_it_replaces() -> None:
    assert ALLOWED and not refused("不行")
    assert [d for d in (ALLOWED, refused("不行")) if d] == [ALLOWED]


def test_ensure_raises_forbidden_with_the_reason() -> None:
    ensure(ALLOWED)
    with pytest.raises(Forbidden) as refusal:
        ensure(refused("主题已关闭，无法回复"))
    assert refusal.value.message == "主题已关闭，无法回复"
    with pytest.raises(Forbidden) as plain:
        ensure(False)
    assert plain.value.message == Forbidden.default_message


def test_ensure_visible_never_tells_why() -> None:
    ensure_visible(ALLOWED)
    with pytest.raises(NotFound) as missing:
        ensure_visible(refused("该内容不在您的管理范围内"))
    assert missing.value.message == NotFound.default_message


def test_can_use_account() -> None:
    assert verdict(can_use_account(MEMBER)) is None
    assert verdict(can_use_account(ANONYMOUS)) == "请先登录"


@pytest.mark.parametrize(
    ("viewer", "reason"),
    [
        (MEMBER, None),
        (ANONYMOUS, "请先登录"),
        (SUSPENDED, "您的账号已被封禁"),
        (SILENCED, "您已被禁言，禁言期间可以浏览，但不能发帖或发言"),
        (replace(SILENCED, suspended=True), "您的账号已被封禁"),
    ],
)
def test_can_post_or_speak(viewer: Viewer, reason: str | None) -> None:
    """The rule the rate limiter asks before counting anything."""
    assert verdict(can_post_or_speak(viewer)) == reason


OWN = "不能处理自己发布的内容，请交由其他管理员处理"


@pytest.mark.parametrize(
    ("viewer", "content", "reason"),
    [
        (ORG_MODERATOR, ContentRef(author_id=30, org_path=BRANCH), None),
        (ORG_MODERATOR, ContentRef(author_id=30, org_path=SIBLING), NOT_IN_SCOPE),
        (ORG_MODERATOR, ContentRef(author_id=50, org_path=BRANCH), OWN),
        (SITE_MODERATOR, ContentRef(author_id=60, org_path=SIBLING), OWN),
        (SITE_MODERATOR, ContentRef(author_id=30, org_path=SIBLING), None),
        (SUSPENDED_MODERATOR, ContentRef(author_id=30, org_path=SIBLING), NOT_IN_SCOPE),
        (MEMBER, ContentRef(author_id=30, org_path=BRANCH), NOT_IN_SCOPE),
        (replace(MEMBER, board_moderator_ids=frozenset({5})), ContentRef(30, BRANCH, 5), None),
        (ANONYMOUS, ContentRef(author_id=None, org_path=BRANCH), NOT_IN_SCOPE),
    ],
)
def test_can_moderate_content(viewer: Viewer, content: ContentRef, reason: str | None) -> None:
    assert verdict(can_moderate_content(viewer, content)) == reason


@pytest.mark.parametrize(
    ("viewer", "author_id", "reason"),
    [
        (MEMBER, 30, None),
        (MEMBER, 10, "不能举报自己发布的内容"),
        (ANONYMOUS, 30, "请先登录"),
        (SUSPENDED, 30, "您的账号已被封禁"),
        (SILENCED, 30, None),  # a silenced account may still report
    ],
)
def test_can_flag_content(viewer: Viewer, author_id: int, reason: str | None) -> None:
    assert verdict(can_flag_content(viewer, ContentRef(author_id=author_id))) == reason


@pytest.mark.parametrize(
    ("viewer", "target", "reason"),
    [
        (ORG_MODERATOR, SanctionTargetRef(30, BRANCH), None),
        (ORG_MODERATOR, SanctionTargetRef(50, BRANCH), "不能处理自己的账号"),
        (ORG_MODERATOR, SanctionTargetRef(30, SIBLING), "该账号不在您的管理范围内"),
        (ORG_MODERATOR, SanctionTargetRef(30, ""), "该账号不在您的管理范围内"),  # no member
        (SITE_MODERATOR, SanctionTargetRef(30, ""), None),
        (SUSPENDED_MODERATOR, SanctionTargetRef(30, BRANCH), "该账号不在您的管理范围内"),
    ],
)
def test_can_sanction_and_lift(
    viewer: Viewer, target: SanctionTargetRef, reason: str | None
) -> None:
    assert verdict(can_sanction_user(viewer, target)) == reason
    assert verdict(can_lift_sanction(viewer, target)) == reason


def test_can_pin_site_wide() -> None:
    refusal = "只有全站管理员可以全站置顶或取消全站置顶"
    assert verdict(can_pin_site_wide(SITE_MODERATOR)) is None
    assert verdict(can_pin_site_wide(ORG_MODERATOR)) == refusal
    assert verdict(can_pin_site_wide(SUSPENDED_MODERATOR)) == refusal


# --- boards: replies and steering ------------------------------------------------------

OPEN = GrantRule("public", "anyone")
ACCESS = BoardAccess(
    board_id=5,
    org_id=4,
    org_path=BRANCH,
    grants={"see": OPEN, "read": OPEN, "reply": GrantRule("probationary", "org_subtree")},
)
OTHER_BOARD = BoardAccess(board_id=6, org_id=9, org_path="/7/8/")


def topic(author_id: int = 30, **overrides: object) -> SimpleNamespace:
    fields = {"author_id": author_id, "closed": False, "hidden": False, "held": False}
    return SimpleNamespace(**{**fields, "access": ACCESS, **overrides})


@pytest.mark.parametrize(
    ("viewer", "closed", "reason"),
    [
        (MEMBER, False, None),
        (MEMBER, True, "主题已关闭，无法回复"),
        (ORG_MODERATOR, True, None),  # moderators reply in closed topics
        (ANONYMOUS, False, "您不能在此版块回复"),
        (replace(MEMBER, org_path=SIBLING), False, "您不能在此版块回复"),
    ],
)
def test_can_reply_topic(viewer: Viewer, closed: bool, reason: str | None) -> None:
    assert verdict(can_reply_topic(viewer, topic(closed=closed))) == reason  # type: ignore[arg-type]


NOT_MODERATOR = "您不是该版块的版主"


@pytest.mark.parametrize(
    ("viewer", "author_id", "reason"),
    [
        (ORG_MODERATOR, 30, None),
        (ORG_MODERATOR, 50, "不能处理自己发起的主题，请交由其他版主处理"),
        (MEMBER, 30, NOT_MODERATOR),
        (SUSPENDED_MODERATOR, 30, NOT_MODERATOR),
    ],
)
def test_can_steer_topic(viewer: Viewer, author_id: int, reason: str | None) -> None:
    assert verdict(can_steer_topic(viewer, topic(author_id))) == reason  # type: ignore[arg-type]


def test_can_move_topic_to() -> None:
    assert verdict(can_move_topic_to(ORG_MODERATOR, ACCESS)) is None
    assert verdict(can_move_topic_to(ORG_MODERATOR, OTHER_BOARD)) == "您不是目标版块的版主"


def test_can_split_posts() -> None:
    others = [SimpleNamespace(author_id=30), SimpleNamespace(author_id=31)]
    own = [*others, SimpleNamespace(author_id=50)]
    assert verdict(can_split_posts(ORG_MODERATOR, topic(), others)) is None  # type: ignore[arg-type]
    assert verdict(can_split_posts(ORG_MODERATOR, topic(), own)) == (  # type: ignore[arg-type]
        "所选回帖中有您自己的回帖，请交由其他版主处理"
    )
    assert verdict(can_split_posts(MEMBER, topic(), others)) == NOT_MODERATOR  # type: ignore[arg-type]


# --- 组织关系接转: the step matrix -----------------------------------------------------------


@dataclass(frozen=True)
class Org:
    path: str


OUT_ORG, IN_ORG = Org(BRANCH), Org("/9/10/")


@dataclass
class Slip:
    state: str
    member_id: int = 20
    from_org: Org = OUT_ORG
    to_org: Org = IN_ORG
    letter_expires_on: dt.date | None = None


TODAY = dt.date(2026, 12, 2)
OUT_ADMIN = Viewer(user_id=70, roles=(RoleGrant("secretary", 4, BRANCH),))
IN_ADMIN = Viewer(user_id=71, roles=(RoleGrant("org_admin", 10, "/9/10/"),))
THE_MEMBER = MEMBER  # member_id 20: the member being transferred
NOT_A_SIDE = "您不能代表这一方办理此步骤"

# state -> viewer -> the steps they may take (written out, not computed by the code)
STEP_MATRIX = {
    "requested": {
        "out": ["approve", "reject", "withdraw"],
        "in": [],
        "member": ["withdraw"],
    },
    "approved": {
        "out": ["issue_letter", "reject", "withdraw"],
        "in": [],
        "member": ["withdraw"],
    },
    "letter_issued": {
        "out": ["reject", "withdraw"],
        "in": ["accept", "reject"],
        "member": ["withdraw"],
    },
    "accepted": {"out": [], "in": ["place"], "member": []},
    "placed": {"out": ["confirm_receipt"], "in": [], "member": []},
    "completed": {"out": [], "in": [], "member": []},
}
WHO = {"out": OUT_ADMIN, "in": IN_ADMIN, "member": THE_MEMBER}


@pytest.mark.parametrize(("state", "who"), [(state, who) for state in STEP_MATRIX for who in WHO])
def test_transfer_step_matrix(state: str, who: str) -> None:
    slip = Slip(state)
    assert allowed_transfer_steps(WHO[who], slip, TODAY) == STEP_MATRIX[state][who]
    for name in TRANSFER_STEPS:
        reason = verdict(can_take_transfer_step(WHO[who], slip, name, TODAY))
        if name in STEP_MATRIX[state][who]:
            assert reason is None
        elif state in TRANSFER_STEPS[name].sources:
            assert reason == NOT_A_SIDE
        else:
            assert reason == f"转接单当前状态不能{TRANSFER_STEPS[name].label}"


def test_an_expired_letter_allows_no_step() -> None:
    slip = Slip("letter_issued", letter_expires_on=TODAY - dt.timedelta(days=1))
    assert allowed_transfer_steps(IN_ADMIN, slip, TODAY) == []
    assert verdict(can_take_transfer_step(IN_ADMIN, slip, "accept", TODAY)) == (
        "介绍信已过期，请重新办理"
    )
    valid = Slip("letter_issued", letter_expires_on=TODAY)
    assert allowed_transfer_steps(IN_ADMIN, valid, TODAY) == ["accept", "reject"]


@pytest.mark.parametrize(
    ("day", "valid"),
    [(0, True), (1, True), (88, True), (89, True), (90, False), (91, False)],
)
def test_a_90_day_letter_counts_its_day_of_issue_as_the_first(day: int, valid: bool) -> None:
    issued = dt.date(2026, 3, 1)
    last = transfer_letter_last_day(issued, 90)
    assert last == dt.date(2026, 5, 29)  # 1 March + 89 days: the 90th day
    slip = Slip("letter_issued", letter_expires_on=last)
    on = issued + dt.timedelta(days=day)
    assert transfer_letter_expired(slip, on) is not valid
    assert (allowed_transfer_steps(IN_ADMIN, slip, on) == ["accept", "reject"]) is valid


def test_a_one_day_letter_is_valid_on_its_day_of_issue_only() -> None:
    issued = dt.date(2026, 12, 31)
    assert transfer_letter_last_day(issued, 1) == issued
    assert transfer_letter_last_day(issued, 0) == issued  # never before its own issue


def test_a_suspended_admin_takes_no_step() -> None:
    assert (
        allowed_transfer_steps(replace(OUT_ADMIN, suspended=True), Slip("requested"), TODAY) == []
    )


# --- list filters: the same rules as WHERE clauses ------------------------------------------


def test_list_filters_match_nothing_for_suspended_accounts() -> None:
    """The identity of NOTHING lets a query skip the round trip."""
    suspended_admin = replace(OUT_ADMIN, suspended=True)
    assert managed_orgs(suspended_admin) is NOTHING
    assert visible_transfers(suspended_admin) is NOTHING
    assert visible_meetings(replace(MEMBER, home_path=BRANCH, suspended=True)) is NOTHING
    assert visible_review_items(SUSPENDED_MODERATOR) is NOTHING
    assert visible_meetings(ANONYMOUS) is NOTHING
    assert managed_orgs(MEMBER) is NOTHING
    publisher = Viewer(user_id=80, roles=(RoleGrant("publisher", 4, BRANCH),))
    assert disclosure_draft_orgs(publisher) is not NOTHING
    assert disclosure_draft_orgs(replace(publisher, suspended=True)) is NOTHING
    inboxes = disclosure_work_filters(replace(publisher, suspended=True))
    assert (inboxes.publishing, inboxes.reviewing, inboxes.approving) == (NOTHING,) * 3
    assert disclosure_work_filters(publisher).reviewing is NOTHING  # a publisher reviews nothing


def test_list_filters_match_everything_for_site_staff() -> None:
    site_admin = Viewer(user_id=99, roles=(RoleGrant("site_admin", None, None),))
    assert managed_orgs(site_admin) is EVERYTHING
    assert visible_transfers(site_admin) is EVERYTHING
    assert visible_meetings(site_admin) is EVERYTHING
    assert visible_review_items(SITE_MODERATOR) is EVERYTHING
    assert visible_sanctions(SITE_MODERATOR) is EVERYTHING


def test_a_suspended_board_moderator_has_no_review_queue() -> None:
    """Board moderator grants once let a suspended account into the queue (and the 管理
    link); a suspension stops every moderation right."""
    board_moderator = replace(MEMBER, board_moderator_ids=frozenset({5}))
    assert can_view_review_queue(board_moderator)
    assert not can_view_review_queue(replace(board_moderator, suspended=True))
    assert visible_review_items(replace(board_moderator, suspended=True)) is NOTHING
