"""The `topic:{id}` channel kind: who may follow a topic and receive each of its events, and
what a replay of its log may still carry."""

from __future__ import annotations

from typing import Any

from forum.boards.eventtypes import CONTENT_EVENTS, POST_HIDDEN, TOPIC
from forum.errors import NotFound
from forum.policy import Viewer, can_receive_topic_event
from realtime.channels import ChannelKind


async def can_subscribe(viewer: Viewer, topic_id: int) -> bool:
    from forum.boards import queries

    try:
        await queries.get_topic_for(viewer, topic_id)
    except NotFound:
        return False
    return True


def can_receive(viewer: Viewer, event: dict[str, Any]) -> bool:
    audience = event.get("audience")
    return isinstance(audience, dict) and can_receive_topic_event(viewer, audience)


def _post_id(event: dict[str, Any]) -> int | None:
    value = (event.get("data") or {}).get("post_id")
    if event.get("event") not in CONTENT_EVENTS or not isinstance(value, int):
        return None
    return value


async def current(topic_id: int, messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Replayed post events as the topic page shows the posts now (one query): a post since
    hidden, deleted or moved to another topic becomes `post.hidden` without its text, an
    edited one carries its current HTML."""
    from forum.boards.models import Post

    ids = {post_id for m in messages if (post_id := _post_id(m)) is not None}
    if not ids:
        return messages
    rows = await Post.filter(id__in=ids).values(
        "id", "topic_id", "number", "hidden", "deleted", "body_html", "edit_count"
    )
    posts = {int(row["id"]): row for row in rows}
    checked = []
    for message in messages:
        post_id = _post_id(message)
        if post_id is None:
            checked.append(message)
            continue
        post = posts.get(post_id)
        data = message["data"]
        if post is None or post["topic_id"] != topic_id or post["hidden"] or post["deleted"]:
            state = "deleted" if post is None or post["deleted"] else "hidden"
            tombstone = {"post_id": post_id, "number": data.get("number"), "state": state}
            checked.append({**message, "event": POST_HIDDEN.name, "data": tombstone})
        else:
            html, edited = post["body_html"], post["edit_count"] > 0
            checked.append({**message, "data": {**data, "html": html, "edited": edited}})
    return checked


TOPIC_CHANNEL = ChannelKind(
    prefix=TOPIC, can_subscribe=can_subscribe, can_receive=can_receive, current=current
)
