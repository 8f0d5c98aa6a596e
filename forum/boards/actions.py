"""Writes for boards: policy, validation, render, one transaction, then publish after commit."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from tortoise.expressions import F
from tortoise.transactions import in_transaction

from forum import audit, events, markup, publisher
from forum.boards import attachments as files
from forum.boards.models import (
    Attachment,
    AttachmentKind,
    Board,
    BoardGrant,
    BoardModerator,
    Like,
    Notification,
    NotificationKind,
    Post,
    PostRevision,
    Topic,
)
from forum.clock import utcnow
from forum.db import raw
from forum.errors import ActionError, RateLimited
from forum.events import ChannelEvent
from forum.http import lines
from forum.models import ROLE_LABELS, STATUS_RANK, Org, User
from forum.policy import (
    BOARD_SCOPES,
    BOARD_VERBS,
    Viewer,
    can_accept_post,
    can_admin_board,
    can_attach_board,
    can_close_topic,
    can_create_board,
    can_delete_post,
    can_edit_post,
    can_hide_post,
    can_hide_topic,
    can_like_post,
    can_moderate_board,
    can_moderate_topic,
    can_pin_topic,
    can_read_topic,
    can_reply_topic,
    can_start_topic,
    ensure,
)
from forum.settings import get_settings
from moderation import hooks

TITLE_MAX = 120
TITLE_MIN = 2
BODY_MAX = 20_000
REASON_MAX = 200
MAX_MENTIONS = 10


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


def _audience(topic: Topic, *, post_hidden: bool = False) -> dict[str, Any]:
    return {
        "board": topic.access.to_dict(),
        "topic_hidden": topic.hidden,
        "post_hidden": post_hidden,
    }


def post_payload(post: Post, author_name: str) -> dict[str, Any]:
    return {
        "post_id": post.id,
        "topic_id": post.topic_id,
        "number": post.number,
        "author": author_name,
        "html": post.body_html,
        "created_at": post.created_at.isoformat(),
        "edited": post.edit_count > 0,
    }


@dataclass
class Outbox:
    """Side effects collected inside the transaction, sent after commit."""

    events: list[ChannelEvent] = field(default_factory=list)
    notified: list[int] = field(default_factory=list)
    # Users not to notify again (they already have a notification for this post).
    skip: set[int] = field(default_factory=set)

    async def send(self) -> None:
        if self.events:
            await publisher.publish(*self.events)
        for user_id in self.notified:
            await publisher.notify_user(user_id, "notification.created")


async def _notify(
    outbox: Outbox,
    user_id: int,
    kind: NotificationKind,
    actor: Viewer,
    topic: Topic,
    number: int,
) -> None:
    if user_id == actor.user_id or user_id in outbox.notified or user_id in outbox.skip:
        return
    await Notification.create(
        user_id=user_id, kind=kind, actor_id=actor.user_id, topic_id=topic.id, post_number=number
    )
    outbox.notified.append(user_id)


async def _mention_targets(actor: Viewer, topic: Topic, raw: str) -> list[int]:
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


async def _add_post(
    actor: Viewer,
    topic: Topic,
    body: str,
    html: str,
    *,
    reply_to: Post | None,
    hidden: bool,
    mentions: list[int],
    outbox: Outbox,
    notify: bool = True,
) -> Post:
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
    await _link_attachments(actor, post, topic.board_id, body)
    if number > 1 and not hidden:
        await Topic.filter(id=topic.id).update(reply_count=F("reply_count") + 1)
    await Board.filter(id=topic.board_id).update(
        post_count=F("post_count") + 1, last_activity_at=now
    )
    await _mark_read(actor, topic, int(number))
    if not hidden:
        # A held post (or a held topic's opening post) notifies nobody yet: approving it
        # sends these (`release_held`).
        if notify:
            await _post_notifications(outbox, actor, topic, post, reply_to, mentions)
        outbox.events.append(
            await events.append(
                f"topic:{topic.id}",
                "post.created",
                post_payload(post, actor.display_name),
                audience=_audience(topic),
            )
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
        await _notify(outbox, user_id, NotificationKind.mention, actor, topic, post.number)
    if reply_to is not None:
        await _notify(outbox, reply_to.author_id, NotificationKind.quote, actor, topic, post.number)
    if post.number > 1:
        await _notify(outbox, topic.author_id, NotificationKind.reply, actor, topic, post.number)


async def release_held(topic: Topic, post: Post) -> None:
    """A held post (or the opening post of a held topic) has been approved: send the
    mention, quote and reply notifications it would have sent when it was posted, to those
    who may now read it. Runs after the approval committed; idempotent (anyone who already
    has a notification for this post gets none)."""
    if post.hidden or post.deleted or topic.hidden:
        return
    author = Viewer(user_id=post.author_id)
    mentions = await _mention_targets(author, topic, post.body_raw)
    reply_to = None
    if post.reply_to_number is not None:
        reply_to = await Post.get_or_none(topic_id=topic.id, number=post.reply_to_number)
    sent = await Notification.filter(topic_id=topic.id, post_number=post.number).values("user_id")
    outbox = Outbox(skip={int(r["user_id"]) for r in sent})
    async with in_transaction():
        await _post_notifications(outbox, author, topic, post, reply_to, mentions)
    await outbox.send()


async def create_topic(actor: Viewer, board: Board, title_raw: Any, body_raw: Any) -> Topic:
    """Start a topic with its opening post. Publishes nothing on the topic channel yet."""
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
        mentions = [] if hidden else await _mention_targets(actor, topic, body)
        await _add_post(
            actor,
            topic,
            body,
            html,
            reply_to=None,
            hidden=False,
            mentions=mentions,
            outbox=outbox,
            notify=not hidden,
        )
        await Board.filter(id=board.id).update(topic_count=F("topic_count") + 1)
    await outbox.send()
    await hooks.route_review("topic", topic.id, screened_title, screened_body, held=hidden)
    return topic


async def create_post(
    actor: Viewer, topic: Topic, body_raw: Any, reply_to: Post | None = None
) -> Post:
    """Reply (optionally quoting `reply_to`); publishes `post.created` after commit."""
    ensure(can_reply_topic(actor, topic))
    screened = await hooks.screen_text(actor, clean_body(body_raw), field="body")
    body = screened.text
    # Topic scope: moderation applies the topic's slow mode and timed close too.
    await hooks.check_post_rate(actor, scope=f"topic:{topic.id}")
    hidden = await hooks.hold_back(actor, screened)  # new member or a "review" word
    html = markup.render(body)
    mentions = await _mention_targets(actor, topic, body)
    outbox = Outbox()
    async with in_transaction():
        # Re-check the lock inside the transaction: a topic closed meanwhile refuses.
        fresh = await Topic.filter(id=topic.id).select_for_update(no_key=True).get()
        topic.closed = fresh.closed
        ensure(can_reply_topic(actor, topic))
        post = await _add_post(
            actor,
            topic,
            body,
            html,
            reply_to=reply_to,
            hidden=hidden,
            mentions=mentions,
            outbox=outbox,
        )
    await outbox.send()
    await hooks.route_review("post", post.id, screened, held=hidden)
    return post


def quote_text(post: Post, author_name: str) -> str:
    quoted = "\n".join("> " + line for line in lines(post.body_raw))
    return f"> **{author_name}** 在 #{post.number} 楼说：\n{quoted}\n\n"


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
        count = post.edit_count + 1
        await PostRevision.create(
            post_id=post.id,
            number=count,
            editor_id=actor.user_id,
            body_before=post.body_raw,
            body_after=body,
            reason=why,
        )
        post.body_raw, post.body_html, post.render_version = body, html, markup.VERSION
        post.edit_count, post.edited_at = count, utcnow()
        if held:
            await set_post_state(topic.id, post, hidden=True, held=True)
        await post.save(
            update_fields=["body_raw", "body_html", "render_version", "edit_count", "edited_at"]
        )
        await _link_attachments(actor, post, topic.board_id, body)
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
            outbox.events.append(await _remove_event(topic, post, "hidden"))
        elif not post.hidden:
            outbox.events.append(
                await events.append(
                    f"topic:{topic.id}",
                    "post.edited",
                    {"post_id": post.id, "number": post.number, "html": html, "edited": True},
                    audience=_audience(topic),
                )
            )
    await outbox.send()
    await hooks.route_review("post", post.id, screened, held=held)
    return post


async def _remove_event(topic: Topic, post: Post, state: str) -> ChannelEvent:
    return await events.append(
        f"topic:{topic.id}",
        "post.hidden",
        {"post_id": post.id, "number": post.number, "state": state},
        audience=_audience(topic),
    )


async def delete_post(actor: Viewer, topic: Topic, post: Post) -> None:
    ensure(can_delete_post(actor, topic, post))
    async with in_transaction():
        await set_post_state(topic.id, post, deleted=True)
        if topic.accepted_post_id == post.id:
            await Topic.filter(id=topic.id).update(accepted_post_id=None)
        if actor.user_id != post.author_id:
            await audit.record(
                actor, "post.deleted", "post", post.id, org_path=topic.access.org_path or ""
            )
        event = await _remove_event(topic, post, "deleted")
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


async def set_post_hidden(
    actor: Viewer, topic: Topic, post: Post, hidden: bool, reason: str
) -> None:
    ensure(can_hide_post(actor, topic, post))
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
            event = await _remove_event(topic, post, "hidden")
        else:
            author = await User.get(id=post.author_id)
            event = await events.append(
                f"topic:{topic.id}",
                "post.edited",
                post_payload(post, author.display_name),
                audience=_audience(topic),
            )
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
        return True


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


async def hide_topic(actor: Viewer, topic: Topic, hidden: bool) -> None:
    """Hide a whole topic from everyone but the board's moderators (audited)."""
    ensure(can_hide_topic(actor, topic))
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
        await _notify(outbox, post.author_id, NotificationKind.accepted, actor, topic, post.number)
    topic.accepted_post_id = post.id
    await outbox.send()


