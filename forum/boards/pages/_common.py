"""What every forum page shares: the page frame, the board, topic and post of the path, post
links, and the compose forms' text fields and cooldown refusals."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response

from forum.answers import back_path, keep_in_place, refused_form
from forum.boards import queries
from forum.boards.models import Board, Post, Topic
from forum.errors import ActionError, RateLimited
from forum.http import int_param, viewer_of
from forum.settings import get_settings
from forum.templating import render


async def page(
    request: Request, name: str, context: dict[str, Any], status_code: int = 200
) -> Response:
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
    """The post in context: the topic page that holds it (pages start at 1, 21, 41, ...), so
    the posts before it on that page are shown too, anchored at the post (#pN).
    `held=1`: the page tells the author their post waits for review (its 等待审核 notice)."""
    number = max(1, number)
    start = (number - 1) // queries.POSTS_PER_PAGE * queries.POSTS_PER_PAGE + 1
    params = ([f"from={start}"] if start > 1 else []) + (["held=1"] if held else [])
    return f"/t/{topic_id}{'?' + '&'.join(params) if params else ''}#p{number}"


def bookmark_state(on: bool, label: str) -> dict[str, object]:
    """The in-place answer of a bookmark toggle: the button's new state and words."""
    return {"on": on, "label": f"取消{label}" if on else label}


def wait_refusal(exc: RateLimited) -> ActionError:
    """A cooldown or slow mode, said at the text field of the compose form."""
    return ActionError(f"请在 {exc.retry_after} 秒后再发帖（{exc.message}）", field="body")


async def refused(
    request: Request,
    name: str,
    context: dict[str, Any],
    exc: ActionError | RateLimited,
    values: dict[str, str],
) -> Response:
    """A refused compose form (new topic, reply, edit): never the full-page error. Posted
    from another page (the topic page's reply form) it goes back there with the text kept;
    posted from its own page it renders that form again with the text and the message at its
    field (a cooldown or slow mode: 429 + Retry-After, the wait at the text field)."""
    error = wait_refusal(exc) if isinstance(exc, RateLimited) else exc
    back = back_path(request)
    if back is not None and urlsplit(back).path != request.url.path:
        response = await refused_form(request, error)
        if response is not None:
            return response
    keep_in_place(request, error, values)
    response = await page(request, name, context, status_code=exc.status_code)
    if isinstance(exc, RateLimited):
        response.headers["Retry-After"] = str(exc.retry_after)
    return response


def form_text(data: FormData, name: str) -> str:
    value = data.get(name, "")
    if not isinstance(value, str):  # a file sent in a text field
        raise ActionError("表单格式有误，请刷新页面后重试", field=name)
    return value
