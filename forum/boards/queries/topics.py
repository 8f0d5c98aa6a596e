"""Topics: a board's topic list (keyset by last activity, pinned first), one topic with its
board's policy facts."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from forum.boards.models import Board, Topic
from forum.boards.queries._common import AuthorName, when
from forum.boards.queries.boards import BoardIndex, attach_board, board_index
from forum.db import raw
from forum.errors import NotFound
from forum.policy import (
    BoardAccess,
    Viewer,
    can_moderate_board,
    can_read_topic,
    can_see_board,
    ensure_visible,
)

TOPICS_PER_PAGE = 30


@dataclass
class TopicSummary:
    """A topic as list pages, the list API and the feed show it (read-only; the writes take
    the `Topic` model from `get_topic_for`). Same attribute names as `Topic`, so templates
    and policy predicates (`TopicFacts`) accept either."""

    id: int
    board_id: int
    title: str
    author_id: int
    author: AuthorName
    pinned: bool
    closed: bool
    hidden: bool
    held: bool
    created_at: dt.datetime
    last_activity_at: dt.datetime
    last_poster_name: str
    reply_count: int
    last_number: int
    accepted_post_id: int | None
    access: BoardAccess
    board: Board


@dataclass
class TopicRow:
    topic: TopicSummary
    last_read: int | None  # None: never opened

    @property
    def unread(self) -> int:
        return self.topic.last_number - (self.last_read or 0)


@dataclass
class TopicPage:
    pinned: list[TopicRow]
    rows: list[TopicRow]
    next_cursor: str | None


def parse_topic_cursor(raw_cursor: str | None) -> tuple[dt.datetime, int] | None:
    if not raw_cursor:
        return None
    try:
        stamp, _, raw_id = raw_cursor.partition("_")
        when = dt.datetime.fromtimestamp(int(stamp) / 1_000_000, dt.UTC)
        return when, int(raw_id)
    except (ValueError, OverflowError, OSError) as exc:
        raise NotFound() from exc


def topic_cursor(topic: Topic | TopicSummary) -> str:
    micros = int(topic.last_activity_at.timestamp() * 1_000_000)
    return f"{micros}_{topic.id}"


_TOPIC_COLUMNS = (
    "SELECT t.id AS id, t.title AS title, t.author_id AS author_id, t.pinned AS pinned, "
    "t.closed AS closed, t.hidden AS hidden, t.held AS held, t.created_at AS created_at, "
    "t.last_activity_at AS last_activity_at, t.last_poster_name AS last_poster_name, "
    "t.reply_count AS reply_count, t.last_number AS last_number, "
    "t.accepted_post_id AS accepted_post_id, u.display_name AS author_name, "
    "u.username AS author_username"
)


def _topic_part(
    viewer: Viewer,
    board: Board,
    *,
    pinned: bool,
    with_hidden: bool,
    cursor: tuple[dt.datetime, int] | None,
    limit: int,
) -> tuple[str, list[Any]]:
    """One slice of a board's topics with the viewer's read mark joined in.

    Served by the index (board_id, pinned, last_activity_at, id): equality on the first two
    columns, then the index order backwards; `hidden` is checked on the rows read. The read
    mark follows the unique (user_id, topic_id) index.
    """
    params: list[Any] = []
    if viewer.user_id is None:
        query = f"{_TOPIC_COLUMNS}, NULL AS last_read FROM boards_topics t "
    else:
        query = (
            f"{_TOPIC_COLUMNS}, r.last_read_number AS last_read FROM boards_topics t "
            "LEFT JOIN boards_topic_reads r ON r.topic_id = t.id AND r.user_id = ? "
        )
        params.append(viewer.user_id)
    query += "JOIN users u ON u.id = t.author_id WHERE t.board_id = ? AND t.pinned = ?"
    params += [board.id, pinned]
    if not with_hidden:
        query += " AND t.hidden = ?"
        params.append(False)
    if cursor is not None:
        when, last_id = cursor
        query += " AND (t.last_activity_at < ? OR (t.last_activity_at = ? AND t.id < ?))"
        params += [when, when, last_id]
    query += " ORDER BY t.last_activity_at DESC, t.id DESC LIMIT ?"
    params.append(limit)
    return query, params


def _topic_row(r: dict[str, Any], board: Board) -> TopicRow:
    topic = TopicSummary(
        id=int(r["id"]),
        board_id=board.id,
        title=str(r["title"]),
        author_id=int(r["author_id"]),
        author=AuthorName(str(r["author_name"]), str(r["author_username"])),
        pinned=bool(r["pinned"]),
        closed=bool(r["closed"]),
        hidden=bool(r["hidden"]),
        held=bool(r["held"]),
        created_at=when(r["created_at"]),
        last_activity_at=when(r["last_activity_at"]),
        last_poster_name=str(r["last_poster_name"]),
        reply_count=int(r["reply_count"]),
        last_number=int(r["last_number"]),
        accepted_post_id=r["accepted_post_id"],
        access=board.access,
        board=board,
    )
    last_read = r["last_read"]
    return TopicRow(topic, int(last_read) if last_read is not None else None)


async def board_topics(
    viewer: Viewer, board: Board, cursor: tuple[dt.datetime, int] | None
) -> TopicPage:
    """Topics by last activity (pinned first on the first page), keyset by (time, id).

    One statement: on the first page the pinned slice and the page slice are two indexed
    subqueries joined by UNION ALL (each keeps its own LIMIT), read marks joined in.
    """
    with_hidden = can_moderate_board(viewer, board.access)
    page, params = _topic_part(
        viewer,
        board,
        pinned=False,
        with_hidden=with_hidden,
        cursor=cursor,
        limit=TOPICS_PER_PAGE + 1,
    )
    if cursor is None:
        top, top_params = _topic_part(
            viewer, board, pinned=True, with_hidden=with_hidden, cursor=None, limit=20
        )
        query = (
            f"SELECT * FROM ({top}) AS top UNION ALL SELECT * FROM ({page}) AS page "  # noqa: S608
            "ORDER BY pinned DESC, last_activity_at DESC, id DESC"
        )
        params = top_params + params
    else:
        query = page
    rows = [_topic_row(r, board) for r in await raw(query, params)]
    pinned = [r for r in rows if r.topic.pinned]
    topics = [r for r in rows if not r.topic.pinned]
    more = len(topics) > TOPICS_PER_PAGE
    topics = topics[:TOPICS_PER_PAGE]
    return TopicPage(
        pinned=pinned,
        rows=topics,
        next_cursor=topic_cursor(topics[-1].topic) if more and topics else None,
    )


async def topic_with_access(topic_id: int) -> Topic | None:
    """The topic with its board's policy facts, or None. No visibility check: for callers
    that apply their own rule (the moderation tools)."""
    topic = await Topic.get_or_none(id=topic_id)
    board = (await board_index()).get(topic.board_id) if topic else None
    if topic is None or board is None:
        return None
    attach_board([topic], board)
    return topic


async def get_topic_for(viewer: Viewer, topic_id: int, index: BoardIndex | None = None) -> Topic:
    topic = await Topic.get_or_none(id=topic_id)
    if topic is None:
        raise NotFound()
    index = index or await board_index()
    board = index.get(topic.board_id)
    if board is None:  # pragma: no cover - FK guarantees the board
        raise NotFound()
    attach_board([topic], board)
    ensure_visible(can_see_board(viewer, board.access) and can_read_topic(viewer, topic))
    return topic