async def _mark_read(actor: Viewer, topic: Topic, number: int) -> None:
    """Insert or advance the read mark in one statement. An upsert on the (user, topic)
    unique key: two simultaneous first views of the same topic never collide, and the mark
    never moves backwards."""
    if actor.user_id is None:
        return
    await raw(
        "INSERT INTO boards_topic_reads (user_id, topic_id, board_id, last_read_number, "
        "updated_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (user_id, topic_id) DO UPDATE SET "
        "last_read_number = excluded.last_read_number, updated_at = excluded.updated_at "
        "WHERE boards_topic_reads.last_read_number < excluded.last_read_number",
        [actor.user_id, topic.id, topic.board_id, number, utcnow()],
    )


async def mark_read(
    actor: Viewer, topic: Topic, number: int, *, last_read: int | None = None
) -> None:
    """Advance the read mark and clear this topic's notifications (a page view).

    `last_read` is the mark the page already loaded: a re-read (mark already at `number`)
    writes nothing, and notifications are only updated when one up to `number` is unread.
    """
    if actor.user_id is None or number <= 0:
        return
    pending = Notification.filter(
        user_id=actor.user_id, topic_id=topic.id, read_at__isnull=True, post_number__lte=number
    )
    if last_read is not None and last_read >= number:
        if await pending.exists():
            await pending.update(read_at=utcnow())
        return
    async with in_transaction():
        await _mark_read(actor, topic, number)
        if await pending.exists():
            await pending.update(read_at=utcnow())


