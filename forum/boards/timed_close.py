"""Timed close of a topic (set on the steering page): recorded by the daily
`forum close-due-topics`, or by the first reply attempt after it is due. The rate check that
refuses such a reply is a read and writes nothing; the reply action records the close."""

from __future__ import annotations

from tortoise.transactions import in_transaction

from forum import audit
from forum.boards import queries as board_queries
from forum.boards.models import Topic
from forum.clock import utcnow
from moderation.models import TopicSteering
from moderation.review import SYSTEM


async def close_due_topic(topic_id: int) -> None:
    """Close a topic whose timed close is due (audited as the system), once."""
    async with in_transaction():
        row = await TopicSteering.filter(topic_id=topic_id, close_at__isnull=False).first()
        if row is None or row.close_at is None or row.close_at > utcnow():
            return
        await TopicSteering.filter(id=row.id).update(close_at=None)
        updated = await Topic.filter(id=topic_id, closed=False).update(closed=True)
        if updated:
            topic = await Topic.get(id=topic_id)
            board = (await board_queries.board_index()).get(topic.board_id)
            org_path = board.access.org_path or "" if board else ""
            await audit.record(
                SYSTEM, "topic.closed", "topic", topic_id, org_path=org_path, reason="定时关闭"
            )


async def close_due_topics() -> int:
    """Close every topic whose timed close is due (run from `forum close-due-topics`)."""
    rows = await TopicSteering.filter(close_at__lte=utcnow()).values("topic_id")
    for row in rows:
        await close_due_topic(int(row["topic_id"]))
    return len(rows)
