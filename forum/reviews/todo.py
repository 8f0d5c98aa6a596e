"""我的待办 from 民主评议: a member's 自评 and 测评表 while a round is open; the branch's
leaders' rounds waiting for the rating to close or the grades to be decided."""

from __future__ import annotations

from forum.policy import Viewer, has_voting_rights, under_paths
from forum.reviews.models import RatingSheet, ReviewRound, ReviewSubject
from forum.todo import EMPTY, TodoBatch, TodoItem, TodoSource


async def load(viewer: Viewer, limit: int) -> TodoBatch:
    if viewer.suspended or not viewer.is_authenticated:
        return EMPTY
    items: list[TodoItem] = []
    if viewer.member_id is not None:
        mine = await ReviewSubject.filter(
            member_id=viewer.member_id, round__state="open"
        ).select_related("round")
        sheets = await RatingSheet.filter(
            rater_member_id=viewer.member_id, round_id__in=[s.round_id for s in mine]
        ).values("round_id")
        rated = {int(row["round_id"]) for row in sheets}
        for s in mine:
            if not s.self_review:
                items.append(
                    TodoItem(f"填写{s.round.year}年度民主评议自评", f"/reviews/{s.round_id}#self")
                )
            if s.round_id not in rated and has_voting_rights(viewer):
                items.append(
                    TodoItem(f"提交{s.round.year}年度民主测评表", f"/reviews/{s.round_id}#rate")
                )
    if viewer.admin_paths:
        rounds = (
            await ReviewRound.filter(
                under_paths(viewer.admin_paths, "org_path"), state__in=["open", "rated"]
            )
            .select_related("org")
            .order_by("id")
            .limit(50)
        )
        for r in rounds:
            step = "结束民主测评" if r.state == "open" else "确定评议等次"
            items.append(
                TodoItem(
                    f"{step}：{r.org.name} {r.year} 年度",
                    f"/reviews/{r.id}#decide",
                    detail=f"已收测评表 {r.sheets} 份",
                )
            )
    return TodoBatch(len(items), tuple(items[:limit]), more_href="/reviews")


SOURCE = TodoSource("reviews.round", order=30, label="民主评议", load=load)
