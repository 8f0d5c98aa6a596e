"""The notification kinds the forum sends (the member chooses them on /notifications/settings)."""

from __future__ import annotations

from forum.notifications import NotificationKind

GROUP = "论坛"

KINDS = (
    NotificationKind("mention", "有人在帖子里 @ 我", GROUP),
    NotificationKind("reply", "有人回复我的主题", GROUP),
    NotificationKind("quote", "有人引用我的回帖", GROUP),
    NotificationKind("accepted", "我的回答被采纳", GROUP),
    NotificationKind("like", "有人赞了我的帖子", GROUP),
)
