"""The forum on people pages: a person's topics and replies, the figures of their profile,
one's bookmarks, and who liked a post.

Every list is filtered in SQL by the viewer's `ContentScope` (forum.policy.people): the
readable boards, hidden items only where the viewer moderates, held items only to their own
author, deleted posts never; keyset on id, newest first, one statement per page.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from forum import markup
from forum.boards.models import Bookmark, Like, Post, Topic
from forum.boards.queries._common import when
from forum.boards.queries.boards import BoardIndex, board_index
from forum.db import raw
from forum.errors import NotFound
from forum.policy import ContentScope, Viewer, content_scope
from forum.profiles import Profile, ProfileList

LIKERS_LIMIT = 100  # names on the likers list; the count says how many more


def _marks(values: tuple[int, ...]) -> str:
    return ",".join("?" for _ in values)


def _visible(scope: ContentScope, alias: str) -> tuple[str, list[Any]]:
    """`can_read_topic` (t) or `can_see_post_body` (p) as a WHERE fragment: not hidden, or
    in a moderated board, or held and the viewer's own. Values are parameters only."""
    clause = f"{alias}.hidden = ?"
    params: list[Any] = [False]
    if scope.moderated:
        clause += f" OR t.board_id IN ({_marks(scope.moderated)})"
        params += scope.moderated
    if scope.held_author is not None:
        clause += f" OR ({alias}.held = ? AND {alias}.author_id = ?)"
        params += [True, scope.held_author]
    return f"({clause})", params


def _readable(scope: ContentScope) -> tuple[str, list[Any]]:
    topic, params = _visible(scope, "t")
    return f"t.board_id IN ({_marks(scope.readable)}) AND {topic}", [*scope.readable, *params]


def _before(cursor: str | None) -> int | None:
    if cursor is None:
        return None
    try:
        value = int(cursor)
    except ValueError as exc:
        raise NotFound() from exc
    if value <= 0 or value > 2**31 - 1:
        raise NotFound()
    return value


async def _scope(viewer: Viewer) -> tuple[ContentScope, BoardIndex]:
    index = await board_index()
    return content_scope(viewer, index.accesses()), index


@dataclass(frozen=True)
class ActivityItem:
    """A topic or a reply on a people page or the bookmark list."""

    id: int
    url: str
    title: str
    board_name: str
    number: int  # 1: the topic itself
    excerpt: str
    created_at: dt.datetime
    held: bool = False
    hidden: bool = False


def _page(items: list[ActivityItem], limit: int, key: str = "id") -> ProfileList:
    more = len(items) > limit
    items = items[:limit]
    return ProfileList(items, str(getattr(items[-1], key)) if more and items else None)


async def author_topics(
    viewer: Viewer, profile: Profile, cursor: str | None, limit: int
) -> ProfileList:
    """The person's topics the viewer may read (index (author_id, id))."""
    scope, index = await _scope(viewer)
    if scope.empty:
        return ProfileList([])
    where, params = _readable(scope)
    query = (
        "SELECT t.id AS id, t.board_id AS board_id, t.title AS title, t.hidden AS hidden, "  # noqa: S608
        "t.held AS held, t.created_at AS created_at, t.reply_count AS reply_count "
        f"FROM boards_topics t WHERE t.author_id = ? AND {where}"
    )
    params = [profile.user_id, *params]
    if (before := _before(cursor)) is not None:
        query += " AND t.id < ?"
        params.append(before)
    rows = await raw(query + " ORDER BY t.id DESC LIMIT ?", [*params, limit + 1])
    items = [
        ActivityItem(
            id=int(r["id"]),
            url=f"/t/{r['id']}",
            title=str(r["title"]),
            board_name=_board_name(index, r["board_id"]),
            number=1,
            excerpt=f"回复 {int(r['reply_count'])}",
            created_at=when(r["created_at"]),
            held=bool(r["held"]),
            hidden=bool(r["hidden"]),
        )
        for r in rows
    ]
    return _page(items, limit)


def _board_name(index: BoardIndex, board_id: Any) -> str:
    board = index.get(int(board_id))
    return board.name if board is not None else ""


_POST_ITEM = (
    "p.id AS id, p.topic_id AS topic_id, p.number AS number, p.body_html AS body_html, "
    "p.created_at AS created_at, p.hidden AS hidden, p.held AS held, "
    "t.title AS title, t.board_id AS board_id"
)


def _post_item(r: dict[str, Any], index: BoardIndex, item_id: int | None = None) -> ActivityItem:
    number = int(r["number"])
    return ActivityItem(
        id=item_id if item_id is not None else int(r["id"]),
        url=f"/t/{r['topic_id']}/{number}",
        title=str(r["title"]),
        board_name=_board_name(index, r["board_id"]),
        number=number,
        excerpt=markup.excerpt(str(r["body_html"]), 120),
        created_at=when(r["created_at"]),
        held=bool(r["held"]),
        hidden=bool(r["hidden"]),
    )


