"""Read marks: what the viewer has seen (a topic view also reads its notifications)."""

from __future__ import annotations

from tortoise.transactions import in_transaction

from forum import notifications
from forum.boards.actions._common import topic_subject
from forum.boards.models import Topic
from forum.clock import utcnow
from forum.db import raw
from forum.policy import Viewer


async def do_mark_read(actor: Viewer, topic: Topic, number: int) -> None:
    """Insert or advance the read mark in one statement. An upsert on the (user, topic)
    unique key: two simultaneous first views of the same topic never collide, and the mark
    never moves backwards."""
    if actor.user_id is None:
        return
    await raw(
        "INSERT INTO boards_topic_reads (user_id, topic_id, board_id, last_read_number, "
        "updated_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (user_id, topic_id) DO UPDATE SET "
        "last_read_number = excluded.last_read_number, updated_at = excluded.updated_at "
        "WHERE boards_topic_reads.last_read_number < excluded.last_read_number",
        [actor.user_id, topic.id, topic.board_id, number, utcnow()],
    )


async def mark_read(
    actor: Viewer, topic: Topic, number: int, *, last_read: int | None = None
) -> None:
    """Advance the read mark and clear this topic's notifications (a page view).

    `last_read` is the mark the page already loaded: a re-read (mark already at `number`)
    writes nothing, and notifications are only updated when one up to `number` is unread.
    """
    if actor.user_id is None or number <= 0:
        return
    subject = topic_subject(topic.id)
    if last_read is not None and last_read >= number:
        await notifications.mark_subject_read(actor.user_id, subject, number)
        return
    async with in_transaction():
        await do_mark_read(actor, topic, number)
        await notifications.mark_subject_read(actor.user_id, subject, number)
