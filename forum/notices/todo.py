"""我的待办 from 通知公告: notices asking me for a read confirmation (回执) not given yet."""

from __future__ import annotations

from tortoise.expressions import Q

from forum.clock import utcnow
from forum.notices.models import NoticeRecipient
from forum.policy import Viewer
from forum.templating import local
from forum.todo import EMPTY, TodoBatch, TodoItem, TodoSource


async def load(viewer: Viewer, limit: int) -> TodoBatch:
    if viewer.user_id is None:
        return EMPTY
    query = NoticeRecipient.filter(
        Q(notice__expires_at__isnull=True) | Q(notice__expires_at__gt=utcnow()),
        user_id=viewer.user_id,
        confirmed_at__isnull=True,
        notice__requires_receipt=True,
    )
    count = await query.count()
    if not count or not limit:
        return TodoBatch(count)
    rows = await query.select_related("notice", "notice__org").order_by("notice_id").limit(limit)
    items = tuple(
        TodoItem(
            title=f"确认回执：{r.notice.title}",
            href=f"/notices/{r.notice_id}",
            detail=str(getattr(r.notice.org, "name", "")),
            due=local(r.notice.receipt_deadline).date() if r.notice.receipt_deadline else None,
        )
        for r in rows
    )
    return TodoBatch(count, items, more_href="/notices")


SOURCE = TodoSource("notices.receipts", order=15, label="待确认的通知", load=load)
