"""Who is expected (应到) at a meeting and who came: the roll and the attendance counts."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tortoise.expressions import Q

from forum.models import Member, OrgRole
from forum.policy import (
    COMMITTEE_ROLES,
    MEETING_RULES,
    Seat,
    Viewer,
    branch_path_of,
    in_subtree,
    meeting_role,
)
from realtime.meetings import votes as rules
from realtime.meetings.models import CheckIn, Meeting, RollEntry
from realtime.meetings.queries._common import ints

# ---- the expected roll -------------------------------------------------------------------


@dataclass(frozen=True)
class RollCandidate:
    member: Member
    guest: bool
    voter: bool


def member_viewer(member: Member, org_path: str, host_path: str | None, roles: Any) -> Viewer:
    """A Viewer built from a member record, so the roll uses the same rules as the room."""
    return Viewer(
        user_id=member.user_id,
        member_id=member.id,
        status=str(member.status),
        org_id=member.org_id,
        org_path=org_path,
        on_probation_sanction=member.on_probation_sanction,
        membership_suspended=member.membership_suspended,
        floating=member.floating,
        host_org_path=host_path,
        roles=roles,
    )


async def expected_roll(meeting: Meeting) -> list[RollCandidate]:
    """Who is expected (应到) and who votes, generated from the org at the start."""
    from forum.policy import RoleGrant

    rule = MEETING_RULES[str(meeting.type)]
    branch = branch_path_of(meeting)
    if rule.roll == "committee":
        user_ids = await OrgRole.filter(
            org_id=meeting.org_id, ended_at__isnull=True, role__in=sorted(COMMITTEE_ROLES)
        ).values_list("user_id", flat=True)
        query = Member.filter(user_id__in=list(user_ids))
    elif rule.roll == "group":
        query = Member.filter(
            Q(org__path__startswith=meeting.org_path) | Q(group_id=meeting.org_id)
        )
    else:
        query = Member.filter(
            Q(org__path__startswith=meeting.org_path)
            | Q(floating=True, host_org__path__startswith=branch)
        )
    # A record merged as 重复档案 is the same person as the kept one: on the roll once.
    members = await query.filter(
        status__in=["full", "probationary"], duplicate_of_id__isnull=True
    ).select_related("org", "host_org")
    grants: dict[int, list[RoleGrant]] = {}
    if rule.roll == "committee":
        for grant in await OrgRole.filter(
            org_id=meeting.org_id, ended_at__isnull=True, role__in=sorted(COMMITTEE_ROLES)
        ):
            grants.setdefault(grant.user_id, []).append(
                RoleGrant(str(grant.role), meeting.org_id, meeting.org_path)
            )
    result: list[RollCandidate] = []
    seat_on_roll = Seat(on_roll=True)
    for member in sorted(members, key=lambda m: (m.name, m.id)):
        viewer = member_viewer(
            member,
            member.org.path,
            member.host_org.path if member.host_org else None,
            tuple(grants.get(member.user_id or 0, ())),
        )
        role = meeting_role(viewer, meeting, seat_on_roll)
        if role == "none" or member.membership_suspended:
            continue
        guest = not in_subtree(member.org.path, branch)
        result.append(RollCandidate(member, guest=guest, voter=role == "voter" and not guest))
    return result


# ---- attendance ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Attendance:
    expected: int
    expected_voters: int
    present: int
    present_voters: int
    on_leave: int
    guests_present: int

    @property
    def absent(self) -> int:
        return max(0, self.expected - self.present - self.on_leave)

    @property
    def quorum(self) -> bool:
        return rules.has_quorum(self.present_voters, self.expected_voters)

    @property
    def election_quorum(self) -> bool:
        return rules.has_election_quorum(self.present_voters, self.expected_voters)

    def as_dict(self) -> dict[str, Any]:
        return {
            "expected": self.expected,
            "expected_voters": self.expected_voters,
            "present": self.present,
            "present_voters": self.present_voters,
            "on_leave": self.on_leave,
            "absent": self.absent,
            "guests_present": self.guests_present,
            "quorum": self.quorum,
            "election_quorum": self.election_quorum,
        }


async def attendance(meeting: Meeting) -> Attendance:
    roll = await RollEntry.filter(meeting_id=meeting.id).values(
        "member_id", "guest", "voter", "on_leave", "excluded_category"
    )
    present_ids = set(
        ints(await CheckIn.filter(meeting_id=meeting.id).values_list("member_id", flat=True))
    )
    # Members excluded from 应到 (domain.md §3) count neither as expected nor as present.
    expected = [r for r in roll if not r["guest"] and not r["excluded_category"]]
    return Attendance(
        expected=len(expected),
        expected_voters=sum(1 for r in expected if r["voter"]),
        present=sum(1 for r in expected if r["member_id"] in present_ids),
        present_voters=sum(1 for r in expected if r["voter"] and r["member_id"] in present_ids),
        on_leave=sum(1 for r in expected if r["on_leave"] and r["member_id"] not in present_ids),
        guests_present=sum(1 for r in roll if r["guest"] and r["member_id"] in present_ids),
    )