async def mark_all_notifications_read(actor: Viewer) -> int:
    ensure(actor.is_authenticated)
    return await Notification.filter(user_id=actor.user_id, read_at__isnull=True).update(
        read_at=utcnow()
    )


def clean_matrix(data: dict[str, Any]) -> dict[str, tuple[str, str, bool] | None]:
    """Form/JSON input -> per verb (min_status, scope, deny_sanctioned) or None (nobody)."""
    matrix: dict[str, tuple[str, str, bool] | None] = {}
    for verb in BOARD_VERBS:
        status = data.get(f"{verb}_status", "")
        if status in ("", "none", None):
            matrix[verb] = None
            continue
        scope = data.get(f"{verb}_scope", "anyone")
        if status not in STATUS_RANK:
            raise ActionError("最低身份无效", field=f"{verb}_status")
        if scope not in BOARD_SCOPES:
            raise ActionError("范围无效", field=f"{verb}_scope")
        deny = data.get(f"{verb}_deny_sanctioned") in ("on", "1", "true", True)
        matrix[verb] = (str(status), str(scope), deny)
    return matrix


async def update_grants(
    actor: Viewer, board: Board, matrix: dict[str, tuple[str, str, bool] | None]
) -> None:
    """Replace a board's matrix (audited with before and after)."""
    ensure(can_admin_board(actor, board.access))
    before = {v: [r.min_status, r.scope, r.deny_sanctioned] for v, r in board.access.grants.items()}
    after = {v: list(rule) for v, rule in matrix.items() if rule is not None}
    async with in_transaction():
        await BoardGrant.filter(board_id=board.id).delete()
        for verb, rule in matrix.items():
            if rule is not None:
                await BoardGrant.create(
                    board_id=board.id,
                    verb=verb,
                    min_status=rule[0],
                    scope=rule[1],
                    deny_sanctioned=rule[2],
                )
        await audit.record(
            actor,
            "board.grants_changed",
            "board",
            board.id,
            org_path=board.access.org_path or "",
            before=before,
            after=after,
        )


