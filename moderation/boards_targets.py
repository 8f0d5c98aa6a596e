"""Boards content in the moderation tools: posts and topics as flag targets, and the count
of a user's approved posts for the new-member rule.

The callbacks run inside moderation's transaction and return the realtime events they
appended to `topic:{id}` (the same event types the boards part publishes itself:
`post.hidden` with a state, `post.edited` with the post payload). Topics have no separate
"deleted" state: deleting a topic hides it (restorable).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from forum import events, markup
from forum.boards import queries as board_queries
from forum.boards.actions import (
    REASON_MAX,
    clean_body,
    post_payload,
    release_held,
    release_held_topic,
    set_post_state,
)
from forum.boards.models import Post, PostRevision, Topic
from forum.errors import ActionError, NotFound
from forum.events import ChannelEvent
from forum.models import User
from forum.policy import Viewer, can_moderate_board, can_read_topic
from moderation.newmembers import ApprovedCounter
from moderation.registry import FlagTarget, TargetInfo
from moderation.review import Release

EXCERPT = 200


def _audience(topic: Topic) -> dict[str, Any]:
    return {"board": topic.access.to_dict(), "topic_hidden": topic.hidden, "post_hidden": False}


async def _post_event(topic: Topic, post: Post, state: str | None) -> ChannelEvent:
    if state is None:  # visible again: the full post, as the boards part does on unhide
        author = await User.get(id=post.author_id)
        payload = post_payload(post, author.display_name)
        return await events.append(
            f"topic:{topic.id}", "post.edited", payload, audience=_audience(topic)
        )
    return await events.append(
        f"topic:{topic.id}",
        "post.hidden",
        {"post_id": post.id, "number": post.number, "state": state},
        audience=_audience(topic),
    )


# --- posts ----------------------------------------------------------------------------


async def load_post(post_id: int) -> TargetInfo | None:
    post = await Post.get_or_none(id=post_id)
    topic = await board_queries.topic_with_access(post.topic_id) if post is not None else None
    if post is None or topic is None:
        return None
    return TargetInfo(
        kind="post",
        id=post.id,
        author_id=post.author_id,
        org_path=topic.access.org_path or "",
        board_id=topic.board_id,
        excerpt=post.body_raw[:EXCERPT],
        url=f"/t/{topic.id}/{post.number}",
        hidden=post.hidden,
        deleted=post.deleted,
        context=topic,
    )


def post_visible(viewer: Viewer, info: TargetInfo) -> bool:
    topic = info.context
    if not isinstance(topic, Topic) or not can_read_topic(viewer, topic):
        return False
    return not (info.hidden or info.deleted) or can_moderate_board(viewer, topic.access)


async def _post_state(
    post_id: int, *, hidden: bool | None = None, deleted: bool | None = None
) -> tuple[Topic, Post, bool]:
    post = await Post.get(id=post_id)
    topic = await board_queries.topic_with_access(post.topic_id)
    if topic is None:  # pragma: no cover - the FK guarantees the topic
        raise NotFound()
    was_visible = await set_post_state(topic.id, post, hidden=hidden, deleted=deleted)
    return topic, post, was_visible


async def hide_post(post_id: int, actor: Viewer, reason: str) -> Sequence[ChannelEvent]:
    topic, post, was_visible = await _post_state(post_id, hidden=True)
    return [await _post_event(topic, post, "hidden")] if was_visible else []


async def delete_post(post_id: int, actor: Viewer, reason: str) -> Sequence[ChannelEvent]:
    topic, post, was_visible = await _post_state(post_id, deleted=True)
    return [await _post_event(topic, post, "deleted")] if was_visible else []


async def restore_post(post_id: int, actor: Viewer, reason: str) -> Sequence[ChannelEvent]:
    topic, post, was_visible = await _post_state(post_id, hidden=False, deleted=False)
    return [] if was_visible else [await _post_event(topic, post, None)]


async def edit_post(
    post_id: int, actor: Viewer, body_raw: str, reason: str
) -> Sequence[ChannelEvent]:
    """A moderator's edit: the previous text is kept as a revision with the reason."""
    post = await Post.get(id=post_id)
    topic = await board_queries.topic_with_access(post.topic_id)
    if topic is None:  # pragma: no cover - the FK guarantees the topic
        raise NotFound()
    body = clean_body(body_raw)
    if len(reason) > REASON_MAX:  # the revision keeps the reason: refused, never cut
        raise ActionError(f"编辑原因不能超过 {REASON_MAX} 个字", field="reason")
    html = markup.render(body)
    count = post.edit_count + 1
    await PostRevision.create(
        post_id=post.id,
        number=count,
        editor_id=actor.user_id,
        body_before=post.body_raw,
        body_after=body,
        reason=reason,
    )
    await Post.filter(id=post.id).update(
        body_raw=body,
        body_html=html,
        render_version=markup.VERSION,
        edit_count=count,
        edited_at=dt.datetime.now(dt.UTC),
    )
    if post.hidden or post.deleted:
        return []
    event = await events.append(
        f"topic:{topic.id}",
        "post.edited",
        {"post_id": post.id, "number": post.number, "html": html, "edited": True},
        audience=_audience(topic),
    )
    return [event]


