"""Home-page sections: the moderator's review queue count, the member's moderation notices."""

from __future__ import annotations

from typing import Any

from forum.home import HomeSection
from forum.policy import Viewer, can_view_review_queue
from forum.todo import EMPTY, TodoBatch, TodoItem, TodoSource
from moderation import queries
from moderation.models import REVIEW_SOURCE_LABELS


async def load_reviews(viewer: Viewer) -> dict[str, Any] | None:
    if not can_view_review_queue(viewer):
        return None
    return {"open_reviews": await queries.open_review_count(viewer)}


async def load_notices(viewer: Viewer) -> dict[str, Any] | None:
    notices = await queries.my_notices(viewer, limit=3)
    return {"notices": notices} if notices else None


SECTIONS = (
    HomeSection(
        "moderation.reviews",
        order=40,
        title="待审核内容",
        template="moderation/_home_reviews.html",
        loader=load_reviews,
        group="todo",
    ),
    HomeSection(
        "moderation.notices",
        order=45,
        title="管理通知",
        template="moderation/_home_notices.html",
        loader=load_notices,
        group="todo",
    ),
)


async def load_review_todo(viewer: Viewer, limit: int) -> TodoBatch:
    """The review queue, oldest first (the queue's own order), each linking to its card."""
    if not can_view_review_queue(viewer):
        return EMPTY
    count = await queries.open_review_count(viewer)
    if not count or not limit:
        return TodoBatch(count)
    rows, _cursor = await queries.review_queue(viewer)
    items = tuple(
        TodoItem(
            title=f"审核：{row.excerpt or '（无摘要）'}",
            href=f"/moderation/queue#item-{row.id}",
            detail=REVIEW_SOURCE_LABELS.get(str(row.source), str(row.source)),
        )
        for row in rows[:limit]
    )
    return TodoBatch(count, items, more_href="/moderation/queue")


TODO = TodoSource("moderation.reviews", order=40, label="待审核内容", load=load_review_todo)
