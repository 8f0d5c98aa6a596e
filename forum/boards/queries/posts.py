"""Posts: the topic page (posts by number, keyset), one post, its revisions."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup

from forum import textdiff
from forum.boards.models import Attachment, Post, PostRevision, Topic
from forum.boards.queries._common import AuthorName, when
from forum.boards.queries.people import bookmarked_keys
from forum.db import raw
from forum.errors import NotFound
from forum.models import Member
from forum.policy import Viewer, can_moderate_board

POSTS_PER_PAGE = 20


async def get_post(topic: Topic, number: int) -> Post:
    post = await Post.get_or_none(topic_id=topic.id, number=number).select_related("author")
    if post is None:
        raise NotFound()
    return post


@dataclass
class PostItem:
    """A post as the topic page and the topic API show it (read-only). Same attribute names
    as `Post`, so `_post.html` and the policy predicates (`PostFacts`) accept either."""

    id: int
    topic_id: int
    number: int
    author_id: int
    author: AuthorName
    reply_to_number: int | None
    body_html: str
    hidden: bool
    deleted: bool
    held: bool
    like_count: int
    edit_count: int
    created_at: dt.datetime
    liked: bool = False  # by the viewer


_POST_COLUMNS = (
    "SELECT p.id AS id, p.topic_id AS topic_id, p.number AS number, p.author_id AS author_id, "
    "p.reply_to_number AS reply_to_number, p.body_html AS body_html, p.hidden AS hidden, "
    "p.deleted AS deleted, p.held AS held, p.like_count AS like_count, p.edit_count AS edit_count, "
    "p.created_at AS created_at, u.display_name AS author_name, u.username AS author_username"
)


def _post_item(r: dict[str, Any]) -> PostItem:
    return PostItem(
        id=int(r["id"]),
        topic_id=int(r["topic_id"]),
        number=int(r["number"]),
        author_id=int(r["author_id"]),
        author=AuthorName(str(r["author_name"]), str(r["author_username"])),
        reply_to_number=r["reply_to_number"],
        body_html=str(r["body_html"]),
        hidden=bool(r["hidden"]),
        deleted=bool(r["deleted"]),
        held=bool(r["held"]),
        like_count=int(r["like_count"]),
        edit_count=int(r["edit_count"]),
        created_at=when(r["created_at"]),
        liked=bool(r.get("liked")),
    )


async def _read_marks(viewer: Viewer, topic_ids: list[int]) -> dict[int, int]:
    if viewer.user_id is None or not topic_ids:
        return {}
    marks = ",".join("?" for _ in topic_ids)
    rows = await raw(
        "SELECT topic_id, last_read_number FROM boards_topic_reads "  # noqa: S608
        f"WHERE user_id = ? AND topic_id IN ({marks})",
        [viewer.user_id, *topic_ids],
    )
    return {int(r["topic_id"]): int(r["last_read_number"]) for r in rows}


async def _topic_posts(
    viewer: Viewer, topic_id: int, start: int, limit: int
) -> tuple[list[PostItem], int | None]:
    """Posts by number from `start` (the unique (topic_id, number) index), with the viewer's
    likes joined in (the (post_id, user_id) index) and the viewer's read mark as a scalar
    subquery (the unique (user_id, topic_id) index): one statement. Returns the posts and
    the read mark (None: never opened; looked up separately only when no post matched)."""
    if viewer.user_id is None:
        query = (
            f"{_POST_COLUMNS} FROM boards_posts p JOIN users u ON u.id = p.author_id "
            "WHERE p.topic_id = ? AND p.number >= ? ORDER BY p.number LIMIT ?"
        )
        return [_post_item(r) for r in await raw(query, [topic_id, start, limit])], None
    # Only the constant column list is formatted in; values are parameters.
    query = (
        f"{_POST_COLUMNS}, l.id AS liked, (SELECT m.last_read_number FROM boards_topic_reads m "  # noqa: S608
        "WHERE m.user_id = ? AND m.topic_id = ?) AS last_read FROM boards_posts p "
        "JOIN users u ON u.id = p.author_id "
        "LEFT JOIN boards_likes l ON l.post_id = p.id AND l.user_id = ? "
        "WHERE p.topic_id = ? AND p.number >= ? ORDER BY p.number LIMIT ?"
    )
    rows = await raw(query, [viewer.user_id, topic_id, viewer.user_id, topic_id, start, limit])
    if not rows:
        return [], (await _read_marks(viewer, [topic_id])).get(topic_id)
    last_read = rows[0]["last_read"]
    return [_post_item(r) for r in rows], int(last_read) if last_read is not None else None


@dataclass
class TopicView:
    topic: Topic
    posts: list[PostItem]
    liked: set[int]
    last_read: int | None
    first_number: int
    next_from: int | None
    prev_from: int | None
    accepted: PostItem | None
    # Files per post id (the page lists documents; moderators also see images to delete them).
    files: dict[int, list[Attachment]] = field(default_factory=dict)
    # Moderators only: each author's member org path ("" without a record), for the post
    # menu's "处理作者" (`can_sanction_author`). Empty for everyone else.
    author_paths: dict[int, str] = field(default_factory=dict)
    # The viewer's bookmarks among the topic and these posts (`queries.bookmark_key`).
    bookmarked: set[str] = field(default_factory=set)


async def topic_view(viewer: Viewer, topic: Topic, start: int) -> TopicView:
    """Posts by number from `start` (keyset), with the viewer's likes and read mark."""
    start = max(1, start)
    posts, last_read = await _topic_posts(viewer, topic.id, start, POSTS_PER_PAGE + 1)
    more = len(posts) > POSTS_PER_PAGE
    posts = posts[:POSTS_PER_PAGE]
    files: dict[int, list[Attachment]] = {}
    if posts:
        found = await Attachment.filter(post_id__in=[p.id for p in posts], deleted=False).order_by(
            "id"
        )
        for attachment in found:
            attachment.access = topic.access
            if attachment.post_id is not None:
                files.setdefault(attachment.post_id, []).append(attachment)
    author_paths: dict[int, str] = {}
    if posts and can_moderate_board(viewer, topic.access):
        authors = {p.author_id for p in posts}
        author_paths = dict.fromkeys(authors, "")
        paths = await Member.filter(user_id__in=authors).values_list("user_id", "org__path")
        author_paths.update({int(uid): str(path) for uid, path in paths})
    accepted = None
    if topic.accepted_post_id is not None:
        rows = await raw(
            f"{_POST_COLUMNS} FROM boards_posts p JOIN users u ON u.id = p.author_id "
            "WHERE p.id = ?",
            [topic.accepted_post_id],
        )
        accepted = _post_item(rows[0]) if rows else None
    keys = [f"t{topic.id}", *(f"p{p.id}" for p in posts)]
    bookmarked = await bookmarked_keys(viewer, keys)
    return TopicView(
        topic=topic,
        posts=posts,
        liked={p.id for p in posts if p.liked},
        last_read=last_read,
        first_number=start,
        next_from=posts[-1].number + 1 if more and posts else None,
        prev_from=max(1, start - POSTS_PER_PAGE) if start > 1 else None,
        accepted=accepted,
        files=files,
        author_paths=author_paths,
        bookmarked=bookmarked,
    )


@dataclass(frozen=True)
class RevisionDiff:
    """One edit as the history page shows it: the revision row and its diff
    (`forum.textdiff`: CJK by character, Latin by word, escaped, in `<ins>` / `<del>`)."""

    revision: PostRevision
    html: Markup
    removed: int  # characters
    added: int


async def revisions(post: Post) -> list[RevisionDiff]:
    rows = await PostRevision.filter(post_id=post.id).select_related("editor").order_by("-number")
    diffs = []
    for rev in rows:
        pieces = textdiff.diff(rev.body_before, rev.body_after)
        removed, added = textdiff.changed(pieces)
        diffs.append(RevisionDiff(rev, textdiff.pieces_html(pieces), removed, added))
    return diffs
