"""The composer without JavaScript: the 预览 button re-renders the form with the preview
(the same `forum.markup.render` a post goes through) and the text kept, saving the draft as
it goes; 丢弃草稿 removes the draft after asking. With JavaScript, static/js/composer.js does
both through the JSON API (`forum/boards/api/composer.py`)."""

from __future__ import annotations

from typing import Any

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response

from forum.answers import BACK_FIELD, ask_confirmation, back_path, done
from forum.boards import actions, queries
from forum.boards.models import Board, Topic
from forum.boards.pages._common import form_text, page, refused
from forum.errors import ActionError, RateLimited
from forum.http import is_local_path, read_form, viewer_of
from forum.policy import Viewer, can_use_account, ensure

DISCARD_PATH = "/forum/drafts/discard"


async def draft_context(viewer: Viewer, key: str) -> dict[str, Any]:
    """What a composer template needs to restore and name its draft."""
    return {"draft": await queries.get_draft(viewer, key), "draft_key": key}


async def previewed(
    request: Request,
    name: str,
    context: dict[str, Any],
    values: dict[str, str],
    board: Board,
    topic: Topic | None,
) -> Response:
    """The form again, with the preview of its text (and the draft saved)."""
    viewer = viewer_of(request)
    try:
        html = await actions.preview(viewer, values["body"])
        draft = await actions.save_draft(viewer, board, topic, values.get("title"), values["body"])
    except (ActionError, RateLimited) as exc:
        return await refused(request, name, context, exc, values)
    context.update(preview_html=html, previewing=True, draft=draft)
    return await page(request, name, context)


def draft_url(key: str) -> str | None:
    """The composer a draft key belongs to."""
    kind, _, raw_id = key.partition(":")
    if not raw_id.isdigit():
        return None
    return {"topic": f"/forum/b/{raw_id}/new", "reply": f"/t/{raw_id}/reply"}.get(kind)


def _back(request: Request, data: FormData, key: str) -> str:
    confirmed_from = data.get(BACK_FIELD)
    if isinstance(confirmed_from, str) and is_local_path(confirmed_from):
        return confirmed_from
    referer = back_path(request)
    if referer is not None and not referer.startswith(DISCARD_PATH):
        return referer
    return draft_url(key) or "/me"


async def discard_draft(request: Request) -> Response:
    viewer = viewer_of(request)
    ensure(can_use_account(viewer))
    data = await read_form(request)
    key = form_text(data, "key")[:40]
    back = _back(request, data, key)
    question = "丢弃后草稿内容不能恢复。确定丢弃？"
    if (ask := await ask_confirmation(request, question, confirm_label="丢弃草稿")) is not None:
        return ask
    discarded = await actions.discard_draft(viewer, key)
    return done(request, back, "草稿已丢弃。" if discarded else "没有需要丢弃的草稿。")
