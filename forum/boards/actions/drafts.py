"""Drafts: the composer's text saved on the server as its author types (one per composer:
`topic:{board_id}` for a new topic, `reply:{topic_id}` for a reply), restored when the author
comes back, removed by the post that sends it (inside that post's transaction) or by 丢弃草稿.

Drafts are private: every read and write is keyed by the author's own user id, so nobody
else can name, read or remove them."""

from __future__ import annotations

from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from forum.boards.actions._common import BODY_MAX, TITLE_MAX
from forum.boards.models import Board, Draft, Topic
from forum.clock import utcnow
from forum.errors import ActionError, RateLimited
from forum.policy import Viewer, can_reply_topic, can_start_topic, ensure
from forum.services import get_services

# A person keeps at most this many drafts; saving one more forgets the oldest.
MAX_DRAFTS = 50
# Autosave is debounced in the browser (static/js/composer.js); this bounds a runaway client.
SAVES_PER_MINUTE = 60


def topic_draft_key(board_id: int) -> str:
    return f"topic:{board_id}"


def reply_draft_key(topic_id: int) -> str:
    return f"reply:{topic_id}"


def _text(raw: Any, name: str, label: str, limit: int) -> str:
    if raw is None:
        return ""
    if not isinstance(raw, str):
        raise ActionError(f"{label}格式有误", field=name)
    text = raw.replace("\r\n", "\n")
    if len(text) > limit:
        raise ActionError(f"{label}不能超过 {limit} 个字（当前 {len(text)} 个字）", field=name)
    if "\x00" in text:
        raise ActionError(f"{label}包含无效字符", field=name)
    return text


async def _check_save_rate(actor: Viewer) -> None:
    counter = get_services().counter
    key = f"draft:{actor.user_id}"
    if await counter.hit(key, 60) > SAVES_PER_MINUTE:
        _, retry = await counter.peek(key, 60)
        raise RateLimited(f"草稿保存过于频繁，请 {retry} 秒后再试", retry_after=retry)


async def save_draft(
    actor: Viewer, board: Board, topic: Topic | None, title_raw: Any, body_raw: Any
) -> Draft | None:
    """Save the composer's text for `topic` (a reply) or `board` (a new topic); an empty
    composer removes the draft instead (returns None)."""
    if topic is not None:
        ensure(can_reply_topic(actor, topic))
        key = reply_draft_key(topic.id)
    else:
        ensure(can_start_topic(actor, board.access))
        key = topic_draft_key(board.id)
    title = _text(title_raw, "title", "标题", TITLE_MAX) if topic is None else ""
    body = _text(body_raw, "body", "正文", BODY_MAX)
    if not body.strip() and not title.strip():
        await discard_draft(actor, key)
        return None
    await _check_save_rate(actor)
    values = {"title": title, "body": body, "updated_at": utcnow()}
    try:
        return await _upsert(actor, key, board.id, topic, values)
    except IntegrityError:  # a second tab created it meanwhile: update that one
        return await _upsert(actor, key, board.id, topic, values)


async def _upsert(
    actor: Viewer, key: str, board_id: int, topic: Topic | None, values: dict[str, Any]
) -> Draft:
    user_id = actor.user_id
    async with in_transaction():
        if await Draft.filter(user_id=user_id, key=key).update(**values):
            return await Draft.get(user_id=user_id, key=key)
        old = await Draft.filter(user_id=user_id).order_by("-updated_at").offset(MAX_DRAFTS - 1)
        if old:
            await Draft.filter(id__in=[d.id for d in old]).delete()
        return await Draft.create(
            user_id=user_id,
            key=key,
            board_id=board_id,
            topic_id=topic.id if topic is not None else None,
            **values,
        )


async def do_discard_draft(user_id: int | None, key: str) -> int:
    """Unchecked, inside the caller's transaction when there is one (a post that sends the
    draft): remove the author's draft for `key`. Returns how many rows went (0 or 1)."""
    if user_id is None:
        return 0
    return await Draft.filter(user_id=user_id, key=key).delete()


async def discard_draft(actor: Viewer, key: str) -> bool:
    """丢弃草稿: only the actor's own draft can be named, so there is nothing to refuse."""
    return await do_discard_draft(actor.user_id, key[:40]) > 0
