"""Topics: start one with its opening post; pin, close, hide; accept an answer."""

from __future__ import annotations

from typing import Any

from tortoise.expressions import F
from tortoise.transactions import in_transaction

from forum import audit, markup
from forum.boards.actions._common import Outbox, clean_body, clean_title, notify
from forum.boards.actions.drafts import do_discard_draft, topic_draft_key
from forum.boards.actions.posts import do_add_post, mention_targets, release_held
from forum.boards.models import Board, NotificationKind, Post, Topic
from forum.clock import utcnow
from forum.policy import (
    Viewer,
    can_accept_post,
    can_close_topic,
    can_hide_topic,
    can_moderate_topic,
    can_pin_topic,
    can_start_topic,
    ensure,
)
from moderation import hooks


async def create_topic(actor: Viewer, board: Board, title_raw: Any, body_raw: Any) -> Topic:
    """Start a topic with its opening post, removing the author's new-topic draft for the
    board in the same transaction. Publishes nothing on the topic channel yet."""
    ensure(can_start_topic(actor, board.access))
    screened_title = await hooks.screen_text(actor, clean_title(title_raw), field="title")
    screened_body = await hooks.screen_text(actor, clean_body(body_raw), field="body")
    title, body = screened_title.text, screened_body.text
    await hooks.check_post_rate(actor, scope="boards")
    # New member or a "review" word: held back until a moderator approves it.
    hidden = await hooks.hold_back(actor, screened_title, screened_body)
    html = markup.render(body)
    outbox = Outbox()
    async with in_transaction():
        topic = await Topic.create(
            board_id=board.id,
            title=title,
            author_id=actor.user_id,
            last_activity_at=utcnow(),
            last_poster_name=actor.display_name,
            hidden=hidden,
            held=hidden,
        )
        topic.access = board.access
        # A held topic's opening post notifies nobody until the topic is approved.
        mentions = None if hidden else await mention_targets(actor, topic, body)
        await do_add_post(
            actor,
            topic,
            body,
            html,
            reply_to=None,
            hidden=False,
            outbox=outbox,
            notify_mentions=mentions,
        )
        await Board.filter(id=board.id).update(topic_count=F("topic_count") + 1)
        await do_discard_draft(actor.user_id, topic_draft_key(board.id))  # sent: gone with it
    await outbox.send()
    await hooks.route_review("topic", topic.id, screened_title, screened_body, held=hidden)
    return topic


async def _set_topic_flag(actor: Viewer, topic: Topic, name: str, value: bool) -> None:
    if getattr(topic, name) == value:
        return
    was_held = topic.held
    async with in_transaction():
        # A moderator hiding or unhiding the topic decides a pending review too.
        changes: dict[str, bool] = {name: value, **({"held": False} if name == "hidden" else {})}
        await Topic.filter(id=topic.id).update(**changes)
        verb = {
            "pinned": ("pinned", "unpinned"),
            "closed": ("closed", "reopened"),
            "hidden": ("hidden", "unhidden"),
        }[name]
        await audit.record(
            actor,
            f"topic.{verb[0] if value else verb[1]}",
            "topic",
            topic.id,
            org_path=topic.access.org_path or "",
            before={name: not value},
            after={name: value},
        )
    setattr(topic, name, value)
    if name == "hidden":
        topic.held = False
        if was_held and not value:  # unhiding a held topic approves it
            await release_held_topic(topic)


async def release_held_topic(topic: Topic) -> None:
    """A held topic has been approved: its opening post notifies as it would have."""
    first = await Post.get_or_none(topic_id=topic.id, number=1)
    if first is not None:
        await release_held(topic, first)


async def pin_topic(actor: Viewer, topic: Topic, pinned: bool) -> None:
    ensure(can_pin_topic(actor, topic))
    await _set_topic_flag(actor, topic, "pinned", pinned)


async def close_topic(actor: Viewer, topic: Topic, closed: bool) -> None:
    ensure(can_close_topic(actor, topic))
    await _set_topic_flag(actor, topic, "closed", closed)


def check_hide_topic(actor: Viewer, topic: Topic) -> None:
    """Raises what would refuse hiding the topic, before the page asks."""
    ensure(can_hide_topic(actor, topic))


async def hide_topic(actor: Viewer, topic: Topic, hidden: bool) -> None:
    """Hide a whole topic from everyone but the board's moderators (audited)."""
    check_hide_topic(actor, topic)
    await _set_topic_flag(actor, topic, "hidden", hidden)


async def accept_post(actor: Viewer, topic: Topic, post: Post) -> None:
    """Mark the accepted answer of a consultation; notifies the answer's author."""
    ensure(can_accept_post(actor, topic, post))
    outbox = Outbox()
    async with in_transaction():
        await Topic.filter(id=topic.id).update(accepted_post_id=post.id)
        if can_moderate_topic(actor, topic) and actor.user_id != topic.author_id:
            await audit.record(
                actor,
                "topic.answer_accepted",
                "topic",
                topic.id,
                org_path=topic.access.org_path or "",
                after={"post_id": post.id},
            )
        await notify(outbox, post.author_id, NotificationKind.accepted, actor, topic, post.number)
    topic.accepted_post_id = post.id
    await outbox.send()
