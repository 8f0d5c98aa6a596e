"""The notification kinds notices send (the bell, and e-mail/SMS through the outbox)."""

from __future__ import annotations

from forum.notifications import NotificationKind

GROUP = "通知公告"
PUBLISHED = NotificationKind(
    "notice.published", "组织发布了给我的通知公告", GROUP, channels=frozenset({"email"})
)
REMINDER = NotificationKind(
    "notice.reminder",
    "提醒我确认通知回执",
    GROUP,
    channels=frozenset({"email", "sms"}),
)
KINDS = (PUBLISHED, REMINDER)