# --- topics ---------------------------------------------------------------------------


async def load_topic(topic_id: int) -> TargetInfo | None:
    topic = await board_queries.topic_with_access(topic_id)
    if topic is None:
        return None
    first = await Post.filter(topic_id=topic.id, number=1).values_list("body_raw", flat=True)
    excerpt = topic.title + ("：" + str(first[0]) if first else "")
    return TargetInfo(
        kind="topic",
        id=topic.id,
        author_id=topic.author_id,
        org_path=topic.access.org_path or "",
        board_id=topic.board_id,
        excerpt=excerpt[:EXCERPT],
        url=f"/t/{topic.id}",
        hidden=topic.hidden,
        context=topic,
    )


def topic_visible(viewer: Viewer, info: TargetInfo) -> bool:
    topic = info.context
    return isinstance(topic, Topic) and can_read_topic(viewer, topic)


async def _topic_hidden(topic_id: int, hidden: bool) -> Sequence[ChannelEvent]:
    await Topic.filter(id=topic_id).update(hidden=hidden, held=False)  # decided: no longer held
    return []  # the boards part has no topic-level live event: lists reload over HTTP


async def hide_topic(topic_id: int, actor: Viewer, reason: str) -> Sequence[ChannelEvent]:
    return await _topic_hidden(topic_id, True)


async def restore_topic(topic_id: int, actor: Viewer, reason: str) -> Sequence[ChannelEvent]:
    return await _topic_hidden(topic_id, False)


async def release_post(post_id: int) -> None:
    """After an approval committed: the notifications the post would have sent."""
    post = await Post.get_or_none(id=post_id)
    topic = await board_queries.topic_with_access(post.topic_id) if post is not None else None
    if post is not None and topic is not None:
        await release_held(topic, post)


async def release_topic(topic_id: int) -> None:
    topic = await board_queries.topic_with_access(topic_id)
    if topic is not None:
        await release_held_topic(topic)


async def approved_posts(user_id: int) -> int:
    return await Post.filter(author_id=user_id, hidden=False, deleted=False).count()


PROVIDES = (
    FlagTarget(
        "post",
        label="回帖",
        load=load_post,
        hide=hide_post,
        restore=restore_post,
        delete=delete_post,
        edit=edit_post,
        visible_to=post_visible,
    ),
    FlagTarget(
        "topic",
        label="主题",
        load=load_topic,
        hide=hide_topic,
        restore=restore_topic,
        delete=hide_topic,
        visible_to=topic_visible,
    ),
    ApprovedCounter("posts", approved_posts),
    Release("post", release_post),
    Release("topic", release_topic),
)
