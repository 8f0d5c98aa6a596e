"""Drafts: the one a composer restores, and the author's list on /me (with links)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from forum.boards.models import Draft, Topic
from forum.boards.queries.boards import attach_board, board_index
from forum.policy import Viewer, can_read_topic, can_reply_topic, can_start_topic

# /me lists the most recent drafts; older ones are still restored in their composer.
MY_DRAFTS_SHOWN = 20


async def get_draft(viewer: Viewer, key: str) -> Draft | None:
    """The viewer's own draft for a composer (the unique (user_id, key) index)."""
    if viewer.user_id is None:
        return None
    return await Draft.get_or_none(user_id=viewer.user_id, key=key)


@dataclass(frozen=True)
class DraftItem:
    key: str
    title: str
    where: str  # the board's name
    excerpt: str
    url: str
    updated_at: dt.datetime


def _excerpt(body: str, limit: int = 60) -> str:
    text = " ".join(body.split())
    return text if len(text) <= limit else text[:limit] + "…"


async def my_drafts(viewer: Viewer) -> list[DraftItem]:
    """The viewer's latest drafts whose composer they may still use (a board or topic they
    lost access to is left out): two statements (drafts with their topics, the board index)."""
    if viewer.user_id is None:
        return []
    drafts = (
        await Draft.filter(user_id=viewer.user_id)
        .order_by("-updated_at", "-id")
        .limit(MY_DRAFTS_SHOWN)
        .select_related("topic")
    )
    if not drafts:
        return []
    index = await board_index()
    items = []
    for draft in drafts:
        board = index.get(draft.board_id)
        if board is None:  # pragma: no cover - the foreign key cascades
            continue
        topic: Topic | None = draft.topic if draft.topic_id is not None else None
        if topic is not None:
            attach_board([topic], board)
            if not (can_read_topic(viewer, topic) and can_reply_topic(viewer, topic)):
                continue
            title, url = f"回复：{topic.title}", f"/t/{topic.id}/reply"
        else:
            if not can_start_topic(viewer, board.access):
                continue
            title, url = draft.title.strip() or "（未填标题的新主题）", f"/forum/b/{board.id}/new"
        items.append(
            DraftItem(draft.key, title, board.name, _excerpt(draft.body), url, draft.updated_at)
        )
    return items
