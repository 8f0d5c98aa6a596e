"""Reads for the moderation pages: review queue, sanctions, word list, notices."""

from __future__ import annotations

import datetime as dt

from tortoise.expressions import Q

from forum.clock import utcnow
from forum.errors import NotFound
from forum.models import User
from forum.policy import (
    Viewer,
    can_manage_words,
    can_view_review_queue,
    ensure_visible,
    visible_review_items,
    visible_sanctions,
)
from moderation.models import Notice, ReviewItem, Sanction, SanctionKind, WatchedWord

PAGE_SIZE = 50


async def review_queue(
    viewer: Viewer, *, source: str | None = None, after: int | None = None
) -> tuple[list[ReviewItem], int | None]:
    """Open items in the viewer's scope, oldest first (keyset on id)."""
    ensure_visible(can_view_review_queue(viewer))
    query = ReviewItem.filter(visible_review_items(viewer), resolved_at__isnull=True)
    if source:
        query = query.filter(source=source)
    if after is not None:
        query = query.filter(id__gt=after)
    rows = await query.order_by("id").limit(PAGE_SIZE + 1)
    cursor = rows[PAGE_SIZE - 1].id if len(rows) > PAGE_SIZE else None
    return rows[:PAGE_SIZE], cursor


async def open_review_count(viewer: Viewer) -> int:
    if not can_view_review_queue(viewer):
        return 0
    return await ReviewItem.filter(visible_review_items(viewer), resolved_at__isnull=True).count()


async def active_sanctions(viewer: Viewer) -> list[Sanction]:
    """Running silences and suspensions plus recent warnings, in the viewer's scope."""
    ensure_visible(can_view_review_queue(viewer))
    now = utcnow()
    query = Sanction.filter(
        Q(lifted_at__isnull=True, ends_at__gt=now)
        | Q(kind=SanctionKind.warn, created_at__gt=now - dt.timedelta(days=30))
    )
    return (
        await query.filter(visible_sanctions(viewer))
        .select_related("user", "created_by")
        .order_by("-id")
        .limit(200)
    )


async def item_author(item: ReviewItem) -> User:
    """The author of a review item (the account a one-click sanction applies to)."""
    return await author_of(item.author_id)


async def author_of(user_id: int | None) -> User:
    user = await User.get_or_none(id=user_id) if user_id is not None else None
    if user is None:
        raise NotFound()
    return user


async def find_user(username: str) -> User:
    user = await User.filter(username__iexact=username.strip()).first()
    if user is None:
        raise NotFound()
    return user


async def word_list(
    viewer: Viewer, *, q: str = "", after: int | None = None
) -> tuple[list[WatchedWord], int | None]:
    ensure_visible(can_manage_words(viewer))
    query = WatchedWord.all()
    if q:
        query = query.filter(Q(word__icontains=q) | Q(category__icontains=q))
    if after is not None:
        query = query.filter(id__gt=after)
    rows = await query.order_by("id").limit(PAGE_SIZE * 2 + 1)
    size = PAGE_SIZE * 2
    cursor = rows[size - 1].id if len(rows) > size else None
    return rows[:size], cursor


async def word_count() -> int:
    return await WatchedWord.all().count()


async def my_notices(viewer: Viewer, limit: int = 50) -> list[Notice]:
    if viewer.user_id is None:
        return []
    return await Notice.filter(user_id=viewer.user_id).order_by("-id").limit(limit)
