"""Reads: my notices, one notice with my receipt, the receipts for the publisher."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tortoise.expressions import Q

from forum.clock import utcnow
from forum.errors import NotFound
from forum.models import Org, User
from forum.notices.models import Notice, NoticeAttachment, NoticeRecipient
from forum.policy import (
    Viewer,
    can_confirm_notice,
    can_publish_notice,
    can_remind_notice,
    can_see_notice,
    can_see_notice_receipts,
    ensure_visible,
    managed_orgs,
)

PER_PAGE = 30


@dataclass
class Received:
    notice: Notice
    confirmed: bool


async def my_notices(viewer: Viewer, limit: int = PER_PAGE) -> list[Received]:
    """The notices sent to me, newest first, unexpired ones."""
    if viewer.user_id is None:
        return []
    now = utcnow()
    rows = (
        await NoticeRecipient.filter(user_id=viewer.user_id)
        .filter(Q(notice__expires_at__isnull=True) | Q(notice__expires_at__gt=now))
        .select_related("notice", "notice__org")
        .order_by("-notice_id")
        .limit(limit)
    )
    return [Received(r.notice, r.confirmed_at is not None) for r in rows]


async def published_by_me(viewer: Viewer, limit: int = PER_PAGE) -> list[Notice]:
    """Notices of the orgs I administer (the publisher's list)."""
    paths = viewer.admin_paths
    if not paths or viewer.suspended:
        return []
    where = Q(org_path__startswith=paths[0])
    for path in paths[1:]:
        where |= Q(org_path__startswith=path)
    return list(await Notice.filter(where).select_related("org").order_by("-id").limit(limit))


async def publishable_orgs(viewer: Viewer) -> list[Org]:
    if not viewer.is_authenticated:
        return []
    orgs = await Org.filter(managed_orgs(viewer), is_active=True).order_by("path").limit(200)
    return [o for o in orgs if can_publish_notice(viewer, o)]


async def notice_for(viewer: Viewer, notice_id: int) -> tuple[Notice, NoticeRecipient | None]:
    notice = await Notice.filter(id=notice_id).select_related("org", "author").first()
    if notice is None:
        raise NotFound()
    row = None
    if viewer.user_id is not None:
        row = await NoticeRecipient.filter(notice_id=notice.id, user_id=viewer.user_id).first()
    ensure_visible(can_see_notice(viewer, notice, recipient=row is not None))
    return notice, row


def decisions(viewer: Viewer, notice: Notice, row: NoticeRecipient | None) -> dict[str, Any]:
    now = utcnow()
    return {
        "confirm": can_confirm_notice(
            viewer,
            notice,
            recipient=row is not None,
            confirmed=row is not None and row.confirmed_at is not None,
            now=now,
        ),
        "receipts": can_see_notice_receipts(viewer, notice),
        "remind": can_remind_notice(viewer, notice, now),
    }


@dataclass
class Receipts:
    confirmed: list[tuple[User, NoticeRecipient]]
    pending: list[tuple[User, NoticeRecipient]]


async def receipts(viewer: Viewer, notice: Notice) -> Receipts:
    """Who has and has not confirmed: names only (no phone, no address), the notice's own
    recipients only, bounded."""
    ensure_visible(can_see_notice_receipts(viewer, notice))
    rows = (
        await NoticeRecipient.filter(notice_id=notice.id)
        .select_related("user")
        .order_by("confirmed_at", "user_id")
        .limit(5000)
    )
    confirmed = [(r.user, r) for r in rows if r.confirmed_at is not None]
    pending = [(r.user, r) for r in rows if r.confirmed_at is None]
    confirmed.sort(key=lambda p: p[1].confirmed_at or utcnow())
    return Receipts(confirmed, pending)


async def unconfirmed_count(viewer: Viewer) -> int:
    if viewer.user_id is None:
        return 0
    now = utcnow()
    return (
        await NoticeRecipient.filter(
            user_id=viewer.user_id, confirmed_at__isnull=True, notice__requires_receipt=True
        )
        .filter(Q(notice__expires_at__isnull=True) | Q(notice__expires_at__gt=now))
        .count()
    )


async def attachments_of(notice: Notice) -> list[NoticeAttachment]:
    return await NoticeAttachment.filter(notice_id=notice.id).order_by("id").limit(50)


async def attachment_for(viewer: Viewer, notice_id: int, file_id: int) -> NoticeAttachment:
    """A file of a notice the viewer may read (the same answer as the notice itself)."""
    notice, _row = await notice_for(viewer, notice_id)
    found = await NoticeAttachment.get_or_none(id=file_id, notice_id=notice.id)
    if found is None:
        raise NotFound()
    return found
