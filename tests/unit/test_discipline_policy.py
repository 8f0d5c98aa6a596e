"""Unit tables for discipline dates and who records (domain.md §9)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

from forum.policy import (
    RoleGrant,
    Viewer,
    can_record_discipline,
    probation_sanction_ends,
    probation_sanction_over,
    removal_allowed,
    removal_due,
)

D = dt.date


@pytest.mark.parametrize(
    ("start", "years", "end"),
    [
        (D(2026, 3, 1), 1, D(2027, 3, 1)),
        (D(2026, 3, 1), 2, D(2028, 3, 1)),
        (D(2024, 2, 29), 1, D(2025, 2, 28)),  # no 29 February: the month's last day
        (D(2024, 2, 29), 2, D(2026, 2, 28)),
    ],
)
def test_probation_sanction_ends_on_the_same_day_one_or_two_years_later(
    start: dt.date, years: int, end: dt.date
) -> None:
    assert probation_sanction_ends(start, years) == end
    assert not probation_sanction_over(start, years, end - dt.timedelta(days=1))
    assert probation_sanction_over(start, years, end)


@pytest.mark.parametrize(
    ("suspended", "day_before", "due"),
    [
        (D(2025, 1, 10), D(2027, 1, 9), D(2027, 1, 10)),
        (D(2024, 2, 29), D(2026, 2, 27), D(2026, 2, 28)),
        (D(2025, 12, 31), D(2027, 12, 30), D(2027, 12, 31)),
    ],
)
def test_removal_after_two_years(suspended: dt.date, day_before: dt.date, due: dt.date) -> None:
    assert removal_due(suspended) == due
    assert not removal_allowed(suspended, day_before)
    assert removal_allowed(suspended, due)


@dataclass
class FakeOrg:
    path: str


@dataclass
class FakeMember:
    id: int
    org_id: int
    org: FakeOrg


MEMBER = FakeMember(9, 5, FakeOrg("/1/2/5/"))


def holder(role: str, org_id: int, path: str, member_id: int = 100) -> Viewer:
    return Viewer(user_id=1, member_id=member_id, roles=(RoleGrant(role, org_id, path),))


@pytest.mark.parametrize(
    ("who", "viewer", "allowed"),
    [
        ("branch discipline member", holder("discipline_member", 5, "/1/2/5/"), True),
        ("branch secretary", holder("secretary", 5, "/1/2/5/"), True),
        ("branch deputy", holder("deputy_secretary", 5, "/1/2/5/"), True),
        ("branch organization member", holder("organization_member", 5, "/1/2/5/"), False),
        ("branch org admin", holder("org_admin", 5, "/1/2/5/"), False),
        ("branch publicity member", holder("publicity_member", 5, "/1/2/5/"), False),
        ("general branch secretary", holder("secretary", 2, "/1/2/"), True),
        ("committee org admin", holder("org_admin", 1, "/1/"), True),
        ("committee discipline member", holder("discipline_member", 1, "/1/"), True),
        ("sibling branch discipline member", holder("discipline_member", 6, "/1/2/6/"), False),
        ("sibling branch secretary", holder("secretary", 6, "/1/2/6/"), False),
        ("another committee", holder("secretary", 8, "/8/"), False),
        ("the member themself", holder("secretary", 1, "/1/", member_id=9), False),
        ("a plain member", Viewer(user_id=1, member_id=100, org_path="/1/2/5/"), False),
        ("site admin", Viewer(user_id=1, roles=(RoleGrant("site_admin", None, None),)), True),
    ],
)
def test_who_records_discipline(who: str, viewer: Viewer, allowed: bool) -> None:
    assert bool(can_record_discipline(viewer, MEMBER)) is allowed, who  # type: ignore[arg-type]
