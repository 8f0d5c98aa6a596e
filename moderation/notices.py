"""Messages from the moderators to one account (warnings, decisions on their content).

Each notice is also an entry of the person's inbox (the kernel's `forum.notifications`, kind
`moderation`), so the bell shows it; `/moderation/notices` lists the notices in full."""

from __future__ import annotations

from forum import notifications, publisher
from forum.notifications import NotificationKind
from moderation.models import Notice

KIND = NotificationKind("moderation", "管理员对我的内容或账号作出处理", "审核与处理")
URL = "/moderation/notices"


async def create(user_id: int, title: str, body: str) -> Notice:
    """Insert a notice; call inside the action's transaction, then `publish` after commit."""
    notice = await Notice.create(user_id=user_id, title=title[:100], body=body)
    await notifications.notify(
        [user_id], KIND.key, text=notice.title, url=URL, subject=f"notice:{notice.id}"
    )
    return notice


async def publish(notice: Notice) -> None:
    await publisher.notification_created(
        notice.user_id,
        kind=KIND.key,
        notice_id=notice.id,
        title=notice.title,
        text=notice.title,
        url=URL,
        unread=await notifications.unread_count(notice.user_id),
    )


async def for_user(user_id: int, limit: int = 50) -> list[Notice]:
    return await Notice.filter(user_id=user_id).order_by("-id").limit(limit)
