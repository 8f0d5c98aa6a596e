"""Bookmarks (收藏): a private mark on a topic or a post, toggled by its owner.

No audit entry and no event: a bookmark is nobody else's business. Removing one from the
list needs no read right (the list shows only what the owner still reads anyway).
"""

from __future__ import annotations

from tortoise.transactions import in_transaction

from forum.boards.models import Bookmark, Post, Topic
from forum.errors import NotFound
from forum.policy import Viewer, can_bookmark_post, can_bookmark_topic, ensure


async def toggle_bookmark(actor: Viewer, topic: Topic, post: Post | None = None) -> bool:
    """Bookmark `post` (or the topic, when None) or take the bookmark away; True when the
    thing is now bookmarked."""
    if post is None:
        ensure(can_bookmark_topic(actor, topic))
        key, topic_id, post_id = f"t{topic.id}", topic.id, None
    else:
        ensure(can_bookmark_post(actor, topic, post))
        key, topic_id, post_id = f"p{post.id}", None, post.id
    async with in_transaction():
        deleted = await Bookmark.filter(user_id=actor.user_id, key=key).delete()
        if deleted:
            return False
        await Bookmark.create(user_id=actor.user_id, key=key, topic_id=topic_id, post_id=post_id)
    return True


async def remove_bookmark(actor: Viewer, bookmark_id: int) -> None:
    """Take one of one's own bookmarks away (404 for anyone else's: it looks missing)."""
    ensure(actor.is_authenticated)
    deleted = await Bookmark.filter(id=bookmark_id, user_id=actor.user_id).delete()
    if not deleted:
        raise NotFound()
