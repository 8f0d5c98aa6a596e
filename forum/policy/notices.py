"""通知公告: who may publish to an org's subtree, read a notice, confirm it (回执), see who has
and has not confirmed, and remind them.

An org's admins (and those of its ancestors) publish to its subtree; a notice is visible to
its recipients and to the admins over its org; a recipient confirms a notice that asks for a
receipt, once, until it expires; the publisher's side sees the receipts and reminds.
"""

from __future__ import annotations

import datetime as dt
from typing import Protocol

from forum.policy.core import HasPath, Viewer, can_manage_org
from forum.policy.decision import ALLOWED, Decision, decide, refused

__all__ = [
    "NoticeLike",
    "can_confirm_notice",
    "can_publish_notice",
    "can_remind_notice",
    "can_see_notice",
    "can_see_notice_receipts",
    "notice_expired",
]


class NoticeLike(Protocol):
    org_path: str
    requires_receipt: bool
    expires_at: dt.datetime | None


class _Path:
    def __init__(self, path: str) -> None:
        self.path = path


def _admin_over(viewer: Viewer, notice: NoticeLike) -> bool:
    return can_manage_org(viewer, _Path(notice.org_path))


def notice_expired(notice: NoticeLike, now: dt.datetime) -> bool:
    return notice.expires_at is not None and notice.expires_at <= now


def can_publish_notice(viewer: Viewer, org: HasPath) -> Decision:
    if not viewer.is_authenticated:
        return refused("请先登录")
    return decide(can_manage_org(viewer, org), "只有本组织及上级组织的管理员可以发布通知公告")


def can_see_notice(viewer: Viewer, notice: NoticeLike, *, recipient: bool) -> bool:
    return viewer.is_authenticated and (recipient or _admin_over(viewer, notice))


def can_confirm_notice(
    viewer: Viewer,
    notice: NoticeLike,
    *,
    recipient: bool,
    confirmed: bool,
    now: dt.datetime,
) -> Decision:
    if not viewer.is_authenticated or not recipient:
        return refused("只有通知的接收人可以确认回执")
    if not notice.requires_receipt:
        return refused("此通知不需要回执")
    if confirmed:
        return refused("你已确认过此通知")
    if notice_expired(notice, now):
        return refused("通知已过期，不能再确认")
    return ALLOWED


def can_see_notice_receipts(viewer: Viewer, notice: NoticeLike) -> bool:
    return viewer.is_authenticated and notice.requires_receipt and _admin_over(viewer, notice)


def can_remind_notice(viewer: Viewer, notice: NoticeLike, now: dt.datetime) -> Decision:
    if not can_see_notice_receipts(viewer, notice):
        return refused("只有发布方管理员可以提醒未确认的人")
    if notice_expired(notice, now):
        return refused("通知已过期，不能再提醒")
    return ALLOWED
