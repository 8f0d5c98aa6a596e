"""Site-wide pins: a site moderator pins a boards topic for the whole site.

Pinned topics show at the top of the home page and at the top of every board's topic list,
each only to viewers who may read the topic (board grants, hidden topics). The boards
table is unchanged: pins are `SitePin` rows (a model of the moderation service, under its
app label), optionally ending at `until`.
Pin and unpin are audited (`topic.site_pinned`, `topic.site_unpinned`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from forum import audit
from forum.boards import queries as board_queries
from forum.boards.models import Topic
from forum.clock import utcnow
from forum.errors import ActionError, NotFound
from forum.home import HomeSection
from forum.policy import (
    Viewer,
    can_pin_site_wide,
    can_read_topic,
    can_see_board,
    ensure,
)
from forum.validation import clean_text
from moderation.models import SitePin

MAX_PINS = 10  # shown at most; older pins beyond this wait until newer ones end


def _active(now: dt.datetime) -> Q:
    return Q(until__isnull=True) | Q(until__gt=now)


async def _topic(topic_id: int) -> Topic:
    topic = await board_queries.topic_with_access(topic_id)
    if topic is None:
        raise NotFound()
    return topic


async def active_pin(topic_id: int) -> SitePin | None:
    return await SitePin.filter(_active(utcnow()), topic_id=topic_id).first()


async def pin_site_wide(
    actor: Viewer, topic_id: int, reason: str, until: dt.datetime | None = None
) -> SitePin:
    ensure(can_pin_site_wide(actor))
    topic = await _topic(topic_id)
    if topic.hidden:
        raise ActionError("隐藏的主题不能全站置顶")
    now = utcnow()
    if until is not None and until <= now:
        raise ActionError("置顶截止时间必须晚于现在", field="until")
    reason = clean_text(reason, "reason", "操作原因", max_length=1000, required=False)
    try:
        async with in_transaction():
            # An expired pin of the same topic makes room for the new one.
            await SitePin.filter(topic_id=topic.id, until__lte=now).delete()
            pin = await SitePin.create(topic_id=topic.id, pinned_by_id=actor.user_id, until=until)
            await audit.record(
                actor,
                "topic.site_pinned",
                "topic",
                topic.id,
                org_path=topic.access.org_path or "",
                after={"until": until.isoformat() if until else None},
                reason=reason,
            )
    except IntegrityError as exc:
        raise ActionError("该主题已经全站置顶") from exc
    return pin


async def unpin_site_wide(actor: Viewer, topic_id: int, reason: str) -> None:
    ensure(can_pin_site_wide(actor))
    topic = await _topic(topic_id)
    async with in_transaction():
        pin = await SitePin.filter(topic_id=topic.id).select_for_update().first()
        if pin is None:
            raise ActionError("该主题没有全站置顶")
        await SitePin.filter(id=pin.id).delete()
        await audit.record(
            actor,
            "topic.site_unpinned",
            "topic",
            topic.id,
            org_path=topic.access.org_path or "",
            before={
                "pinned_by": pin.pinned_by_id,
                "pinned_at": pin.pinned_at.isoformat(),
                "until": pin.until.isoformat() if pin.until else None,
            },
            reason=clean_text(reason, "reason", "操作原因", max_length=1000, required=False),
        )


async def pinned_topics(viewer: Viewer) -> list[Topic]:
    """Active site-wide pins the viewer may read, newest pin first (three queries: pins,
    their topics with authors, the board index)."""
    pins = await SitePin.filter(_active(utcnow())).order_by("-pinned_at", "-id").limit(MAX_PINS)
    if not pins:
        return []
    topics = {
        t.id: t
        for t in await Topic.filter(id__in=[p.topic_id for p in pins], hidden=False).select_related(
            "author"
        )
    }
    index = await board_queries.board_index()
    shown: list[Topic] = []
    for pin in pins:
        topic = topics.get(pin.topic_id)
        board = index.get(topic.board_id) if topic is not None else None
        if topic is None or board is None:
            continue
        topic.access = board.access
        topic.board = board
        if can_see_board(viewer, board.access) and can_read_topic(viewer, topic):
            shown.append(topic)
    return shown


async def load_site_pins(viewer: Viewer) -> dict[str, Any] | None:
    """The home page's first section: the pins the viewer may read (none: no section)."""
    topics = await pinned_topics(viewer)
    return {"site_pins": topics} if topics else None


HOME = HomeSection(
    "boards.site_pins",
    order=5,
    title="全站置顶",
    template="boards/_home_site_pins.html",
    loader=load_site_pins,
)