async def author_posts(
    viewer: Viewer, profile: Profile, cursor: str | None, limit: int
) -> ProfileList:
    """The person's replies the viewer may read (index (author_id, id))."""
    scope, index = await _scope(viewer)
    if scope.empty:
        return ProfileList([])
    where, params = _readable(scope)
    post, post_params = _visible(scope, "p")
    query = (
        f"SELECT {_POST_ITEM} FROM boards_posts p JOIN boards_topics t ON t.id = p.topic_id "  # noqa: S608
        f"WHERE p.author_id = ? AND p.number > ? AND p.deleted = ? AND {where} AND {post}"
    )
    params = [profile.user_id, 1, False, *params, *post_params]
    if (before := _before(cursor)) is not None:
        query += " AND p.id < ?"
        params.append(before)
    rows = await raw(query + " ORDER BY p.id DESC LIMIT ?", [*params, limit + 1])
    return _page([_post_item(r, index) for r in rows], limit)


async def author_figures(viewer: Viewer, profile: Profile) -> list[tuple[str, int]]:
    """主题, 回帖 and 获赞 (likes received) over the posts the viewer may read: one
    statement on the (author_id, id) index; likes come from each post's `like_count`."""
    scope, _ = await _scope(viewer)
    if scope.empty:
        return [("主题", 0), ("回帖", 0), ("获赞", 0)]
    where, params = _readable(scope)
    post, post_params = _visible(scope, "p")
    rows = await raw(
        "SELECT COUNT(CASE WHEN p.number = 1 THEN 1 END) AS topics, "  # noqa: S608
        "COUNT(CASE WHEN p.number > 1 THEN 1 END) AS replies, "
        "COALESCE(SUM(p.like_count), 0) AS likes "
        "FROM boards_posts p JOIN boards_topics t ON t.id = p.topic_id "
        f"WHERE p.author_id = ? AND p.deleted = ? AND {where} AND {post}",
        [profile.user_id, False, *params, *post_params],
    )
    row = rows[0] if rows else {}
    return [
        ("主题", int(row.get("topics") or 0)),
        ("回帖", int(row.get("replies") or 0)),
        ("获赞", int(row.get("likes") or 0)),
    ]


async def bookmarks(viewer: Viewer, cursor: str | None, limit: int) -> ProfileList:
    """The viewer's bookmarks, newest first (index (user_id, id)), only those whose topic
    and post the viewer may still read: a bookmark never shows what the policy now hides."""
    if viewer.user_id is None:
        return ProfileList([])
    scope, index = await _scope(viewer)
    if scope.empty:
        return ProfileList([])
    where, params = _readable(scope)
    post, post_params = _visible(scope, "p")
    query = (
        "SELECT b.id AS bookmark_id, b.post_id AS bookmarked_post, "  # noqa: S608
        "t.id AS t_id, t.title AS title, t.board_id AS board_id, t.created_at AS t_created, "
        "t.hidden AS t_hidden, t.held AS t_held, p.id AS id, p.topic_id AS topic_id, "
        "p.number AS number, p.body_html AS body_html, p.created_at AS created_at, "
        "p.hidden AS hidden, p.held AS held "
        "FROM boards_bookmarks b LEFT JOIN boards_posts p ON p.id = b.post_id "
        "JOIN boards_topics t ON t.id = COALESCE(b.topic_id, p.topic_id) "
        f"WHERE b.user_id = ? AND {where} "
        f"AND (b.post_id IS NULL OR (p.deleted = ? AND {post}))"
    )
    params = [viewer.user_id, *params, False, *post_params]
    if (before := _before(cursor)) is not None:
        query += " AND b.id < ?"
        params.append(before)
    rows = await raw(query + " ORDER BY b.id DESC LIMIT ?", [*params, limit + 1])
    items = []
    for r in rows:
        if r["bookmarked_post"] is not None:
            items.append(_post_item(r, index, int(r["bookmark_id"])))
            continue
        items.append(
            ActivityItem(
                id=int(r["bookmark_id"]),
                url=f"/t/{r['t_id']}",
                title=str(r["title"]),
                board_name=_board_name(index, r["board_id"]),
                number=1,
                excerpt="",
                created_at=when(r["t_created"]),
                held=bool(r["t_held"]),
                hidden=bool(r["t_hidden"]),
            )
        )
    return _page(items, limit)


def bookmark_key(topic: Topic, post: Post | None = None) -> str:
    return f"p{post.id}" if post is not None else f"t{topic.id}"


async def bookmarked_keys(viewer: Viewer, keys: list[str]) -> set[str]:
    """Which of `keys` the viewer has bookmarked (the unique (user_id, key) index)."""
    if viewer.user_id is None or not keys:
        return set()
    found = await Bookmark.filter(user_id=viewer.user_id, key__in=keys).values_list(
        "key", flat=True
    )
    return {str(k) for k in found}


@dataclass(frozen=True)
class Liker:
    username: str
    display_name: str


async def likers(post: Post) -> tuple[list[Liker], int]:
    """Who liked the post, first likes first (the unique (post_id, user_id) index), at most
    `LIKERS_LIMIT` names, and how many in all. The caller checks `can_see_likers`."""
    rows = await raw(
        "SELECT u.username AS username, u.display_name AS display_name FROM boards_likes l "
        "JOIN users u ON u.id = l.user_id WHERE l.post_id = ? ORDER BY l.id LIMIT ?",
        [post.id, LIKERS_LIMIT],
    )
    names = [Liker(str(r["username"]), str(r["display_name"])) for r in rows]
    total = len(names)
    if total == LIKERS_LIMIT:
        total = await Like.filter(post_id=post.id).count()
    return names, max(total, len(names))
