"""Steering topics from the moderation tools: move, merge, split, slow mode, timed close
(pin and close are the plain topic actions). Each is checked with the boards policy
(`can_moderate_board` on every board involved), audited in its transaction, and refuses
to act on the moderator's own topic.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from tortoise.expressions import F
from tortoise.transactions import in_transaction

from forum import audit
from forum.boards import queries as board_queries
from forum.boards import site_pins
from forum.boards.actions import clean_title
from forum.boards.models import Board, Post, Topic, TopicRead
from forum.clock import utcnow
from forum.errors import ActionError, NotFound
from forum.policy import (
    Viewer,
    can_moderate_board,
    can_move_topic_to,
    can_split_posts,
    can_steer_topic,
    ensure,
    ensure_visible,
)
from forum.validation import clean_text
from moderation.models import TopicSteering

MAX_SLOW_MODE = 24 * 3600
MAX_SPLIT = 200


async def get_topic(viewer: Viewer, topic_id: int) -> Topic:
    """The topic with its board access; 404 unless the viewer moderates its board."""
    topic = await board_queries.topic_with_access(topic_id)
    if topic is None:
        raise NotFound()
    ensure_visible(can_moderate_board(viewer, topic.access))
    return topic


REASON_MAX = 1000


def _reason(raw: str) -> str:
    return clean_text(raw, "reason", "操作原因", max_length=REASON_MAX)


def _optional_reason(raw: str) -> str:
    return clean_text(raw, "reason", "操作原因", max_length=REASON_MAX, required=False)


async def _board_for(actor: Viewer, board_id: int) -> Board:
    board = (await board_queries.board_index()).get(board_id)
    if board is None:
        raise ActionError("目标版块不存在", field="board_id")
    ensure(can_move_topic_to(actor, board.access))
    return board


async def move_topic(actor: Viewer, topic: Topic, board_id: int, reason: str) -> None:
    ensure(can_steer_topic(actor, topic))
    reason = _reason(reason)
    if board_id == topic.board_id:
        raise ActionError("主题已在该版块", field="board_id")
    target = await _board_for(actor, board_id)
    posts = await Post.filter(topic_id=topic.id).count()
    async with in_transaction():
        await Topic.filter(id=topic.id).update(board_id=target.id)
        await TopicRead.filter(topic_id=topic.id).update(board_id=target.id)
        await Board.filter(id=topic.board_id).update(
            topic_count=F("topic_count") - 1, post_count=F("post_count") - posts
        )
        await Board.filter(id=target.id).update(
            topic_count=F("topic_count") + 1, post_count=F("post_count") + posts
        )
        await audit.record(
            actor,
            "topic.moved",
            "topic",
            topic.id,
            org_path=topic.access.org_path or "",
            before={"board_id": topic.board_id},
            after={"board_id": target.id, "org_path": target.access.org_path},
            reason=reason,
        )
    topic.board_id = target.id


async def _append_posts(posts: Sequence[Post], target: Topic, start: int) -> tuple[int, int]:
    """Renumber `posts` after `start` in `target`; (last number, visible replies added)."""
    number = start
    visible = 0
    for post in posts:
        number += 1
        await Post.filter(id=post.id).update(topic_id=target.id, number=number)
        if number > 1 and not (post.hidden or post.deleted):
            visible += 1
    return number, visible


async def check_merge_topics(actor: Viewer, source: Topic, target_id: int, reason: str) -> Topic:
    """The target topic; raises what would refuse the merge, so the page asks only when the
    merge can go ahead."""
    ensure(can_steer_topic(actor, source))
    _reason(reason)
    if target_id == source.id:
        raise ActionError("不能与自身合并", field="target_id")
    try:
        return await get_topic(actor, target_id)
    except NotFound as exc:
        raise ActionError("目标主题不存在或您无权管理", field="target_id") from exc


async def merge_topics(actor: Viewer, source: Topic, target_id: int, reason: str) -> Topic:
    """Append every post of `source` to the target topic (renumbered); `source` is hidden
    and closed (restorable through the queue; its posts now live in the target)."""
    target = await check_merge_topics(actor, source, target_id, reason)
    reason = _reason(reason)
    posts = await Post.filter(topic_id=source.id).order_by("number")
    async with in_transaction():
        fresh = await Topic.filter(id=target.id).select_for_update().get()
        last, visible = await _append_posts(posts, target, fresh.last_number)
        await Topic.filter(id=target.id).update(
            last_number=last,
            reply_count=F("reply_count") + visible,
            last_activity_at=max(fresh.last_activity_at, source.last_activity_at),
        )
        await Topic.filter(id=source.id).update(hidden=True, closed=True, reply_count=0)
        if source.board_id != target.board_id:
            await Board.filter(id=source.board_id).update(post_count=F("post_count") - len(posts))
            await Board.filter(id=target.board_id).update(post_count=F("post_count") + len(posts))
        await audit.record(
            actor,
            "topic.merged",
            "topic",
            source.id,
            org_path=source.access.org_path or "",
            before={"posts": len(posts)},
            after={"into_topic": target.id, "numbers_from": fresh.last_number + 1},
            reason=reason,
        )
    return target


async def split_topic(
    actor: Viewer, topic: Topic, numbers: Sequence[int], title: str, reason: str
) -> Topic:
    """Move the selected posts (not the opening post) into a new topic in the same board."""
    reason = _reason(reason)
    title = clean_title(title)
    wanted = sorted({n for n in numbers if n > 1})
    if not wanted:
        raise ActionError("请选择要拆分的回帖（首帖不能拆分）", field="numbers")
    if len(wanted) > MAX_SPLIT:
        raise ActionError(f"一次最多拆分 {MAX_SPLIT} 条回帖", field="numbers")
    posts = await Post.filter(topic_id=topic.id, number__in=wanted).order_by("number")
    if len(posts) != len(wanted):
        raise ActionError("所选回帖不存在", field="numbers")
    ensure(can_split_posts(actor, topic, posts))
    now = utcnow()
    async with in_transaction():
        new = await Topic.create(
            board_id=topic.board_id,
            title=title,
            author_id=posts[0].author_id,
            last_activity_at=posts[-1].created_at or now,
            last_poster_name="",
        )
        last, visible = await _append_posts(posts, new, 0)
        # The first moved post opens the new topic, so it is not a reply there.
        first_visible = not (posts[0].hidden or posts[0].deleted)
        await Topic.filter(id=new.id).update(last_number=last, reply_count=visible)
        moved_visible = visible + (1 if first_visible else 0)
        await Topic.filter(id=topic.id).update(reply_count=F("reply_count") - moved_visible)
        await Board.filter(id=topic.board_id).update(topic_count=F("topic_count") + 1)
        await audit.record(
            actor,
            "topic.split",
            "topic",
            topic.id,
            org_path=topic.access.org_path or "",
            before={"numbers": wanted},
            after={"new_topic": new.id, "title": title},
            reason=reason,
        )
    return new


async def _steering(topic_id: int) -> TopicSteering:
    row, _ = await TopicSteering.get_or_create(topic_id=topic_id)
    return row


async def set_slow_mode(actor: Viewer, topic: Topic, seconds: int, reason: str = "") -> None:
    """0 turns slow mode off. Enforced by `moderation.hooks.check_post_rate` (topic scope)."""
    if not 0 <= seconds <= MAX_SLOW_MODE:
        raise ActionError("慢速模式须在 0 到 86400 秒之间", field="seconds")
    why = _optional_reason(reason)
    async with in_transaction():
        row = await _steering(topic.id)
        before = row.slow_mode_seconds
        await TopicSteering.filter(id=row.id).update(
            slow_mode_seconds=seconds, updated_by_id=actor.user_id
        )
        await audit.record(
            actor,
            "topic.slow_mode",
            "topic",
            topic.id,
            org_path=topic.access.org_path or "",
            before={"seconds": before},
            after={"seconds": seconds},
            reason=why,
        )


async def set_timed_close(
    actor: Viewer, topic: Topic, close_at: dt.datetime | None, reason: str = ""
) -> None:
    """Close the topic at `close_at` (None cancels)."""
    if close_at is not None and close_at <= utcnow():
        raise ActionError("关闭时间需晚于现在", field="close_at")
    why = _optional_reason(reason)
    async with in_transaction():
        row = await _steering(topic.id)
        before = row.close_at.isoformat() if row.close_at else None
        await TopicSteering.filter(id=row.id).update(close_at=close_at, updated_by_id=actor.user_id)
        await audit.record(
            actor,
            "topic.timed_close",
            "topic",
            topic.id,
            org_path=topic.access.org_path or "",
            before={"close_at": before},
            after={"close_at": close_at.isoformat() if close_at else None},
            reason=why,
        )


async def page_context(viewer: Viewer, topic: Topic) -> dict[str, object]:
    """What the steering page shows: boards the viewer moderates, the posts, the settings."""
    index = await board_queries.board_index()
    boards = [b for b in index.boards.values() if can_moderate_board(viewer, b.access)]
    return {
        "topic": topic,
        "boards": sorted(boards, key=lambda b: b.name),
        "posts": await Post.filter(topic_id=topic.id).order_by("number").limit(MAX_SPLIT),
        "settings": await TopicSteering.get_or_none(topic_id=topic.id),
        "site_pin": await site_pins.active_pin(topic.id),
    }
