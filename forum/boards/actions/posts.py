"""Posts: reply, edit (with revisions), delete, hide, like; the notifications a post sends.

Each action: policy -> validation (and the moderation hooks) -> render -> one transaction
-> publish after commit.
"""

from __future__ import annotations

from typing import Any

from tortoise.expressions import F
from tortoise.transactions import in_transaction

from forum import audit, markup, notifications, publisher
from forum.boards import timed_close
from forum.boards.actions._common import (
    REASON_MAX,
    Outbox,
    clean_body,
    notify,
    post_created_event,
    post_edited_event,
    post_removed_event,
    post_shown_event,
    topic_subject,
)
from forum.boards.actions.attachments import do_link_attachments
from forum.boards.actions.drafts import do_discard_draft, reply_draft_key
from forum.boards.actions.reads import do_mark_read
from forum.boards.eventtypes import topic_channel
from forum.boards.models import (
    Board,
    Like,
    NotificationKind,
    Post,
    PostRevision,
    Topic,
)
from forum.clock import utcnow
from forum.errors import ActionError, Forbidden
from forum.http import lines
from forum.models import User
from forum.policy import (
    Viewer,
    can_delete_post,
    can_edit_post,
    can_hide_post,
    can_like_post,
    can_read_topic,
    can_reply_topic,
    ensure,
)
from moderation import hooks

MAX_MENTIONS = 10


async def mention_targets(actor: Viewer, topic: Topic, raw: str) -> list[int]:
    """Users @mentioned in `raw` who may read the topic (so a mention never leaks it)."""
    from forum.viewer import viewer_for_user

    names = markup.mentions(raw)[:MAX_MENTIONS]
    if not names:
        return []
    users = await User.filter(username__in=names, is_active=True).only("id")
    targets = []
    for user in users:
        if can_read_topic(await viewer_for_user(user.id), topic):
            targets.append(user.id)  # noqa: PERF401 - awaits inside
    return targets


async def do_add_post(
    actor: Viewer,
    topic: Topic,
    body: str,
    html: str,
    *,
    reply_to: Post | None,
    hidden: bool,
    outbox: Outbox,
    notify_mentions: list[int] | None,
) -> Post:
    """Unchecked, inside the caller's transaction: number and store the post, count it, link
    its attachments, advance the author's read mark. A visible post queues `post.created`
    and (unless `notify_mentions` is None) its notifications."""
    now = utcnow()
    await Topic.filter(id=topic.id).update(
        last_number=F("last_number") + 1, last_activity_at=now, last_poster_name=actor.display_name
    )
    rows = await Topic.filter(id=topic.id).values("last_number")
    if not rows:  # pragma: no cover - the row exists inside our transaction
        raise ActionError("主题不存在")
    number = int(rows[0]["last_number"])
    post = await Post.create(
        topic_id=topic.id,
        number=int(number),
        author_id=actor.user_id,
        reply_to_number=reply_to.number if reply_to else None,
        body_raw=body,
        body_html=html,
        render_version=markup.VERSION,
        hidden=hidden,
        held=hidden,  # only new posts held back for review are created hidden
    )
    await do_link_attachments(actor, post, topic.board_id, body)
    if number > 1 and not hidden:
        await Topic.filter(id=topic.id).update(reply_count=F("reply_count") + 1)
    await Board.filter(id=topic.board_id).update(
        post_count=F("post_count") + 1, last_activity_at=now
    )
    await do_mark_read(actor, topic, int(number))
    if not hidden:
        # A held post (or a held topic's opening post) notifies nobody yet: approving it
        # sends these (`release_held`).
        if notify_mentions is not None:
            await _post_notifications(outbox, actor, topic, post, reply_to, notify_mentions)
        outbox.events.append(
            await post_created_event(topic, post, actor.display_name, actor.username)
        )
    return post


async def _post_notifications(
    outbox: Outbox,
    actor: Viewer,
    topic: Topic,
    post: Post,
    reply_to: Post | None,
    mentions: list[int],
) -> None:
    for user_id in mentions:
        await notify(outbox, user_id, NotificationKind.mention, actor, topic, post.number)
    if reply_to is not None:
        await notify(outbox, reply_to.author_id, NotificationKind.quote, actor, topic, post.number)
    if post.number > 1:
        await notify(outbox, topic.author_id, NotificationKind.reply, actor, topic, post.number)


