"""Reads of 民主评议: a round as the viewer may see it (their own 自评 and 互评 to write, the
tallies only for the branch's leaders after the rating closed), and the rounds of a branch."""

from __future__ import annotations

from dataclasses import dataclass, field

from forum.errors import NotFound
from forum.policy import (
    Viewer,
    can_manage_org,
    can_see_review,
    can_see_review_tallies,
    ensure_visible,
    excellent_limit,
)
from forum.reviews.models import PeerComment, RatingSheet, RatingTally, ReviewRound, ReviewSubject


@dataclass
class RoundView:
    round: ReviewRound
    subjects: list[ReviewSubject]
    me: ReviewSubject | None  # the viewer, when reviewed in this round
    peers: list[ReviewSubject]  # whom the viewer writes 互评 about (same 党小组, not self)
    my_comments: dict[int, str]  # subject id -> the viewer's 互评 text
    rated: bool  # the viewer has handed in a 测评表
    manages: bool
    tallies: dict[int, dict[str, int]] = field(default_factory=dict)  # leaders, after closing
    comments: dict[int, list[PeerComment]] = field(default_factory=dict)  # leaders only

    @property
    def excellent_limit(self) -> int:
        return excellent_limit(len(self.subjects))


async def get_round_for(viewer: Viewer, round_id: int) -> RoundView:
    round_ = await ReviewRound.filter(id=round_id).select_related("org").first()
    if round_ is None:
        raise NotFound()
    ensure_visible(can_see_review(viewer, round_))
    subjects = await ReviewSubject.filter(round_id=round_.id).order_by("org_id", "name", "id")
    me = next((s for s in subjects if s.member_id == viewer.member_id), None)
    peers = [s for s in subjects if me is not None and s.org_id == me.org_id and s.id != me.id]
    mine = (
        await PeerComment.filter(
            subject__round_id=round_.id, author_member_id=viewer.member_id
        ).values_list("subject_id", "body")
        if viewer.member_id is not None
        else []
    )
    rated = (
        viewer.member_id is not None
        and await RatingSheet.filter(round_id=round_.id, rater_member_id=viewer.member_id).exists()
    )
    manages = can_manage_org(viewer, round_.org)
    view = RoundView(round_, subjects, me, peers, dict(mine), rated, manages)
    if can_see_review_tallies(viewer, round_):
        for t in await RatingTally.filter(subject__round_id=round_.id):
            view.tallies.setdefault(t.subject_id, {})[t.grade] = t.count
    if manages:
        for c in await PeerComment.filter(subject__round_id=round_.id).order_by("id"):
            view.comments.setdefault(c.subject_id, []).append(c)
    return view


async def rounds_of(viewer: Viewer, org_path: str) -> list[ReviewRound]:
    rows = await ReviewRound.filter(org_path=org_path).order_by("-year").limit(20)
    return [r for r in rows if can_see_review(viewer, r)]
