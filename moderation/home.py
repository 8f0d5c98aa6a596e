"""Home-page sections: the moderator's review queue count, the member's moderation notices."""

from __future__ import annotations

from typing import Any

from forum.home import HomeSection
from forum.policy import Viewer, can_view_review_queue
from moderation import queries


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
    ),
    HomeSection(
        "moderation.notices",
        order=45,
        title="管理通知",
        template="moderation/_home_notices.html",
        loader=load_notices,
    ),
)
