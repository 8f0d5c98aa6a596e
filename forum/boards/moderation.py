"""Boards content in the moderation tools: posts and topics as flag targets, the count of a
user's approved posts for the new-member rule, and what approving a held post still sends.

The callbacks run inside moderation's transaction and return the realtime events they
appended to `topic:{id}` (the same events the boards actions publish: `post.hidden` with a
state, `post.edited` with the post). Topics have no separate "deleted" state: deleting a
topic hides it (restorable).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from tortoise.functions import Count

from forum import markup
from forum.boards import queries as board_queries
from forum.boards.actions._common import (
    REASON_MAX,
    clean_body,
    post_edited_event,
    post_removed_event,
    post_shown_event,
)
from forum.boards.actions.posts import do_revise_post, release_held, set_post_state
from forum.boards.actions.topics import release_held_topic
from forum.boards.models import Board, Post, Topic
from forum.errors import ActionError, NotFound
from forum.events import ChannelEvent
from forum.policy import Viewer, can_moderate_board, can_read_topic
from moderation.newmembers import ApprovedCounter
from moderation.registry import FlagTarget, Place, TargetInfo
from moderation.review import Release

EXCERPT = 200


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
    return [await post_removed_event(topic, post, "hidden")] if was_visible else []


async def delete_post(post_id: int, actor: Viewer, reason: str) -> Sequence[ChannelEvent]:
    topic, post, was_visible = await _post_state(post_id, deleted=True)
    return [await post_removed_event(topic, post, "deleted")] if was_visible else []


async def restore_post(post_id: int, actor: Viewer, reason: str) -> Sequence[ChannelEvent]:
    topic, post, was_visible = await _post_state(post_id, hidden=False, deleted=False)
    return [] if was_visible else [await post_shown_event(topic, post)]


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
    await do_revise_post(post, actor, body, markup.render(body), reason)
    if post.hidden or post.deleted:
        return []
    return [await post_edited_event(topic, post)]


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


async def _topic_places(topic_ids: set[int]) -> dict[int, tuple[Topic, str]]:
    """Topics with their 「版块 › 主题」 label: two queries for any number of topics."""
    topics = await Topic.filter(id__in=topic_ids)
    boards = {
        b.id: b.name
        for b in await Board.filter(id__in={t.board_id for t in topics}).only("id", "name")
    }
    return {t.id: (t, f"{boards.get(t.board_id, '')} › {t.title}") for t in topics}


async def post_places(post_ids: Sequence[int]) -> Mapping[int, Place]:
    posts = await Post.filter(id__in=list(post_ids)).only("id", "topic_id", "number")
    topics = await _topic_places({p.topic_id for p in posts})
    places: dict[int, Place] = {}
    for post in posts:
        if post.topic_id in topics:
            topic, label = topics[post.topic_id]
            places[post.id] = Place(f"{label} · #{post.number}", f"/t/{topic.id}/{post.number}")
    return places


async def topic_places(topic_ids: Sequence[int]) -> Mapping[int, Place]:
    topics = await _topic_places(set(topic_ids))
    return {tid: Place(label, f"/t/{tid}") for tid, (_, label) in topics.items()}


async def approved_posts(user_id: int) -> int:
    return await Post.filter(author_id=user_id, hidden=False, deleted=False).count()


async def approved_posts_of(user_ids: Sequence[int]) -> Mapping[int, int]:
    rows = (
        await Post.filter(author_id__in=list(user_ids), hidden=False, deleted=False)
        .annotate(n=Count("id"))
        .group_by("author_id")
        .values_list("author_id", "n")
    )
    return {int(uid): int(n) for uid, n in rows}


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
        places=post_places,
    ),
    FlagTarget(
        "topic",
        label="主题",
        load=load_topic,
        hide=hide_topic,
        restore=restore_topic,
        delete=hide_topic,
        visible_to=topic_visible,
        places=topic_places,
    ),
    ApprovedCounter("posts", approved_posts, count_many=approved_posts_of),
    Release("post", release_post),
    Release("topic", release_topic),
)
