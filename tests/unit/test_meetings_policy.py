"""Table-driven eligibility matrix for meetings (domain.md §2, §3)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import pytest
from tortoise.expressions import Q

from forum.policy import (
    NO_SEAT,
    RoleGrant,
    Seat,
    Viewer,
    can_attend_meeting,
    can_cast_ballot,
    can_check_in_meeting,
    can_correct_minutes,
    can_edit_meeting,
    can_edit_minutes,
    can_enter_written_opinion,
    can_host_meeting,
    can_manage_votes,
    can_request_leave,
    can_schedule_meeting,
    can_see_meeting,
    can_see_minutes,
    can_see_vote_results,
    can_speak_in_meeting,
    meeting_role,
    visible_meetings,
)

COMMITTEE = "/1/"
BRANCH = "/1/2/"
GROUP = "/1/2/5/"
SIBLING = "/1/3/"


@dataclass
class M:
    type: str = "branch_plenary"
    status: str = "live"
    org_id: int = 2
    org_path: str = BRANCH
    paused: bool = False
    discussion_locked: bool = False
    host_user_ids: list[int] = field(default_factory=list)


@dataclass
class V:
    kind: str = "admission"
    state: str = "open"
    secret: bool = False


@dataclass
class Org:
    path: str = BRANCH
    kind: str = "branch"
    is_active: bool = True


def member(status: str = "full", path: str = BRANCH, **kw: object) -> Viewer:
    base = Viewer(user_id=10, username="m", member_id=10, status=status, org_path=path)
    return replace(base, **kw)  # type: ignore[arg-type]


SECRETARY = member(roles=(RoleGrant("secretary", 2, BRANCH),))
FULL = member()
PROBATIONARY = member("probationary")
ACTIVIST = member("activist")
APPLICANT = member("applicant")
TARGET = member("development_target")
SANCTIONED = member(on_probation_sanction=True)
STOPPED = member(membership_suspended=True)
SUSPENDED_ACCOUNT = member(suspended=True)
SILENCED = member(silenced=True)
GROUP_FULL = member(path=GROUP)
OTHER_BRANCH = member(path=SIBLING)
FLOATING_GUEST = member(path=SIBLING, floating=True, host_org_path=BRANCH)
FLOATING_AWAY = member(floating=True, host_org_path=SIBLING)  # home is this branch
PUBLICITY = member(roles=(RoleGrant("publicity_member", 2, BRANCH),))
COMMITTEE_ADMIN = Viewer(user_id=20, username="c", roles=(RoleGrant("org_admin", 1, COMMITTEE),))
ANON = Viewer()
GROUP_LEADER = member(path=GROUP, roles=(RoleGrant("group_leader", 5, GROUP),))

PRESENT_VOTER = Seat(on_roll=True, voter=True, checked_in=True)
PRESENT = Seat(on_roll=True, checked_in=True)


@pytest.mark.parametrize(
    ("viewer", "meeting_type", "role"),
    [
        (FULL, "branch_plenary", "voter"),
        (GROUP_FULL, "branch_plenary", "voter"),  # a group is inside its branch
        (PROBATIONARY, "branch_plenary", "participant"),  # attends and speaks, never votes
        (ACTIVIST, "branch_plenary", "observer"),  # may sit in
        (APPLICANT, "branch_plenary", "observer"),
        (TARGET, "branch_plenary", "observer"),
        (SANCTIONED, "branch_plenary", "participant"),  # 留党察看: no vote
        (STOPPED, "branch_plenary", "none"),  # 停止党籍
        (SUSPENDED_ACCOUNT, "branch_plenary", "none"),
        (OTHER_BRANCH, "branch_plenary", "none"),
        (FLOATING_GUEST, "branch_plenary", "participant"),  # guest: never votes here
        (FLOATING_AWAY, "branch_plenary", "voter"),  # votes at home
        (ANON, "branch_plenary", "none"),
        (COMMITTEE_ADMIN, "branch_plenary", "none"),  # no member record: hosts, not attends
        (FULL, "branch_committee", "none"),  # not a committee member
        (PUBLICITY, "branch_committee", "voter"),
        (SECRETARY, "branch_committee", "voter"),
        (replace(PUBLICITY, status="probationary"), "branch_committee", "participant"),
        (replace(SECRETARY, on_probation_sanction=True), "branch_committee", "participant"),
        (FLOATING_GUEST, "branch_committee", "none"),
        (ACTIVIST, "org_life", "none"),  # 组织生活会 is for Party members
        (PROBATIONARY, "org_life", "participant"),
        (FULL, "org_life", "voter"),
        (FULL, "party_lecture", "participant"),  # no votes at a lecture
        (ACTIVIST, "party_lecture", "observer"),
        (ACTIVIST, "open_exchange", "participant"),  # open exchange: everyone speaks
        (FULL, "theme_day", "participant"),
    ],
)
def test_meeting_role_matrix(viewer: Viewer, meeting_type: str, role: str) -> None:
    assert meeting_role(viewer, M(type=meeting_type)) == role


@pytest.mark.parametrize(
    ("viewer", "seat", "role"),
    [
        (GROUP_FULL, NO_SEAT, "participant"),  # groups decide nothing: no votes
        (FULL, NO_SEAT, "none"),  # branch member outside the group, not on its roll
        (FULL, Seat(on_roll=True), "participant"),  # member of the group by group_id
        (ACTIVIST, NO_SEAT, "none"),
        (FLOATING_GUEST, NO_SEAT, "none"),
    ],
)
def test_group_meeting_roles(viewer: Viewer, seat: Seat, role: str) -> None:
    meeting = M(type="group_meeting", org_id=5, org_path=GROUP)
    assert meeting_role(viewer, meeting, seat) == role


def test_removed_seat_has_no_role() -> None:
    assert meeting_role(FULL, M(), Seat(on_roll=True, voter=True, removed=True)) == "none"


@pytest.mark.parametrize(
    ("viewer", "seat", "allowed"),
    [
        (FULL, PRESENT_VOTER, True),
        (FULL, Seat(on_roll=True, voter=True), False),  # not checked in
        (FULL, PRESENT, False),  # not counted as a voter at the start
        (FULL, replace(PRESENT_VOTER, muted=True), True),  # muting stops speech, not the vote
        (FULL, replace(PRESENT_VOTER, removed=True), False),
        (PROBATIONARY, PRESENT_VOTER, False),  # never, whatever the seat says
        (ACTIVIST, PRESENT_VOTER, False),
        (SANCTIONED, PRESENT_VOTER, False),  # sanctioned mid-meeting: loses it at once
        (STOPPED, PRESENT_VOTER, False),
        (SUSPENDED_ACCOUNT, PRESENT_VOTER, False),
        (FLOATING_GUEST, replace(PRESENT_VOTER, guest=True), False),
        (FLOATING_GUEST, PRESENT_VOTER, False),
        (OTHER_BRANCH, PRESENT_VOTER, False),
        (SECRETARY, PRESENT_VOTER, True),
        (COMMITTEE_ADMIN, PRESENT_VOTER, False),  # hosting never grants a vote
    ],
)
def test_can_cast_ballot_matrix(viewer: Viewer, seat: Seat, allowed: bool) -> None:
    decision = can_cast_ballot(viewer, M(), V(), seat)
    assert decision.allowed is allowed
    assert decision.reason == (None if allowed else "您在本次表决中没有表决权")


NOT_OPEN = "表决未在进行中"
NO_VOTE = "您在本次表决中没有表决权"


@pytest.mark.parametrize(
    ("meeting", "vote", "refusal"),
    [
        (M(), V(state="unpublished"), NOT_OPEN),
        (M(), V(state="closed"), NOT_OPEN),
        (M(status="ended"), V(), NOT_OPEN),
        (M(type="group_meeting", org_path=GROUP, org_id=5), V(), NO_VOTE),
        (M(type="party_lecture"), V(), NO_VOTE),
        (M(), V(secret=True), None),
    ],
)
def test_can_cast_ballot_states(meeting: M, vote: V, refusal: str | None) -> None:
    decision = can_cast_ballot(GROUP_FULL, meeting, vote, PRESENT_VOTER)
    assert decision.allowed is (refusal is None)
    assert decision.reason == refusal


NOT_LIVE = "会议未在进行中"
MUTED = "您已被主持人禁言"
NOT_A_SPEAKER = "您不在本次会议的发言人员之列"
SILENCED_REASON = "您的账号已被禁言，暂时不能发言"


@pytest.mark.parametrize(
    ("viewer", "meeting", "seat", "refusal"),
    [
        (FULL, M(), PRESENT, None),
        (FULL, M(), Seat(on_roll=True), "签到后即可发言"),  # check in first
        (FULL, M(), replace(PRESENT, muted=True), MUTED),
        (FULL, M(), replace(PRESENT, removed=True), "您已被移出本次会议"),
        (SILENCED, M(), PRESENT, SILENCED_REASON),
        (SUSPENDED_ACCOUNT, M(), PRESENT, "您的账号已被封禁"),
        (PROBATIONARY, M(), PRESENT, None),
        (ACTIVIST, M(), PRESENT, NOT_A_SPEAKER),  # sits in, does not speak
        (ACTIVIST, M(type="open_exchange"), PRESENT, None),
        (FLOATING_GUEST, M(), replace(PRESENT, guest=True), None),
        (FULL, M(discussion_locked=True), PRESENT, "讨论已锁定"),
        (FULL, M(paused=True), PRESENT, "会议暂停中，暂时不能发言"),
        (FULL, M(status="scheduled"), PRESENT, NOT_LIVE),
        (FULL, M(status="ended"), PRESENT, NOT_LIVE),
        (SECRETARY, M(discussion_locked=True), NO_SEAT, None),  # hosts speak when locked
        (SECRETARY, M(status="ended"), NO_SEAT, NOT_LIVE),
        (replace(SECRETARY, silenced=True), M(), NO_SEAT, SILENCED_REASON),
        (SECRETARY, M(), Seat(muted=True), MUTED),
        (OTHER_BRANCH, M(), PRESENT, NOT_A_SPEAKER),
    ],
)
def test_can_speak_matrix(viewer: Viewer, meeting: M, seat: Seat, refusal: str | None) -> None:
    """The reason is what the room shows in place of the message box."""
    decision = can_speak_in_meeting(viewer, meeting, seat)
    assert decision.allowed is (refusal is None)
    assert decision.reason == refusal


@pytest.mark.parametrize(
    ("viewer", "meeting", "allowed"),
    [
        (SECRETARY, M(), True),
        (COMMITTEE_ADMIN, M(), True),  # an admin above hosts too
        (FULL, M(), False),
        (FULL, M(host_user_ids=[10]), True),  # named as host by the secretary
        (replace(SECRETARY, suspended=True), M(), False),
        (GROUP_LEADER, M(type="group_meeting", org_path=GROUP, org_id=5), True),
        (GROUP_LEADER, M(), False),  # a group leader does not host the branch plenary
        (member(roles=(RoleGrant("secretary", 3, SIBLING),)), M(), False),  # sibling branch
        (ANON, M(), False),
    ],
)
def test_can_host_matrix(viewer: Viewer, meeting: M, allowed: bool) -> None:
    assert can_host_meeting(viewer, meeting) is allowed


@pytest.mark.parametrize(
    ("viewer", "org", "allowed"),
    [
        (SECRETARY, Org(), True),
        (FULL, Org(), False),
        (COMMITTEE_ADMIN, Org(), True),
        (COMMITTEE_ADMIN, Org(path=COMMITTEE, kind="committee"), False),  # no meeting types
        (SECRETARY, Org(is_active=False), False),
        (GROUP_LEADER, Org(path=GROUP, kind="group"), True),
        (Viewer(user_id=1, roles=(RoleGrant("site_admin", None, None),)), Org(), True),
    ],
)
def test_can_schedule_matrix(viewer: Viewer, org: Org, allowed: bool) -> None:
    assert can_schedule_meeting(viewer, org) is allowed


@pytest.mark.parametrize(
    ("viewer", "meeting", "allowed"),
    [
        (FULL, M(), True),
        (ACTIVIST, M(), True),
        (GROUP_FULL, M(type="group_meeting", org_path=GROUP, org_id=5), True),
        (FULL, M(type="group_meeting", org_path=GROUP, org_id=5), True),  # same branch
        (FLOATING_GUEST, M(), True),
        (OTHER_BRANCH, M(), False),
        (FULL, M(status="draft"), False),  # drafts only to hosts
        (SECRETARY, M(status="draft"), True),
        (COMMITTEE_ADMIN, M(), True),
        (SUSPENDED_ACCOUNT, M(), False),
        (ANON, M(), False),
    ],
)
def test_can_see_meeting_matrix(viewer: Viewer, meeting: M, allowed: bool) -> None:
    assert can_see_meeting(viewer, meeting) is allowed


@pytest.mark.parametrize(
    ("viewer", "meeting", "allowed"),
    [
        (FULL, M(status="scheduled"), True),
        (PROBATIONARY, M(status="scheduled"), True),
        (ACTIVIST, M(status="scheduled"), False),  # not expected: sits in if they like
        (FLOATING_GUEST, M(status="scheduled"), False),
        (FULL, M(status="live"), False),  # only before the start
    ],
)
def test_can_request_leave_matrix(viewer: Viewer, meeting: M, allowed: bool) -> None:
    decision = can_request_leave(viewer, meeting)
    assert decision.allowed is allowed
    assert decision.reason == (None if allowed else "只有应到会人员可以在会前请假")


def test_attend_and_check_in() -> None:
    assert can_attend_meeting(ACTIVIST, M())
    assert not can_attend_meeting(OTHER_BRANCH, M())
    assert not can_attend_meeting(FULL, M(status="ended"))
    assert can_attend_meeting(COMMITTEE_ADMIN, M())
    assert can_check_in_meeting(FULL, M(), Seat(on_roll=True))
    assert not can_check_in_meeting(FULL, M(), PRESENT)  # once
    assert not can_check_in_meeting(FULL, M(status="scheduled"), NO_SEAT)
    assert not can_check_in_meeting(FULL, M(), Seat(removed=True))


def test_host_only_predicates_follow_the_lifecycle() -> None:
    assert can_edit_meeting(SECRETARY, M(status="draft"))
    assert not can_edit_meeting(SECRETARY, M(status="live"))
    assert not can_edit_meeting(FULL, M(status="draft"))
    assert can_manage_votes(SECRETARY, M())
    assert not can_manage_votes(SECRETARY, M(type="theme_day"))
    assert not can_manage_votes(SECRETARY, M(status="ended"))
    assert can_edit_minutes(SECRETARY, M(status="ended"))
    assert not can_edit_minutes(SECRETARY, M(status="archived"))  # immutable once archived
    assert can_correct_minutes(SECRETARY, M(status="archived"))
    assert not can_correct_minutes(FULL, M(status="archived"))
    assert can_see_minutes(FULL, M(status="archived"))
    assert not can_see_minutes(FULL, M(status="live"))
    assert not can_see_minutes(OTHER_BRANCH, M(status="archived"))


@pytest.mark.parametrize(
    ("vote", "allowed"),
    [
        (V(kind="admission", state="open"), True),
        (V(kind="conversion", state="unpublished"), True),
        (V(kind="admission", state="closed"), False),
        (V(kind="motion"), False),
        (V(kind="election"), False),
    ],
)
def test_written_opinions(vote: V, allowed: bool) -> None:
    assert can_enter_written_opinion(SECRETARY, M(), vote) is allowed
    assert not can_enter_written_opinion(FULL, M(), vote)


def test_secret_results_hidden_from_hosts_until_closed() -> None:
    assert not can_see_vote_results(SECRETARY, M(), V(secret=True, state="open"))
    assert can_see_vote_results(FULL, M(), V(secret=True, state="closed"))
    assert can_see_vote_results(FULL, M(), V(secret=False, state="open"))
    assert not can_see_vote_results(OTHER_BRANCH, M(), V(secret=False, state="closed"))


def _fields(q: Q) -> set[str]:
    return set(q.filters).union(*(_fields(c) for c in q.children))


def test_meeting_rows_of_a_viewer_without_an_account_name_no_creator() -> None:
    # Viewers are built for accounts, but the filter does not assume one.
    assert "created_by_id" in _fields(visible_meetings(Viewer(user_id=5, home_path="/1/2/3/")))
    assert "created_by_id" not in _fields(visible_meetings(Viewer(home_path="/1/2/3/")))
