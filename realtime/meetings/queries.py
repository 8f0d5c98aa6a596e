"""Reads for meetings: lists, the live room state, seats, the expected roll, minutes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from tortoise.expressions import Q
from tortoise.functions import Count, Max

from forum import events
from forum.clock import utcnow
from forum.errors import NotFound
from forum.models import Member, Org, OrgRole, User
from forum.policy import (
    COMMITTEE_ROLES,
    MEETING_RULES,
    NO_SEAT,
    NOTHING,
    Seat,
    Viewer,
    branch_path_of,
    can_host_meeting,
    can_see_meeting,
    can_see_vote_results,
    ensure_visible,
    in_subtree,
    meeting_role,
    visible_meetings,
)
from realtime.meetings import presence
from realtime.meetings import votes as rules
from realtime.meetings.eventtypes import meeting_channel
from realtime.meetings.models import (
    AgendaItem,
    Ballot,
    CheckIn,
    LeaveRequest,
    Meeting,
    MeetingMessage,
    Mute,
    MuteKind,
    RollEntry,
    SpeakingRequest,
    SpeakingState,
    Vote,
    VoteCandidate,
    VoteTally,
    WrittenOpinion,
)

ROOM_MESSAGE_LIMIT = 200
LIST_LIMIT = 50


def ints(values: Sequence[Any]) -> list[int]:
    """`values_list(..., flat=True)` results as ints (Tortoise types them as tuples)."""
    return [int(v) for v in values]


async def channel_head(meeting_id: int) -> int:
    """The last event id of the meeting's channel: the page subscribes from there."""
    return await events.head(meeting_channel(meeting_id))


async def get_meeting(meeting_id: int) -> Meeting:
    meeting = await Meeting.get_or_none(id=meeting_id)
    if meeting is None:
        raise NotFound()
    return meeting


async def get_meeting_for(viewer: Viewer, meeting_id: int) -> Meeting:
    meeting = await get_meeting(meeting_id)
    ensure_visible(can_see_meeting(viewer, meeting))
    return meeting


async def get_vote(meeting: Meeting, vote_id: int) -> Vote:
    vote = await Vote.get_or_none(id=vote_id, meeting_id=meeting.id)
    if vote is None:
        raise NotFound()
    return vote


async def seat_for(viewer: Viewer, meeting: Meeting) -> Seat:
    """The viewer's facts in this meeting, read fresh (3 small indexed queries)."""
    if viewer.user_id is None:
        return NO_SEAT
    seat = NO_SEAT
    if viewer.member_id is not None:
        entry = await RollEntry.get_or_none(meeting_id=meeting.id, member_id=viewer.member_id)
        if entry is not None:
            checked = await CheckIn.exists(meeting_id=meeting.id, member_id=viewer.member_id)
            seat = Seat(
                on_roll=True,
                # Not counted in 应到 (an approved exclusion): not counted among the voters.
                voter=entry.voter and not entry.guest and not entry.excluded_category,
                guest=entry.guest,
                checked_in=checked,
                on_leave=entry.on_leave,
            )
    kinds: set[Any] = set(
        await Mute.filter(
            meeting_id=meeting.id, user_id=viewer.user_id, lifted_at__isnull=True
        ).values_list("kind", flat=True)
    )
    if kinds:
        seat = replace(seat, muted=MuteKind.mute in kinds, removed=MuteKind.remove in kinds)
    return seat


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
    members = await query.filter(status__in=["full", "probationary"]).select_related(
        "org", "host_org"
    )
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


# ---- lists ---------------------------------------------------------------------------------


async def meetings_for(viewer: Viewer, org: Org | None = None) -> dict[str, list[Meeting]]:
    """Upcoming, live and archived meetings the viewer may see (optionally of one org)."""
    clause = visible_meetings(viewer)
    lists: dict[str, list[Meeting]] = {"live": [], "upcoming": [], "past": []}
    if clause is NOTHING:
        return lists
    base = Meeting.filter(clause)
    if org is not None:
        base = base.filter(org_path__startswith=org.path)
    base = base.select_related("org")
    live = await base.filter(status="live").order_by("-scheduled_at").limit(LIST_LIMIT)
    upcoming = (
        await base.filter(status__in=["draft", "scheduled"])
        .order_by("scheduled_at")
        .limit(LIST_LIMIT)
    )
    past = (
        await base.filter(status__in=["ended", "archived"])
        .order_by("-scheduled_at")
        .limit(LIST_LIMIT)
    )
    lists.update(
        live=[m for m in live if can_see_meeting(viewer, m)],
        upcoming=[m for m in upcoming if can_see_meeting(viewer, m)],
        past=[m for m in past if can_see_meeting(viewer, m)],
    )
    return lists


