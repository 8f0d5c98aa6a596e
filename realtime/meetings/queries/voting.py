"""Votes as the room shows them (tallies only to those the policy lets see them) and the
members a question may name."""

from __future__ import annotations

from typing import Any

from tortoise.functions import Count

from forum.models import Member
from forum.policy import Viewer, can_see_vote_results
from realtime.meetings import votes as rules
from realtime.meetings.models import Ballot, Meeting, Vote, VoteCandidate, VoteTally, WrittenOpinion
from realtime.meetings.queries._common import ints


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


async def eligible_candidates(meeting: Meeting, kind: str) -> list[Member]:
    """Members a question may name: development targets (admission), probationary
    (conversion), full members with rights (election), any member (not counted in 应到), all
    inside the meeting's org."""
    statuses = {
        "admission": ["development_target"],
        "conversion": ["probationary"],
        "extension": ["probationary"],
        "cancellation": ["probationary"],
        "exclusion": ["full", "probationary"],
    }.get(kind, ["full"])
    query = Member.filter(org__path__startswith=meeting.org_path, status__in=statuses)
    if kind == "election":
        query = query.filter(on_probation_sanction=False, membership_suspended=False)
    return await query.order_by("name", "id").limit(500)
