"""The facts of one vote for the parts that cite it (`forum.decisions.VoteSource`)."""

from __future__ import annotations

from forum.clock import zone
from forum.decisions import PlenaryVote, VoteSource
from realtime.meetings.models import Vote


async def load_vote(vote_id: int) -> PlenaryVote | None:
    if not 1 <= vote_id <= 2147483647:
        return None
    vote = await Vote.get_or_none(id=vote_id).select_related("meeting")
    return None if vote is None else _facts(vote)


async def votes_about(member_id: int, org_id: int) -> list[PlenaryVote]:
    """Closed questions about the member in the org's plenaries (the member's index)."""
    votes = (
        await Vote.filter(
            candidate_id=member_id,
            state="closed",
            meeting__org_id=org_id,
            meeting__type="branch_plenary",
        )
        .select_related("meeting")
        .order_by("-id")
        .limit(20)
    )
    return [_facts(v) for v in votes]


def _facts(vote: Vote) -> PlenaryVote:
    result = vote.result or {}
    closed = str(vote.state) == "closed"
    return PlenaryVote(
        id=vote.id,
        org_id=vote.meeting.org_id,
        meeting_type=str(vote.meeting.type),
        kind=str(vote.kind),
        candidate_id=vote.candidate_id,
        closed=closed,
        passed=closed and result.get("passed") is True,
        decided_on=vote.closed_at.astimezone(zone()).date() if vote.closed_at else None,
        title=vote.title,
    )


SOURCE = VoteSource("meetings", load_vote, votes_about)