@dataclass(frozen=True)
class OverdueFlag:
    type: str
    label: str
    last: dt.datetime | None
    due_days: int


async def overdue_flags(org: Org, now: dt.datetime | None = None) -> list[OverdueFlag]:
    """Meeting types of this org not held within their usual frequency (one grouped query)."""
    now = now or utcnow()
    kinds = {
        name: rule
        for name, rule in MEETING_RULES.items()
        if rule.org_kind == str(org.kind) and rule.frequency_days > 0
    }
    if not kinds:
        return []
    rows = (
        await Meeting.filter(org_id=org.id, status__in=["live", "ended", "archived"])
        .annotate(last=Max("scheduled_at"))
        .group_by("type")
        .values("type", "last")
    )
    last = {str(r["type"]): r["last"] for r in rows}
    flags = []
    for name, rule in kinds.items():
        held = last.get(name)
        if held is None or (now - held).days > rule.frequency_days:
            flags.append(OverdueFlag(name, rule.label, held, rule.frequency_days))
    return flags


async def upcoming_for_home(viewer: Viewer) -> list[Meeting]:
    lists = await meetings_for(viewer)
    return (lists["live"] + [m for m in lists["upcoming"] if str(m.status) != "draft"])[:5]


# ---- the room ------------------------------------------------------------------------------


def serialize_message(message: MeetingMessage, *, host: bool) -> dict[str, Any]:
    data: dict[str, Any] = {
        "number": message.number,
        "author_id": message.author_id,
        "author_name": message.author_name,
        "created_at": message.created_at.isoformat(),
        "removed": message.removed,
        "html": "" if message.removed else message.body_html,
    }
    if host and message.removed:
        data["removed_reason"] = message.removed_reason
    return data


async def tallies_of(vote: Vote) -> dict[str, int]:
    rows = await VoteTally.filter(vote_id=vote.id).values("option", "count")
    return {str(r["option"]): int(r["count"]) for r in rows}


async def serialize_votes(
    viewer: Viewer, meeting: Meeting, votes: list[Vote]
) -> list[dict[str, Any]]:
    """Votes as the room shows them, in 4 queries whatever their number."""
    ids = [v.id for v in votes]
    if not ids:
        return []
    candidates: dict[int, list[dict[str, Any]]] = {}
    for c in await VoteCandidate.filter(vote_id__in=ids).order_by("position", "id"):
        candidates.setdefault(c.vote_id, []).append({"member_id": c.member_id, "name": c.name})
    tallies: dict[int, dict[str, int]] = {}
    for row in await VoteTally.filter(vote_id__in=ids).values("vote_id", "option", "count"):
        tallies.setdefault(int(row["vote_id"]), {})[str(row["option"])] = int(row["count"])
    mine: set[int] = set()
    if viewer.member_id is not None:
        mine = set(
            ints(
                await Ballot.filter(vote_id__in=ids, voter_id=viewer.member_id).values_list(
                    "vote_id", flat=True
                )
            )
        )
    opinions = {
        int(row["vote_id"]): int(row["n"])
        for row in await WrittenOpinion.filter(vote_id__in=ids)
        .annotate(n=Count("id"))
        .group_by("vote_id")
        .values("vote_id", "n")
    }
    rows = []
    for vote in votes:
        visible = can_see_vote_results(viewer, meeting, vote)
        rows.append(
            {
                "id": vote.id,
                "kind": str(vote.kind),
                "kind_label": rules.KIND_LABELS[str(vote.kind)],
                "title": vote.title,
                "secret": vote.secret,
                "state": str(vote.state),
                "state_label": rules.STATE_LABELS[str(vote.state)],
                "seats": vote.seats,
                "candidate_id": vote.candidate_id,
                "candidates": candidates.get(vote.id, []),
                "ballots_cast": vote.ballots_cast,
                "expected_voters": vote.expected_voters,
                "tallies": tallies.get(vote.id, {}) if visible else None,
                "result": vote.result if visible else None,
                "my_ballot": vote.id in mine,
                "written_opinions": opinions.get(vote.id, 0),
                "in_person": {
                    "yes": vote.in_person_yes,
                    "no": vote.in_person_no,
                    "abstain": vote.in_person_abstain,
                }
                if visible
                else None,
                "in_person_recorded": vote.in_person_by_id is not None,
            }
        )
    return rows


async def serialize_vote(viewer: Viewer, meeting: Meeting, vote: Vote) -> dict[str, Any]:
    return (await serialize_votes(viewer, meeting, [vote]))[0]


