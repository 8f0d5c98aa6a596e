"""Attachments: one file with its board's access (and its post and topic when linked)."""

from __future__ import annotations

from forum.boards.models import Attachment, Post, Topic
from forum.boards.queries.boards import attach_board, board_index
from forum.errors import NotFound
from forum.policy import Viewer, can_read_attachment, ensure_visible


async def get_attachment_for(
    viewer: Viewer, attachment_id: int
) -> tuple[Attachment, Topic | None, Post | None]:
    """An attachment with its board's access (and its post and topic when linked), or 404."""
    attachment = await Attachment.get_or_none(id=attachment_id)
    if attachment is None:
        raise NotFound()
    index = await board_index()
    board = index.get(attachment.board_id)
    if board is None:  # pragma: no cover - FK guarantees the board
        raise NotFound()
    attachment.access = board.access
    topic: Topic | None = None
    post: Post | None = None
    if attachment.post_id is not None:
        post = await Post.get_or_none(id=attachment.post_id)
        if post is not None:
            topic = await Topic.get_or_none(id=post.topic_id)
        if topic is None or post is None:  # pragma: no cover - FK guarantees both
            raise NotFound()
        topic_board = index.get(topic.board_id)
        if topic_board is None:  # pragma: no cover
            raise NotFound()
        attach_board([topic], topic_board)
    ensure_visible(can_read_attachment(viewer, attachment, topic, post))
    return attachment, topic, post
