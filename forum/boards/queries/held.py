"""The viewer's own topics and replies held back for review (their /me page)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from forum.boards.models import Post, Topic
from forum.boards.queries.boards import attach_board, board_index
from forum.policy import Viewer, can_read_topic


@dataclass
class HeldItem:
    """One of the viewer's own topics or posts waiting for review (their /me page)."""

    kind: str  # "topic" | "post"
    title: str
    url: str
    excerpt: str
    created_at: dt.datetime


HELD_LIMIT = 20


async def held_items(viewer: Viewer) -> list[HeldItem]:
    """The viewer's topics and replies held back for review, newest first (the
    (author_id, id) indexes; at most HELD_LIMIT of each)."""
    if viewer.user_id is None:
        return []
    index = await board_index()
    topics = (
        await Topic.filter(author_id=viewer.user_id, held=True).order_by("-id").limit(HELD_LIMIT)
    )
    posts = (
        await Post.filter(author_id=viewer.user_id, held=True, deleted=False)
        .order_by("-id")
        .limit(HELD_LIMIT)
        .select_related("topic")
    )
    for topic in [*topics, *(p.topic for p in posts)]:
        board = index.get(topic.board_id)
        if board is not None:
            attach_board([topic], board)
    items = [
        HeldItem("topic", topic.title, f"/t/{topic.id}", "", topic.created_at)
        for topic in topics
        if getattr(topic, "access", None) is not None and can_read_topic(viewer, topic)
    ]
    for post in posts:
        topic = post.topic
        if getattr(topic, "access", None) is not None and can_read_topic(viewer, topic):
            url = f"/t/{topic.id}?from={post.number}#p{post.number}"
            items.append(HeldItem("post", topic.title, url, post.body_raw[:80], post.created_at))
    items.sort(key=lambda i: i.created_at, reverse=True)
    return items
