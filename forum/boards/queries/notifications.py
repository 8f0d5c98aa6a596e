"""Notifications: the unread count every page shows, and the viewer's list (keyset)."""

from __future__ import annotations

from forum.boards.models import Notification
from forum.db import raw
from forum.policy import Viewer

NOTIFICATIONS_PER_PAGE = 30


async def unread_notification_count(viewer: Viewer) -> int:
    if viewer.user_id is None:
        return 0
    rows = await raw(  # every forum page asks: plain SQL, the (user_id, read_at) index
        "SELECT COUNT(*) AS n FROM boards_notifications WHERE user_id = ? AND read_at IS NULL",
        [viewer.user_id],
    )
    return int(rows[0]["n"])


async def notifications(
    viewer: Viewer, before: int | None
) -> tuple[list[Notification], int | None]:
    qs = Notification.filter(user_id=viewer.user_id)
    if before is not None:
        qs = qs.filter(id__lt=before)
    rows = (
        await qs.select_related("actor", "topic").order_by("-id").limit(NOTIFICATIONS_PER_PAGE + 1)
    )
    more = len(rows) > NOTIFICATIONS_PER_PAGE
    rows = rows[:NOTIFICATIONS_PER_PAGE]
    return rows, (rows[-1].id if more and rows else None)