async def release_held(topic: Topic, post: Post) -> None:
    """A held post (or the opening post of a held topic) has been approved: send the
    mention, quote and reply notifications it would have sent when it was posted, to those
    who may now read it. Runs after the approval committed; idempotent (anyone who already
    has a notification for this post gets none)."""
    if post.hidden or post.deleted or topic.hidden:
        return
    author = Viewer(user_id=post.author_id)
    mentions = await mention_targets(author, topic, post.body_raw)
    reply_to = None
    if post.reply_to_number is not None:
        reply_to = await Post.get_or_none(topic_id=topic.id, number=post.reply_to_number)
    outbox = Outbox(skip=await notifications.notified_about(topic_subject(topic.id), post.number))
    async with in_transaction():
        await _post_notifications(outbox, author, topic, post, reply_to, mentions)
    await outbox.send()


async def create_post(
    actor: Viewer, topic: Topic, body_raw: Any, reply_to: Post | None = None
) -> Post:
    """Reply (optionally quoting `reply_to`), removing the author's draft for the topic in
    the same transaction; publishes `post.created` after commit."""
    ensure(can_reply_topic(actor, topic))
    screened = await hooks.screen_text(actor, clean_body(body_raw), field="body")
    body = screened.text
    # Topic scope: moderation applies the topic's slow mode and timed close too.
    try:
        await hooks.check_post_rate(actor, scope=topic_channel(topic.id))
    except Forbidden:
        await timed_close.close_due_topic(topic.id)  # a due timed close is recorded now
        raise
    hidden = await hooks.hold_back(actor, screened)  # new member or a "review" word
    html = markup.render(body)
    mentions = await mention_targets(actor, topic, body)
    outbox = Outbox()
    async with in_transaction():
        # Re-check the lock inside the transaction: a topic closed meanwhile refuses.
        fresh = await Topic.filter(id=topic.id).select_for_update(no_key=True).get()
        topic.closed = fresh.closed
        ensure(can_reply_topic(actor, topic))
        post = await do_add_post(
            actor,
            topic,
            body,
            html,
            reply_to=reply_to,
            hidden=hidden,
            outbox=outbox,
            notify_mentions=mentions,
        )
        await do_discard_draft(actor.user_id, reply_draft_key(topic.id))  # sent: gone with it
    await outbox.send()
    await hooks.route_review("post", post.id, screened, held=hidden)
    return post


def quote_text(post: Post, author_name: str) -> str:
    quoted = "\n".join("> " + line for line in lines(post.body_raw))
    return f"> **{author_name}** 在 #{post.number} 楼说：\n{quoted}\n\n"


async def do_revise_post(post: Post, editor: Viewer, body: str, html: str, reason: str) -> None:
    """Unchecked, inside the caller's transaction: keep the current text as the next
    revision (with `reason`) and store `body` and its rendered `html` (on `post` too). The
    one place a post's text changes, for the author's edit and a moderator's alike."""
    count = post.edit_count + 1
    await PostRevision.create(
        post_id=post.id,
        number=count,
        editor_id=editor.user_id,
        body_before=post.body_raw,
        body_after=body,
        reason=reason,
    )
    post.body_raw, post.body_html, post.render_version = body, html, markup.VERSION
    post.edit_count, post.edited_at = count, utcnow()
    await post.save(
        update_fields=["body_raw", "body_html", "render_version", "edit_count", "edited_at"]
    )


async def edit_post(
    actor: Viewer, topic: Topic, post: Post, body_raw: Any, reason: Any = ""
) -> Post:
    """Keep the previous text as a revision; moderators' edits of others' posts are audited.

    The word filter applies as on a new post: an edit that brings in a "review" word hides
    the post until a moderator approves it, and "flag" words queue it for a look."""
    ensure(can_edit_post(actor, topic, post))
    screened = await hooks.screen_text(actor, clean_body(body_raw), field="body")
    body = screened.text
    held = not post.hidden and await hooks.hold_back(actor, screened, premoderate=False)
    why = reason.strip() if isinstance(reason, str) else ""
    if len(why) > REASON_MAX:  # refused, not silently cut
        raise ActionError(f"修改原因不能超过 {REASON_MAX} 个字", field="reason")
    if body == post.body_raw:
        raise ActionError("内容没有变化", field="body")
    html = markup.render(body)
    outbox = Outbox()
    async with in_transaction():
        await do_revise_post(post, actor, body, html, why)
        if held:
            await set_post_state(topic.id, post, hidden=True, held=True)
        await do_link_attachments(actor, post, topic.board_id, body)
        if actor.user_id != post.author_id:
            await audit.record(
                actor,
                "post.edited",
                "post",
                post.id,
                org_path=topic.access.org_path or "",
                reason=why,
            )
        if held:
            outbox.events.append(await post_removed_event(topic, post, "hidden"))
        elif not post.hidden:
            outbox.events.append(await post_edited_event(topic, post))
    await outbox.send()
    await hooks.route_review("post", post.id, screened, held=held)
    return post


