"""Messages from the moderators to one account (warnings, decisions on their content)."""

from __future__ import annotations

from forum import publisher
from moderation.models import Notice


async def create(user_id: int, title: str, body: str) -> Notice:
    """Insert a notice; call inside the action's transaction, then `publish` after commit."""
    return await Notice.create(user_id=user_id, title=title[:100], body=body)


async def publish(notice: Notice) -> None:
    await publisher.notification_created(
        notice.user_id, kind="moderation", notice_id=notice.id, title=notice.title
    )


async def for_user(user_id: int, limit: int = 50) -> list[Notice]:
    return await Notice.filter(user_id=user_id).order_by("-id").limit(limit)
