"""The reviews part's audit codes and targets in Chinese."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from forum.audit import AuditLabels, AuditNames, int_ids
from forum.reviews.models import ReviewRound, ReviewSubject

LABELS = AuditLabels(
    "reviews",
    actions={
        "review.opened": "开始民主评议",
        "review.self_written": "填写自评",
        "review.peer_written": "填写互评",
        "review.sheet_handed_in": "提交民主测评表",
        "review.rating_closed": "结束民主测评",
        "review.grades_decided": "确定评议等次",
        "review.disposal_recorded": "记录组织处置",
    },
    targets={"review_round": "民主评议", "review_subject": "参评党员"},
)


async def _round_names(ids: Sequence[str]) -> Mapping[str, str]:
    rows = await ReviewRound.filter(id__in=int_ids(ids)).values("id", "year", "org__name")
    return {str(r["id"]): f"{r['org__name']} {r['year']} 年度民主评议" for r in rows}


async def _subject_names(ids: Sequence[str]) -> Mapping[str, str]:
    rows = await ReviewSubject.filter(id__in=int_ids(ids)).values("id", "name", "round__year")
    return {str(r["id"]): f"{r['name']}（{r['round__year']} 年度）" for r in rows}


PROVIDES = (
    LABELS,
    AuditNames("review_round", _round_names),
    AuditNames("review_subject", _subject_names),
)