async def room_state(viewer: Viewer, meeting: Meeting) -> dict[str, Any]:
    """Everything the live room shows, server-rendered and as JSON (reload target)."""
    host = can_host_meeting(viewer, meeting)
    seat = await seat_for(viewer, meeting)
    agenda = await AgendaItem.filter(meeting_id=meeting.id).order_by("position")
    roll = await RollEntry.filter(meeting_id=meeting.id).order_by("guest", "name", "id")
    checkin_rows = {c.member_id: c for c in await CheckIn.filter(meeting_id=meeting.id)}
    checkins = {m: c.checked_in_at for m, c in checkin_rows.items()}
    leaves = {lr.member_id: lr.reason for lr in await LeaveRequest.filter(meeting_id=meeting.id)}
    messages = list(
        reversed(
            await MeetingMessage.filter(meeting_id=meeting.id)
            .order_by("-number")
            .limit(ROOM_MESSAGE_LIMIT)
        )
    )
    queue = await SpeakingRequest.filter(
        meeting_id=meeting.id, state__in=["waiting", "speaking"]
    ).order_by("raised_at", "id")
    mutes = await Mute.filter(meeting_id=meeting.id, lifted_at__isnull=True)
    votes_ = await Vote.filter(meeting_id=meeting.id).order_by("id")
    visible_votes = [v for v in votes_ if host or str(v.state) != "unpublished"]
    return {
        "meeting": meeting,
        "rule": MEETING_RULES[str(meeting.type)],
        "host": host,
        "seat": seat,
        "role": meeting_role(viewer, meeting, seat),
        "agenda": agenda,
        "current_item": next((a for a in agenda if a.is_current), None),
        "roll": [
            {
                "member_id": r.member_id,
                "user_id": r.user_id,
                "name": r.name,
                "status": r.status,
                "guest": r.guest,
                "voter": r.voter,
                "checked_in_at": checkins.get(r.member_id),
                "on_leave": r.on_leave and r.member_id not in checkins,
                "leave_reason": leaves.get(r.member_id, "") if host else "",
                "checkin_method": checkin_rows[r.member_id].method
                if r.member_id in checkin_rows
                else "",
                "checkin_note": checkin_rows[r.member_id].note
                if host and r.member_id in checkin_rows
                else "",
                "excluded": r.excluded_category,
                "excluded_reason": r.excluded_reason,
                "excluded_approval": r.excluded_approval,
                "excluded_decision": r.excluded_decision,
            }
            for r in roll
        ],
        "leave_requests": len(leaves),
        "attendance": await attendance(meeting),
        "messages": [serialize_message(m, host=host) for m in messages if host or not m.removed],
        "queue": [
            {
                "id": q.id,
                "user_id": q.user_id,
                "name": q.name,
                "state": str(q.state),
                "floor_at": q.floor_at.isoformat() if q.floor_at else None,
            }
            for q in queue
        ],
        "speaker": next((q for q in queue if q.state == SpeakingState.speaking), None),
        "mutes": [{"user_id": m.user_id, "kind": str(m.kind)} for m in mutes],
        "votes": await serialize_votes(viewer, meeting, visible_votes),
        "vote_objects": {v.id: v for v in visible_votes},
        "last_event_id": await channel_head(meeting.id),
        "present_user_ids": await presence.present(meeting.id),
        **(await _recorder_fields(meeting, roll) if host else {"recorder_usernames": []}),
    }


async def _recorder_fields(meeting: Meeting, roll: list[RollEntry]) -> dict[str, Any]:
    """For the host's 记录人 picker: the current recorder and the roll's members with accounts
    (one query), so the host picks a name instead of typing a username."""
    user_ids = {r.user_id for r in roll if r.user_id and not r.guest}
    user_ids |= set(meeting.recorder_user_ids)
    usernames = dict(await User.filter(id__in=list(user_ids)).values_list("id", "username"))
    return {
        "recorder_usernames": [usernames[i] for i in meeting.recorder_user_ids if i in usernames],
        "recorder_choices": [
            (usernames[r.user_id], r.name) for r in roll if r.user_id in usernames and not r.guest
        ],
    }


async def eligible_candidates(meeting: Meeting, kind: str) -> list[Member]:
    """Members a question may name: development targets (admission), probationary
    (conversion), full members with rights (election), all inside the meeting's org."""
    status = {"admission": "development_target", "conversion": "probationary"}.get(kind, "full")
    query = Member.filter(org__path__startswith=meeting.org_path, status=status)
    if kind == "election":
        query = query.filter(on_probation_sanction=False, membership_suspended=False)
    return await query.order_by("name", "id").limit(500)