async def do_create_board(
    name: str,
    *,
    org: Org | None = None,
    parent: Board | None = None,
    kind: str = "discussion",
    description: str = "",
    hidden: bool = False,
    position: int = 0,
    matrix: dict[str, tuple[str, str, bool] | None] | None = None,
) -> Board:
    """Unchecked: for seeds and `create_board`."""
    board = await Board.create(
        name=name,
        org=org,
        parent=parent,
        kind=kind,
        description=description,
        hidden=hidden,
        position=position,
    )
    for verb, rule in (matrix or {}).items():
        if rule is not None:
            await BoardGrant.create(
                board_id=board.id,
                verb=verb,
                min_status=rule[0],
                scope=rule[1],
                deny_sanctioned=rule[2],
            )
    return board


async def create_board(
    actor: Viewer, org: Org | None, name_raw: Any, kind: Any, description_raw: Any = ""
) -> Board:
    """Org boards start closed to the org (DEFAULT_ORG_MATRIX); site boards start public."""
    ensure(can_create_board(actor, org))
    if kind not in ("discussion", "consultation"):
        raise ActionError("版块类型无效", field="kind")
    if not isinstance(name_raw, str) or not 2 <= len(name_raw.strip()) <= 64:
        raise ActionError("版块名称需要 2 到 64 个字", field="name")
    if not isinstance(description_raw, str) or len(description_raw) > 500:
        raise ActionError("版块说明不能超过 500 个字", field="description")
    name, description = name_raw.strip(), description_raw.strip()
    matrix = DEFAULT_ORG_MATRIX if org is not None else PUBLIC_MATRIX
    async with in_transaction():
        board = await do_create_board(
            name, org=org, kind=kind, description=description, matrix=matrix
        )
        await audit.record(
            actor,
            "board.created",
            "board",
            board.id,
            org_path=org.path if org else "",
            after={"name": name, "kind": kind},
        )
    return board


PUBLIC_MATRIX: dict[str, tuple[str, str, bool] | None] = {
    "see": ("public", "anyone", False),
    "read": ("public", "anyone", False),
    "start_topic": ("public", "logged_in", False),
    "reply": ("public", "logged_in", False),
    "attach": ("activist", "logged_in", False),
    "moderate": None,
}
DEFAULT_ORG_MATRIX: dict[str, tuple[str, str, bool] | None] = {
    "see": ("applicant", "org_subtree", False),
    "read": ("applicant", "org_only", False),
    "start_topic": ("probationary", "org_only", True),
    "reply": ("activist", "org_only", True),
    "attach": ("probationary", "org_only", True),
    "moderate": None,
}


async def add_moderator(
    actor: Viewer, board: Board, *, user: User | None = None, org: Org | None = None, role: str = ""
) -> BoardModerator:
    """Grant moderation of `board` to a person, or to whoever holds `role` in `org`."""
    ensure(can_admin_board(actor, board.access))
    if user is None and (org is None or role not in ROLE_LABELS):
        raise ActionError("请填写用户名，或选择组织和职务", field="username")
    async with in_transaction():
        grant = await BoardModerator.create(
            board_id=board.id,
            user_id=user.id if user else None,
            org_id=org.id if org and user is None else None,
            role=role if user is None else "",
        )
        await audit.record(
            actor,
            "board.moderator_added",
            "board",
            board.id,
            org_path=board.access.org_path or "",
            after={"user_id": grant.user_id, "org_id": grant.org_id, "role": grant.role},
        )
    return grant


async def remove_moderator(actor: Viewer, board: Board, grant_id: int) -> None:
    ensure(can_admin_board(actor, board.access))
    grant = await BoardModerator.get_or_none(id=grant_id, board_id=board.id)
    if grant is None:
        raise ActionError("该版主授权不存在")
    async with in_transaction():
        await grant.delete()
        await audit.record(
            actor,
            "board.moderator_removed",
            "board",
            board.id,
            org_path=board.access.org_path or "",
            before={"user_id": grant.user_id, "org_id": grant.org_id, "role": grant.role},
        )


