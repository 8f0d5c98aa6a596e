"""The yearly 民主评议 grade (and any 组织处置) on the member's record (forum.recordfacts)."""

from __future__ import annotations

from forum.recordfacts import RecordFacts, RecordLine
from forum.reviews.models import ReviewSubject


async def lines(member_id: int) -> list[RecordLine]:
    """Decided rounds only: a grade proposed but not yet decided is not the record's."""
    rows = (
        await ReviewSubject.filter(member_id=member_id, round__state="decided")
        .exclude(grade="")
        .select_related("round")
        .order_by("-round__year")
        .limit(20)
    )
    out = []
    for s in rows:
        text = f"{s.round.year}年度民主评议：{s.grade_label}"
        if s.round.decided_by:
            text += f"（{s.round.decided_by}）"
        if s.disposal:
            text += f"；组织处置：{s.disposal_label}"
            if s.disposal_note:
                text += f"（{s.disposal_note}）"
        out.append(RecordLine(s.round.year, text))
    return out


FACTS = RecordFacts("reviews", "民主评议", lines)
