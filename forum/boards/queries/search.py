"""Search over the posts (and topic titles) of the boards the viewer may read."""

from __future__ import annotations

from typing import Any

from forum.boards.models import Post
from forum.boards.queries.boards import attach_board, board_index
from forum.db import is_postgres, raw
from forum.policy import Viewer, readable_board_ids

SEARCH_PER_PAGE = 20


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