# --- attachments --------------------------------------------------------------------

_ATTACHMENT_REF_RE = re.compile(r"/attachments/(\d{1,10})/")
MAX_LINKED_ATTACHMENTS = 50


class AttachmentTooLarge(ActionError):
    """A single file above ATTACHMENT_MAX_BYTES (413)."""

    status_code = 413


def attachment_limit_message() -> str:
    mb = get_settings().attachment_max_bytes / (1024 * 1024)
    return f"文件过大：每个附件不能超过 {mb:g} MB"


def attachment_url(attachment: Attachment) -> str:
    return f"/attachments/{attachment.id}/{quote(attachment.filename)}"


def attachment_markdown(attachment: Attachment) -> str:
    label = attachment.filename.replace("[", "(").replace("]", ")")
    prefix = "!" if attachment.kind == AttachmentKind.image else ""
    return f"{prefix}[{label}]({attachment_url(attachment)})"


async def _check_upload_rate(actor: Viewer) -> None:
    limit = get_settings().attachment_hourly_limit
    since = utcnow() - dt.timedelta(hours=1)
    count = await Attachment.filter(uploader_id=actor.user_id, created_at__gte=since).count()
    if count >= limit:
        raise RateLimited(
            f"上传过于频繁：每小时最多上传 {limit} 个附件，请稍后再试", retry_after=600
        )


@dataclass(frozen=True)
class VettedFile:
    """An upload that passed the size limit and the type sniffing, not yet stored."""

    name: str
    sniffed: files.Sniffed


def vet_upload(filename: str | None, data: bytes) -> VettedFile:
    """Size and type checks, without touching storage (a form vets all its files first)."""
    if len(data) > get_settings().attachment_max_bytes:
        raise AttachmentTooLarge(attachment_limit_message(), field="file")
    sniffed = files.sniff(data)
    return VettedFile(files.clean_filename(filename, sniffed), sniffed)


async def upload_attachment(
    actor: Viewer, board: Board, filename: str | None, data: bytes
) -> Attachment:
    """Check, sniff and store one file; the row and the file exist together or not at all."""
    ensure(can_attach_board(actor, board.access))
    return await store_upload(actor, board, vet_upload(filename, data))


async def store_upload(actor: Viewer, board: Board, vetted: VettedFile) -> Attachment:
    """Store a vetted file and its row (both or neither)."""
    ensure(can_attach_board(actor, board.access))
    await _check_upload_rate(actor)
    sniffed, name = vetted.sniffed, vetted.name
    sha, key, created = files.store(sniffed.data)
    try:
        async with in_transaction():
            attachment = await Attachment.create(
                board_id=board.id,
                uploader_id=actor.user_id,
                filename=name,
                content_type=sniffed.content_type,
                kind=AttachmentKind(sniffed.kind),
                size=len(sniffed.data),
                sha256=sha,
                storage_key=key,
            )
    except BaseException:
        if created and not await Attachment.exists(sha256=sha):
            files.discard(key)
        raise
    return attachment


async def _link_attachments(actor: Viewer, post: Post, board_id: int, body: str) -> None:
    """The author's own unlinked uploads on this board that the text references join the post."""
    ids = {int(m) for m in _ATTACHMENT_REF_RE.findall(body)}
    if not ids or actor.user_id is None:
        return
    await Attachment.filter(
        id__in=sorted(ids)[:MAX_LINKED_ATTACHMENTS],
        uploader_id=actor.user_id,
        board_id=board_id,
        post_id__isnull=True,
    ).update(post_id=post.id)


async def delete_attachment(actor: Viewer, attachment: Attachment, reason: str = "") -> None:
    """A moderator's soft delete: the file stops being served; the row and bytes stay."""
    ensure(can_moderate_board(actor, attachment.access))
    if attachment.deleted:
        return
    async with in_transaction():
        await Attachment.filter(id=attachment.id).update(deleted=True)
        await audit.record(
            actor,
            "attachment.deleted",
            "attachment",
            attachment.id,
            org_path=attachment.access.org_path or "",
            before={"deleted": False, "filename": attachment.filename},
            after={"deleted": True},
            reason=reason[:REASON_MAX],
        )
    attachment.deleted = True
