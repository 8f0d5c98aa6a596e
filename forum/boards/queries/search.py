"""Search over the posts (and topic titles) of the boards the viewer may read: the JSON API's
keyset search (`search_posts`) and this part's provider of the unified search."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from forum import markup
from forum.boards.models import Board, Post
from forum.boards.queries.boards import attach_board, board_index
from forum.db import is_postgres, raw
from forum.policy import Viewer, readable_board_ids
from forum.search import sql
from forum.search.providers import NOTHING_FOUND, Found, Place, SearchHit, SearchQuery
from forum.search.text import Column, Fragment, match

SEARCH_PER_PAGE = 20
PLAIN_TEXT_LIMIT = 20_000  # the excerpt is cut from this much of the post's text


def _like_pattern(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


async def search_posts(
    viewer: Viewer, text: str, before: int | None
) -> tuple[list[Post], int | None]:
    """Posts (and topic titles, through their first post) containing `text`.

    SQLite: FTS5 trigram MATCH for >= 3 characters, else LIKE over the FTS content.
    PostgreSQL: ILIKE served by pg_trgm GIN indexes. Only readable boards, visible rows.
    """
    index = await board_index()
    board_ids = readable_board_ids(viewer, index.accesses())
    if not board_ids or not text:
        return [], None
    marks = ",".join("?" for _ in board_ids)
    params: list[Any] = []
    if is_postgres():
        match = "(p.body_raw ILIKE ? OR (p.number = 1 AND t.title ILIKE ?))"
        params += [_like_pattern(text), _like_pattern(text)]
        source = "boards_posts p"
    elif len(text) >= 3:
        match = "boards_search_fts MATCH ?"
        params.append('"' + text.replace('"', '""') + '"')
        source = "boards_search_fts f JOIN boards_posts p ON p.id = f.rowid"
    else:
        match = "(f.title LIKE ? ESCAPE '\\' OR f.body LIKE ? ESCAPE '\\')"
        params += [_like_pattern(text), _like_pattern(text)]
        source = "boards_search_fts f JOIN boards_posts p ON p.id = f.rowid"
    keyset = ""
    if before is not None:
        keyset = " AND p.id < ?"
    # Only placeholders and fixed fragments are formatted in; values are parameters.
    query = (
        f"SELECT p.id AS id FROM {source} JOIN boards_topics t ON t.id = p.topic_id "  # noqa: S608
        f"WHERE {match} AND t.board_id IN ({marks}) AND t.hidden = ? AND p.hidden = ? "
        f"AND p.deleted = ?{keyset} ORDER BY p.id DESC LIMIT ?"
    )
    params += [*board_ids, False, False, False]
    if before is not None:
        params.append(before)
    params.append(SEARCH_PER_PAGE + 1)
    ids = [int(r["id"]) for r in await raw(query, params)]
    more = len(ids) > SEARCH_PER_PAGE
    ids = ids[:SEARCH_PER_PAGE]
    posts = await Post.filter(id__in=ids).select_related("author", "topic").order_by("-id")
    for p in posts:
        board = index.get(p.topic.board_id)
        if board is not None:
            attach_board([p.topic], board)
    return posts, (ids[-1] if more and ids else None)


# --- the unified search (`forum.search`): this part's provider ------------------------------

POSTS = "boards_posts p JOIN boards_topics t ON t.id = p.topic_id"
POST_COLUMNS = (
    Column("p.body_raw", "SELECT id FROM boards_posts WHERE", "body_raw"),
    Column(
        "CASE WHEN p.number = 1 THEN t.title END",
        "SELECT fp.id FROM boards_topics ft JOIN boards_posts fp "
        "ON fp.topic_id = ft.id AND fp.number = 1 WHERE",
        "ft.title",
    ),
)


async def readable_boards(viewer: Viewer) -> list[Board]:
    index = await board_index()
    ids = set(readable_board_ids(viewer, index.accesses()))
    return sorted(
        (b for b in index.boards.values() if b.id in ids), key=lambda b: (b.position, b.id)
    )


async def find_posts(viewer: Viewer, query: SearchQuery, limit: int) -> Found:
    """Posts (titles through their topic's first post) on readable boards, visible rows only."""
    boards = await readable_boards(viewer)
    if query.place is not None:
        boards = [b for b in boards if str(b.id) == query.place]
    if query.org_path is not None:
        path = query.org_path
        boards = [b for b in boards if b.access.org_path and b.access.org_path.startswith(path)]
    if not boards or query.author_ids == ():
        return NOTHING_FOUND
    condition = sql.where(
        match(query.text, fts="boards_search_fts", rowid="p.id", columns=POST_COLUMNS),
        sql.any_of("t.board_id", [b.id for b in boards]),
        Fragment("t.hidden = ? AND p.hidden = ? AND p.deleted = ?", (False, False, False)),
        *sql.shared_filters(query, author="p.author_id", at="p.created_at"),
    )
    return await sql.find_rows(
        query,
        tables=POSTS,
        condition=condition,
        id="p.id",
        at="p.created_at",
        title="CASE WHEN p.number = 1 THEN t.title ELSE '' END",
        body="p.body_raw",
        limit=limit,
    )


async def load_posts(viewer: Viewer, ids: Sequence[int]) -> dict[int, SearchHit]:
    index = await board_index()
    readable = set(readable_board_ids(viewer, index.accesses()))
    posts = await Post.filter(
        id__in=list(ids), hidden=False, deleted=False, topic__hidden=False
    ).select_related("author", "topic")
    hits = {}
    for p in posts:
        board = index.get(p.topic.board_id)
        if board is None or board.id not in readable:
            continue
        title = p.topic.title + (f" #{p.number}" if p.number > 1 else "")
        hits[p.id] = SearchHit(
            id=p.id,
            title=title,
            url=f"/t/{p.topic_id}/{p.number}",
            text=markup.excerpt(p.body_html, PLAIN_TEXT_LIMIT),
            when=p.created_at,
            author=p.author.display_name or p.author.username,
            place=board.name,
        )
    return hits


async def board_places(viewer: Viewer) -> list[Place]:
    return [Place(str(b.id), b.name) for b in await readable_boards(viewer)]