def check_delete_post(actor: Viewer, topic: Topic, post: Post) -> None:
    """Raises what would refuse the deletion, so the page asks only when it can go ahead."""
    ensure(can_delete_post(actor, topic, post))  # a deleted post cannot be deleted again


async def delete_post(actor: Viewer, topic: Topic, post: Post) -> None:
    check_delete_post(actor, topic, post)
    async with in_transaction():
        await set_post_state(topic.id, post, deleted=True)
        if topic.accepted_post_id == post.id:
            await Topic.filter(id=topic.id).update(accepted_post_id=None)
        if actor.user_id != post.author_id:
            await audit.record(
                actor, "post.deleted", "post", post.id, org_path=topic.access.org_path or ""
            )
        event = await post_removed_event(topic, post, "deleted")
    await publisher.publish(event)


async def set_post_state(
    topic_id: int,
    post: Post,
    *,
    hidden: bool | None = None,
    deleted: bool | None = None,
    held: bool = False,
) -> bool:
    """Set a post's hidden/deleted flags (on `post` too) and keep the topic's reply count
    equal to its visible replies. The one place either flag changes. Any change ends a hold
    for review unless `held` says the post is held (again). Returns whether the post was
    visible before."""
    was_visible = not (post.hidden or post.deleted)
    changes: dict[str, bool] = {}
    if hidden is not None:
        changes["hidden"] = post.hidden = hidden
    if deleted is not None:
        changes["deleted"] = post.deleted = deleted
    if changes and post.held != held:
        changes["held"] = post.held = held
    if changes:
        await Post.filter(id=post.id).update(**changes)
    visible = not (post.hidden or post.deleted)
    if post.number > 1 and visible != was_visible:
        delta = 1 if visible else -1
        await Topic.filter(id=topic_id).update(reply_count=F("reply_count") + delta)
    return was_visible


def check_hide_post(actor: Viewer, topic: Topic, post: Post) -> None:
    """Raises what would refuse hiding (or unhiding) the post, before the page asks."""
    ensure(can_hide_post(actor, topic, post))


async def set_post_hidden(
    actor: Viewer, topic: Topic, post: Post, hidden: bool, reason: str
) -> None:
    check_hide_post(actor, topic, post)
    if post.hidden == hidden:
        return
    was_held = post.held
    async with in_transaction():
        await set_post_state(topic.id, post, hidden=hidden)
        await audit.record(
            actor,
            "post.hidden" if hidden else "post.unhidden",
            "post",
            post.id,
            org_path=topic.access.org_path or "",
            before={"hidden": not hidden},
            after={"hidden": hidden},
            reason=reason,
        )
        if hidden:
            event = await post_removed_event(topic, post, "hidden")
        else:
            event = await post_shown_event(topic, post)
    await publisher.publish(event)
    if was_held and not hidden:  # unhiding a held post approves it
        await release_held(topic, post)


async def toggle_like(actor: Viewer, topic: Topic, post: Post) -> bool:
    """Like or unlike; returns True when the post is now liked."""
    ensure(can_like_post(actor, topic, post))
    async with in_transaction():
        existing = await Like.get_or_none(post_id=post.id, user_id=actor.user_id)
        if existing is not None:
            await existing.delete()
            await Post.filter(id=post.id).update(like_count=F("like_count") - 1)
            return False
        await Like.create(post_id=post.id, user_id=actor.user_id)
        await Post.filter(id=post.id).update(like_count=F("like_count") + 1)
        what = "主题" if post.number == 1 else "回帖"
        # Batched: one unread row per post, its count bumped ("3 人赞了你的回帖").
        sent = await notifications.notify(
            [post.author_id],
            "like",
            text=f"{actor.display_name} 赞了你的{what}",
            batch_text="{count} 人赞了你的" + what,
            title=topic.title,
            url=f"/t/{topic.id}/{post.number}",
            actor_id=actor.user_id,
            subject=topic_subject(topic.id),
            number=post.number,
            group_key=f"post:{post.id}",
        )
    await sent.send()
    return True
