"""What every forum page shares: the page frame, the board, topic and post of the path, post
links, and the compose forms' text fields and cooldown refusals."""

from __future__ import annotations

from typing import Any

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response

from forum.boards import queries
from forum.boards.models import Board, Post, Topic
from forum.errors import ActionError, RateLimited
from forum.http import int_param, viewer_of
from forum.settings import get_settings
from forum.templating import render


async def page(
    request: Request, name: str, context: dict[str, Any], status_code: int = 200
) -> Response:
    context["notification_count"] = await queries.unread_notification_count(viewer_of(request))
    settings = get_settings()
    context["attach_limits"] = {
        "max_bytes": settings.attachment_max_bytes,
        "max_mb": f"{settings.attachment_max_bytes / 1048576:g}",
        "max_files": settings.attachment_max_files,
    }
    request.scope["nav"] = "forum"
    return render(request, name, context, status_code=status_code)


async def board_of(request: Request) -> Board:
    return await queries.get_board_for(
        viewer_of(request), int_param(request.path_params["board_id"])
    )


async def topic_of(request: Request) -> Topic:
    return await queries.get_topic_for(
        viewer_of(request), int_param(request.path_params["topic_id"])
    )


async def post_of(request: Request, topic: Topic) -> Post:
    return await queries.get_post(topic, int_param(request.path_params["number"]))


def post_url(topic_id: int, number: int, *, held: bool = False) -> str:
    # `held=1`: the page tells the author their post waits for review.
    return f"/t/{topic_id}?from={max(1, number)}{'&held=1' if held else ''}#p{number}"


def _wait_message(exc: RateLimited) -> str:
    return f"请在 {exc.retry_after} 秒后再发帖"


async def refused(
    request: Request, name: str, context: dict[str, Any], exc: RateLimited
) -> Response:
    """A cooldown or slow-mode refusal of a compose form: the same form with the typed text,
    the wait shown at the text field (429 + Retry-After, never the full-page error)."""
    context.update(error="", wait_error=_wait_message(exc), wait_detail=exc.message)
    response = await page(request, name, context, status_code=429)
    response.headers["Retry-After"] = str(exc.retry_after)
    return response


def form_text(data: FormData, name: str) -> str:
    value = data.get(name, "")
    if not isinstance(value, str):  # a file sent in a text field
        raise ActionError("表单格式有误，请刷新页面后重试", field=name)
    return value
