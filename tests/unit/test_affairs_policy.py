"""Unit tables for 党员服务: the step table, who files which kind, who handles, deadlines and
overdue at their boundaries, rating."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

from forum.affairs.kinds import DEFAULT_KINDS
from forum.policy import (
    ANONYMOUS,
    SERVICE_STEPS,
    RoleGrant,
    Viewer,
    can_file_service_request,
    can_rate_service_request,
    can_see_service_request,
    can_take_service_step,
    service_deadline,
    service_overdue,
)

NOW = dt.datetime(2026, 12, 3, 12, 0, tzinfo=dt.UTC)


@dataclass
class Kind:
    org_path: str = ""
    open_to_public: bool = False
    active: bool = True


@dataclass
class Req:
    org_path: str = "/1/2/4/"
    requester_id: int = 7
    state: str = "submitted"
    rating: int | None = None
    due_at: dt.datetime = NOW


def viewer(user_id: int = 9, org_path: str | None = "/1/2/4/", *roles: tuple[str, str]) -> Viewer:
    return Viewer(
        user_id=user_id,
        username="u",
        status="full" if org_path else "public",
        org_path=org_path,
        org_id=4 if org_path else None,
        roles=tuple(RoleGrant(r, int(p.strip("/").split("/")[-1]), p) for r, p in roles),
    )


REQUESTER = viewer(7)
BRANCH = viewer(9, "/1/2/4/", ("secretary", "/1/2/4/"))
GENERAL = viewer(10, "/1/2/", ("org_admin", "/1/2/"))
SIBLING = viewer(11, "/1/2/5/", ("secretary", "/1/2/5/"))
PUBLIC = viewer(12, None)


@pytest.mark.parametrize(
    ("who", "kind", "reason"),
    [
        (REQUESTER, Kind(), None),
        (REQUESTER, Kind(org_path="/1/2/"), None),  # a kind of an ancestor's subtree
        (REQUESTER, Kind(org_path="/1/3/"), "该事项不在你所在组织的受理范围内"),
        (REQUESTER, Kind(active=False), "该事项已停止受理"),
        (PUBLIC, Kind(), "该事项只面向有党员档案的成员"),
        (PUBLIC, Kind(open_to_public=True), None),  # 入党申请 from a 群众
        (ANONYMOUS, Kind(open_to_public=True), "请先登录"),
    ],
)
def test_file(who: Viewer, kind: Kind, reason: str | None) -> None:
    assert can_file_service_request(who, kind).reason == reason


STATES = ("submitted", "accepted", "in_progress", "completed", "returned")
# verb -> the states it may leave
ALLOWED_FROM = {
    "accept": {"submitted"},
    "start": {"accepted"},
    "complete": {"accepted", "in_progress"},
    "return": {"submitted", "accepted", "in_progress"},
    "pass_up": {"submitted", "accepted", "in_progress"},
}


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("verb", list(SERVICE_STEPS))
def test_step_table(verb: str, state: str) -> None:
    allowed = bool(can_take_service_step(BRANCH, Req(state=state), verb))
    assert allowed is (state in ALLOWED_FROM[verb])


@pytest.mark.parametrize(
    ("who", "org_path", "allowed"),
    [
        (BRANCH, "/1/2/4/", True),
        (GENERAL, "/1/2/4/", True),  # an ancestor's admin handles its subtree
        (BRANCH, "/1/2/", False),  # passed up: no longer the branch's
        (SIBLING, "/1/2/4/", False),
        (REQUESTER, "/1/2/4/", False),
    ],
)
def test_who_handles(who: Viewer, org_path: str, allowed: bool) -> None:
    assert bool(can_take_service_step(who, Req(org_path=org_path), "accept")) is allowed


def test_pass_up_needs_a_parent() -> None:
    assert can_take_service_step(BRANCH, Req(), "pass_up", has_parent=False).reason == (
        "已是最高一级组织，不能再上报"
    )
    assert can_take_service_step(BRANCH, Req(), "fly").reason == "未知的办理步骤"


@pytest.mark.parametrize(
    ("who", "seen"), [(REQUESTER, True), (BRANCH, True), (SIBLING, False), (ANONYMOUS, False)]
)
def test_see(who: Viewer, seen: bool) -> None:
    assert can_see_service_request(who, Req()) is seen


@pytest.mark.parametrize(
    ("days", "due"),
    [
        (5, NOW + dt.timedelta(days=5)),
        (1, NOW + dt.timedelta(days=1)),
        (0, NOW + dt.timedelta(days=1)),
    ],
)
def test_deadline(days: int, due: dt.datetime) -> None:
    assert service_deadline(NOW, days) == due


@pytest.mark.parametrize(
    ("state", "now", "overdue"),
    [
        ("submitted", NOW, False),  # the due instant itself is in time
        ("submitted", NOW + dt.timedelta(seconds=1), True),
        ("in_progress", NOW + dt.timedelta(days=3), True),
        ("completed", NOW + dt.timedelta(days=3), False),
        ("returned", NOW + dt.timedelta(days=3), False),
    ],
)
def test_overdue(state: str, now: dt.datetime, overdue: bool) -> None:
    assert service_overdue(Req(state=state), now) is overdue


@pytest.mark.parametrize(
    ("who", "state", "rating", "reason"),
    [
        (REQUESTER, "completed", None, None),
        (REQUESTER, "completed", 4, "你已评价过"),
        (REQUESTER, "in_progress", None, "办结后才能评价"),
        (REQUESTER, "returned", None, "办结后才能评价"),
        (BRANCH, "completed", None, "只有申请人可以评价"),
    ],
)
def test_rate(who: Viewer, state: str, rating: int | None, reason: str | None) -> None:
    assert can_rate_service_request(who, Req(state=state, rating=rating)).reason == reason


def test_the_default_kinds() -> None:
    by_key = {k[0]: k for k in DEFAULT_KINDS}
    assert set(by_key) == {
        "identity_proof", "transfer", "floating_card", "dues", "hardship", "application", "other"
    }  # fmt: skip
    assert [k for k, *_, public in DEFAULT_KINDS if public] == ["application"]
    assert all(k[5] >= 1 and k[3] for k in DEFAULT_KINDS)  # a time limit and a field each
