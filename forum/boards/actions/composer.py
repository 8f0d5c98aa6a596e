"""The composer's preview: the text rendered by the same function that renders a post
(`forum.markup.render`, sanitised), for anyone who may write, within the post's size limit
and a per-account rate. Nothing is stored (the rate counter is the only side effect)."""

from __future__ import annotations

from typing import Any

from forum import markup
from forum.boards.actions._common import BODY_MAX
from forum.errors import ActionError, RateLimited
from forum.policy import Viewer, can_compose, ensure
from forum.services import get_services

# The live preview is debounced in the browser (about one request per second of typing).
PREVIEWS_PER_MINUTE = 90


async def _check_preview_rate(actor: Viewer) -> None:
    counter = get_services().counter
    key = f"preview:{actor.user_id}"
    if await counter.hit(key, 60) > PREVIEWS_PER_MINUTE:
        _, retry = await counter.peek(key, 60)
        raise RateLimited(f"预览过于频繁，请 {retry} 秒后再试", retry_after=retry)


async def preview(actor: Viewer, body_raw: Any) -> str:
    """The sanitised HTML the text would be published as ("" for an empty text)."""
    ensure(can_compose(actor))
    if not isinstance(body_raw, str):
        raise ActionError("正文格式有误", field="body")
    body = body_raw.replace("\r\n", "\n").strip()
    if len(body) > BODY_MAX:
        raise ActionError(f"正文不能超过 {BODY_MAX} 个字（当前 {len(body)} 个字）", field="body")
    await _check_preview_rate(actor)
    return markup.render(body) if body else ""
