"""我的待办 from meetings: questions open for a vote in a live meeting where the viewer is a
voter on the roll and has not cast a ballot yet (the room is where it is done)."""

from __future__ import annotations

from tortoise.expressions import Subquery

from forum.policy import Viewer
from forum.todo import EMPTY, TodoBatch, TodoItem, TodoSource
from realtime.meetings.models import Ballot, RollEntry, Vote


async def load_votes(viewer: Viewer, limit: int) -> TodoBatch:
    if viewer.member_id is None or viewer.suspended:
        return EMPTY
    seats = RollEntry.filter(member_id=viewer.member_id, voter=True, guest=False).values(
        "meeting_id"
    )
    cast = Ballot.filter(voter_id=viewer.member_id).values("vote_id")
    query = Vote.filter(
        state="open", meeting__status="live", meeting_id__in=Subquery(seats)
    ).exclude(id__in=Subquery(cast))
    count = await query.count()
    if not count or not limit:
        return TodoBatch(count)
    rows = await query.select_related("meeting").order_by("opened_at", "id").limit(limit)
    items = tuple(
        TodoItem(title=f"表决：{v.title}", href=f"/meetings/{v.meeting_id}", detail=v.meeting.title)
        for v in rows
    )
    return TodoBatch(count, items)


VOTES = TodoSource("meetings.votes", order=10, label="待表决", load=load_votes)
