"""The boards part's live vocabulary: the `topic:{id}` channel and its event types.

Every post event names its post as its subject, so hiding or deleting a post rewrites the
earlier events that carried its HTML (see `forum.events`)."""

from __future__ import annotations

from typing import Literal, TypedDict

from forum.events import EventType, Subject, channel_name

TOPIC = "topic"


def topic_channel(topic_id: int) -> str:
    return channel_name(TOPIC, topic_id)


class PostCreated(TypedDict):
    post_id: int
    topic_id: int
    number: int
    author: str
    author_username: str  # the profile link (`/u/{username}`) of the live-inserted post
    html: str
    created_at: str
    edited: bool


class PostEdited(TypedDict):
    post_id: int
    number: int
    html: str
    edited: bool


class PostHidden(TypedDict):
    post_id: int
    number: int
    state: Literal["hidden", "deleted"]


POST_CREATED: EventType[PostCreated] = EventType(
    "post.created", Subject("post", "post_id", "carries")
)
POST_EDITED: EventType[PostEdited] = EventType("post.edited", Subject("post", "post_id", "updates"))
POST_HIDDEN: EventType[PostHidden] = EventType("post.hidden", Subject("post", "post_id", "removes"))

ALL = (POST_CREATED, POST_EDITED, POST_HIDDEN)
# Events whose payload carries a post's HTML (a replay refreshes it to the current version).
CONTENT_EVENTS = frozenset({POST_CREATED.name, POST_EDITED.name})
