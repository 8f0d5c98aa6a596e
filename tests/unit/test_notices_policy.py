"""Unit table for the notices policy: who publishes, sees, confirms, sees receipts, reminds."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

from forum.policy import (
    ANONYMOUS,
    RoleGrant,
    Viewer,
    can_confirm_notice,
    can_publish_notice,
    can_remind_notice,
    can_see_notice,
    can_see_notice_receipts,
)

NOW = dt.datetime(2026, 12, 3, 12, 0, tzinfo=dt.UTC)


@dataclass
class N:
    org_path: str = "/1/2/4/"
    requires_receipt: bool = True
    expires_at: dt.datetime | None = None


@dataclass
class Place:
    path: str


def person(*grants: tuple[str, str], suspended: bool = False) -> Viewer:
    return Viewer(
        user_id=9,
        username="p",
        status="full",
        roles=tuple(
            RoleGrant(role=r, org_id=int(p.strip("/").split("/")[-1]), org_path=p)
            for r, p in grants
        ),
        suspended=suspended,
    )


BRANCH_SECRETARY = person(("secretary", "/1/2/4/"))
COMMITTEE_ADMIN = person(("org_admin", "/1/"))
SIBLING_SECRETARY = person(("secretary", "/1/2/5/"))
PUBLICITY = person(("publicity_member", "/1/2/4/"))
MEMBER = person()
SUSPENDED_ADMIN = person(("org_admin", "/1/"), suspended=True)


@pytest.mark.parametrize(
    ("viewer", "org", "allowed"),
    [
        (BRANCH_SECRETARY, "/1/2/4/", True),
        (BRANCH_SECRETARY, "/1/2/4/7/", True),  # its group
        (BRANCH_SECRETARY, "/1/2/", False),  # not upwards
        (COMMITTEE_ADMIN, "/1/2/4/", True),
        (SIBLING_SECRETARY, "/1/2/4/", False),
        (PUBLICITY, "/1/2/4/", False),  # not an admin role
        (MEMBER, "/1/2/4/", False),
        (SUSPENDED_ADMIN, "/1/", False),
        (ANONYMOUS, "/1/", False),
    ],
)
def test_publish(viewer: Viewer, org: str, allowed: bool) -> None:
    assert bool(can_publish_notice(viewer, Place(org))) is allowed


@pytest.mark.parametrize(
    ("viewer", "recipient", "seen", "receipts"),
    [
        (MEMBER, True, True, False),
        (MEMBER, False, False, False),
        (BRANCH_SECRETARY, False, True, True),
        (COMMITTEE_ADMIN, False, True, True),
        (SIBLING_SECRETARY, False, False, False),
        (SIBLING_SECRETARY, True, True, False),  # a recipient, not an admin over it
        (ANONYMOUS, False, False, False),
    ],
)
def test_see_and_receipts(viewer: Viewer, recipient: bool, seen: bool, receipts: bool) -> None:
    assert can_see_notice(viewer, N(), recipient=recipient) is seen
    assert can_see_notice_receipts(viewer, N()) is receipts


@pytest.mark.parametrize(
    ("notice", "recipient", "confirmed", "reason"),
    [
        (N(), True, False, None),
        (N(), False, False, "只有通知的接收人可以确认回执"),
        (N(requires_receipt=False), True, False, "此通知不需要回执"),
        (N(), True, True, "你已确认过此通知"),
        (N(expires_at=NOW), True, False, "通知已过期，不能再确认"),  # expiry is exclusive
        (N(expires_at=NOW + dt.timedelta(seconds=1)), True, False, None),
    ],
)
def test_confirm(notice: N, recipient: bool, confirmed: bool, reason: str | None) -> None:
    decision = can_confirm_notice(MEMBER, notice, recipient=recipient, confirmed=confirmed, now=NOW)
    assert decision.reason == reason and bool(decision) is (reason is None)


@pytest.mark.parametrize(
    ("viewer", "notice", "allowed"),
    [
        (BRANCH_SECRETARY, N(), True),
        (BRANCH_SECRETARY, N(requires_receipt=False), False),
        (BRANCH_SECRETARY, N(expires_at=NOW), False),
        (COMMITTEE_ADMIN, N(), True),
        (SIBLING_SECRETARY, N(), False),
        (MEMBER, N(), False),
    ],
)
def test_remind(viewer: Viewer, notice: N, allowed: bool) -> None:
    assert bool(can_remind_notice(viewer, notice, NOW)) is allowed
