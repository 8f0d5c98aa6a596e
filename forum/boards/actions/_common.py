"""Helpers shared by the boards actions: input cleaning, the topic channel's events and their
audience, and the outbox of side effects sent after commit."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from forum import events, notifications, publisher
from forum.boards.eventtypes import (
    POST_CREATED,
    POST_EDITED,
    POST_HIDDEN,
    PostCreated,
    PostEdited,
    PostHidden,
    topic_channel,
)
from forum.boards.models import NotificationKind, Post, Topic
from forum.errors import ActionError
from forum.events import ChannelEvent
from forum.models import User
from forum.policy import Viewer

TITLE_MAX = 120
TITLE_MIN = 2
BODY_MAX = 20_000
REASON_MAX = 200


def clean_title(raw: Any) -> str:
    if not isinstance(raw, str):
        raise ActionError("标题格式有误", field="title")
    title = " ".join(raw.split())
    if not title:
        raise ActionError("请填写标题", field="title")
    if len(title) > TITLE_MAX:
        raise ActionError(f"标题不能超过 {TITLE_MAX} 个字", field="title")
    if len(title) < TITLE_MIN:
        raise ActionError(f"标题至少需要 {TITLE_MIN} 个字", field="title")
    if "\x00" in title:
        raise ActionError("标题包含无效字符", field="title")
    return title


def clean_body(raw: Any) -> str:
    if not isinstance(raw, str):
        raise ActionError("正文格式有误", field="body")
    body = raw.replace("\r\n", "\n").strip()
    if not body:
        raise ActionError("请填写正文", field="body")
    if len(body) > BODY_MAX:
        raise ActionError(f"正文不能超过 {BODY_MAX} 个字（当前 {len(body)} 个字）", field="body")
    if "\x00" in body:
        raise ActionError("正文包含无效字符", field="body")
    return body


def audience_of(topic: Topic) -> dict[str, Any]:
    """Facts `can_receive_topic_event` needs to filter deliveries without a query."""
    return {"board": topic.access.to_dict(), "topic_hidden": topic.hidden, "post_hidden": False}


def post_payload(post: Post, author_name: str, author_username: str) -> PostCreated:
    return {
        "post_id": post.id,
        "topic_id": post.topic_id,
        "number": post.number,
        "author": author_name,
        "author_username": author_username,
        "html": post.body_html,
        "created_at": post.created_at.isoformat(),
        "edited": post.edit_count > 0,
    }


async def post_created_event(
    topic: Topic, post: Post, author_name: str, author_username: str
) -> ChannelEvent:
    return await events.emit(
        topic_channel(topic.id),
        POST_CREATED,
        post_payload(post, author_name, author_username),
        audience=audience_of(topic),
    )


async def post_edited_event(topic: Topic, post: Post) -> ChannelEvent:
    """The post's new HTML (an edit)."""
    payload: PostEdited = {
        "post_id": post.id,
        "number": post.number,
        "html": post.body_html,
        "edited": True,
    }
    return await events.emit(
        topic_channel(topic.id), POST_EDITED, payload, audience=audience_of(topic)
    )


async def post_shown_event(topic: Topic, post: Post) -> ChannelEvent:
    """A hidden post visible again: the whole post (a `post.edited` that carries every
    field of `post.created`), so followers can insert it."""
    author = await User.get(id=post.author_id)
    whole = post_payload(post, author.display_name, author.username)
    return await events.append(
        topic_channel(topic.id), POST_EDITED.name, dict(whole), audience=audience_of(topic)
    )


async def post_removed_event(
    topic: Topic, post: Post, state: Literal["hidden", "deleted"]
) -> ChannelEvent:
    """Followers drop the post's text."""
    payload: PostHidden = {"post_id": post.id, "number": post.number, "state": state}
    return await events.emit(
        topic_channel(topic.id), POST_HIDDEN, payload, audience=audience_of(topic)
    )


@dataclass
class Outbox:
    """Side effects collected inside the transaction, sent after commit."""

    events: list[ChannelEvent] = field(default_factory=list)
    notified: list[int] = field(default_factory=list)
    # Users not to notify again (they already have a notification for this post).
    skip: set[int] = field(default_factory=set)
    announcements: list[notifications.Announcement] = field(default_factory=list)

    async def send(self) -> None:
        if self.events:
            await publisher.publish(*self.events)
        await notifications.announce(*self.announcements)


# What each kind says (the kernel inbox stores the sentence; the actor's name leads it).
PHRASES = {
    NotificationKind.mention: "提到了你",
    NotificationKind.reply: "回复了你的主题",
    NotificationKind.quote: "引用了你的回帖",
    NotificationKind.accepted: "采纳了你的回答",
}


def topic_subject(topic_id: int) -> str:
    """The inbox subject of a topic: viewing the topic marks its rows read."""
    return f"topic:{topic_id}"


async def notify(
    outbox: Outbox,
    user_id: int,
    kind: NotificationKind,
    actor: Viewer,
    topic: Topic,
    number: int,
) -> None:
    if user_id == actor.user_id or user_id in outbox.notified or user_id in outbox.skip:
        return
    name = actor.display_name
    if not name and actor.user_id is not None:  # a released held post: the author's name
        author = await User.get_or_none(id=actor.user_id)
        name = author.display_name if author else ""
    sent = await notifications.notify(
        [user_id],
        str(kind),
        text=f"{name or '有人'} {PHRASES[kind]}",
        title=topic.title,
        url=f"/t/{topic.id}/{number}",
        actor_id=actor.user_id,
        subject=topic_subject(topic.id),
        number=number,
    )
    outbox.notified.append(user_id)
    if sent:
        outbox.announcements.append(sent)
