"""Hybrid meetings without a database: hand-count bounds, QR codes, the new predicates."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pytest

from forum.errors import ActionError
from forum.policy import (
    RoleGrant,
    Viewer,
    can_edit_roll_exclusions,
    can_name_recorder,
    can_record_attendance,
    can_record_in_person_count,
)
from realtime.meetings import qr
from realtime.meetings import votes as rules
from realtime.meetings.minutes import attendance_detail, local_time, people_lines

BRANCH = "/1/2/"
NOW = dt.datetime(2026, 12, 2, 3, 10, 30, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("present", "electronic", "yes", "no", "abstain", "ok"),
    [
        (17, 0, 17, 0, 0, True),  # everyone in the room raised a hand
        (17, 0, 10, 4, 3, True),
        (17, 0, 18, 0, 0, False),  # more hands than voters present
        (17, 5, 12, 0, 0, True),  # 5 voted on their phones, 12 by hand
        (17, 5, 12, 1, 0, False),
        (17, 17, 0, 0, 0, True),
        (17, 17, 1, 0, 0, False),  # all voted electronically: no hand count left
        (0, 0, 0, 0, 0, True),
        (0, 0, 0, 0, 1, False),
    ],
)
def test_in_person_count_bounds(
    present: int, electronic: int, yes: int, no: int, abstain: int, ok: bool
) -> None:
    count = rules.Tally(yes, no, abstain)
    if ok:
        rules.check_in_person_count(count, present_voters=present, electronic_ballots=electronic)
    else:
        with pytest.raises(ValueError, match="in-person"):
            rules.check_in_person_count(
                count, present_voters=present, electronic_ballots=electronic
            )


@pytest.mark.parametrize(
    ("present", "electronic", "room"), [(17, 0, 17), (17, 5, 12), (3, 5, 0), (0, 0, 0)]
)
def test_in_person_room(present: int, electronic: int, room: int) -> None:
    assert rules.in_person_room(present, electronic) == room


def test_hand_count_then_motion_passes_with_17_of_33() -> None:
    """The demo plenary: 33 expected voters, 17 present and all 17 hands up."""
    result = rules.decide_motion(
        "motion", expected_voters=33, present_voters=17, ballots=rules.Tally(yes=17)
    )
    assert (result.quorum, result.passed) == (True, True)
    short = rules.decide_motion(
        "motion", expected_voters=33, present_voters=16, ballots=rules.Tally(yes=16)
    )
    assert (short.quorum, short.reason) == (False, "no_quorum")


def test_qr_code_valid_within_window_only() -> None:
    code = qr.issue(7, NOW)
    qr.verify(code, 7, NOW)
    qr.verify(code, 7, NOW + dt.timedelta(seconds=qr.VALID_SECONDS - qr.ROTATE_SECONDS))
    with pytest.raises(ActionError, match="已过期"):
        qr.verify(code, 7, NOW + dt.timedelta(seconds=qr.VALID_SECONDS + 1))
    assert qr.issue(7, NOW + dt.timedelta(seconds=qr.ROTATE_SECONDS)) != code  # rotates


@pytest.mark.parametrize(
    "tamper",
    [
        lambda c: c,  # replayed to another meeting (verified against meeting 8 below)
        lambda c: str(int(c.split(".")[0]) + 60) + "." + c.split(".")[1],  # stretched time
        lambda c: c[:-2] + "AA",
        lambda c: "",
        lambda c: "abc.def",
        lambda c: "9" * 40 + "." + c.split(".")[1],
    ],
)
def test_qr_code_refused_when_forged_or_replayed(tamper: object) -> None:
    code = tamper(qr.issue(7, NOW))  # type: ignore[operator]
    with pytest.raises(ActionError):
        qr.verify(code, 8 if code == qr.issue(7, NOW) else 7, NOW)


def test_qr_svg_is_inline_svg() -> None:
    svg = qr.svg(qr.scan_url("https://x.example/", 7, qr.issue(7, NOW)))
    assert svg.startswith("<svg") and "<?xml" not in svg and "<script" not in svg


@dataclass
class M:
    type: str = "branch_plenary"
    status: str = "live"
    org_id: int = 2
    org_path: str = BRANCH
    paused: bool = False
    discussion_locked: bool = False
    host_user_ids: list[int] = field(default_factory=list)
    recorder_user_ids: list[int] = field(default_factory=list)


@dataclass
class V:
    kind: str = "motion"
    state: str = "open"
    secret: bool = False


SECRETARY = Viewer(
    user_id=1, username="s", member_id=1, status="full", org_path=BRANCH,
    roles=(RoleGrant("secretary", 2, BRANCH),),
)  # fmt: skip
MEMBER = Viewer(user_id=5, username="m", member_id=5, status="full", org_path=BRANCH)
SUSPENDED = Viewer(user_id=5, username="m", member_id=5, org_path=BRANCH, suspended=True)


@pytest.mark.parametrize(
    ("viewer", "meeting", "allowed"),
    [
        (SECRETARY, M(), True),
        (MEMBER, M(), False),
        (MEMBER, M(recorder_user_ids=[5]), True),  # the recorder the host named
        (SUSPENDED, M(recorder_user_ids=[5]), False),
        (SECRETARY, M(status="scheduled"), False),  # the roll exists once live
        (SECRETARY, M(status="ended"), False),
        (Viewer(), M(), False),
    ],
)
def test_can_record_attendance_matrix(viewer: Viewer, meeting: M, allowed: bool) -> None:
    assert can_record_attendance(viewer, meeting).allowed is allowed


@pytest.mark.parametrize(
    ("vote", "meeting", "allowed"),
    [
        (V(), M(), True),
        (V(kind="admission"), M(), True),
        (V(secret=True), M(), False),  # a secret ballot stays one person one ballot
        (V(kind="election"), M(), False),
        (V(state="unpublished"), M(), False),
        (V(state="closed"), M(), False),
        (V(), M(status="ended"), False),
        (V(), M(type="party_lecture"), False),  # no votes at a lecture
    ],
)
def test_can_record_in_person_count_matrix(vote: V, meeting: M, allowed: bool) -> None:
    assert can_record_in_person_count(SECRETARY, meeting, vote).allowed is allowed
    assert can_record_in_person_count(MEMBER, M(recorder_user_ids=[5]), vote).allowed is False


def test_recorder_and_exclusions_are_for_hosts() -> None:
    assert can_name_recorder(SECRETARY, M(status="scheduled"))
    assert not can_name_recorder(SECRETARY, M(status="ended"))
    assert not can_name_recorder(MEMBER, M())
    assert can_edit_roll_exclusions(SECRETARY, M())
    assert not can_edit_roll_exclusions(SECRETARY, M(status="scheduled"))
    assert not can_edit_roll_exclusions(MEMBER, M(recorder_user_ids=[5]))


def test_minutes_times_are_local_and_proxy_marked() -> None:
    assert local_time("2026-12-02T03:10:00+00:00") == "11:10"  # Asia/Shanghai
    entry = {
        "attendance": "present",
        "checked_in_at": "2026-12-02T03:10:00+00:00",
        "checkin_method": "proxy",
        "recorded_by": "王书记",
        "checkin_note": "现场签字",
    }
    assert attendance_detail(entry) == "11:10 由主持人代签到（王书记）：现场签字"
    assert attendance_detail({**entry, "checkin_method": "qr"}) == "11:10 扫码签到"
    excluded = {
        "attendance": "excluded",
        "excluded_category": "abroad",
        "excluded_reason": "留学",
        "excluded_approval": "组〔2026〕1号",
        "excluded_decision": "党员大会通过",
    }
    assert "自费出国半年以上：留学" in attendance_detail(excluded)
    lines = dict(people_lines({"hosts": ["王书记"], "recorders": [], "sit_ins": ["李"]}))
    assert lines == {"主持人": "王书记", "记录人": "无", "列席": "李"}
    assert dict(people_lines({}))["主持人"] == "未记录"  # minutes archived before this
