"""Topics: starting one (with files), reading one, jumping to the first unread post, and the
moderator's pin / close / hide."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from forum import events
from forum.boards import actions, queries
from forum.boards.eventtypes import topic_channel
from forum.boards.pages._common import board_of, form_text, page, post_url, refused, topic_of
from forum.boards.pages.attachments import upload_form_files, with_links
from forum.errors import ActionError, NotFound, RateLimited
from forum.http import int_param, read_form, viewer_of
from forum.policy import can_start_topic, ensure


async def new_topic(request: Request) -> Response:
    viewer = viewer_of(request)
    board = await board_of(request)
    ensure(can_start_topic(viewer, board.access))
    form: dict[str, Any] = {"title": "", "body": ""}
    if request.method == "POST":
        data = await read_form(request)
        try:
            form = {"title": form_text(data, "title"), "body": form_text(data, "body")}
            form["body"] = with_links(form["body"], await upload_form_files(viewer, board, data))
            topic = await actions.create_topic(viewer, board, form["title"], form["body"])
        except ActionError as exc:
            context = {"board": board, "form": form, "error": exc.message}
            return await page(
                request, "boards/new_topic.html", context, status_code=exc.status_code
            )
        except RateLimited as exc:
            context = {"board": board, "form": form}
            return await refused(request, "boards/new_topic.html", context, exc)
        return RedirectResponse(f"/t/{topic.id}{'?held=1' if topic.held else ''}", status_code=303)
    return await page(request, "boards/new_topic.html", {"board": board, "form": form, "error": ""})


async def topic_page(request: Request) -> Response:
    viewer = viewer_of(request)
    topic = await topic_of(request)
    start = int_param(request.query_params.get("from", "1"))
    view = await queries.topic_view(viewer, topic, start)
    if view.posts:
        await actions.mark_read(viewer, topic, view.posts[-1].number, last_read=view.last_read)
    last_id = await events.head(topic_channel(topic.id))
    context = {
        "view": view,
        "topic": topic,
        "channel_last_id": last_id,
        "held_notice": request.query_params.get("held") == "1",
    }
    return await page(request, "boards/topic.html", context)


async def first_unread(request: Request) -> Response:
    viewer = viewer_of(request)
    topic = await topic_of(request)
    view = await queries.topic_view(viewer, topic, 1)
    number = min((view.last_read or 0) + 1, topic.last_number)
    return RedirectResponse(post_url(topic.id, number), status_code=303)


async def topic_action(request: Request) -> Response:
    viewer = viewer_of(request)
    topic = await topic_of(request)
    data = await read_form(request)
    value = data.get("value") != "0"
    action = request.path_params["action"]
    if action == "pin":
        await actions.pin_topic(viewer, topic, value)
    elif action == "close":
        await actions.close_topic(viewer, topic, value)
    elif action == "hide":
        await actions.hide_topic(viewer, topic, value)
    else:
        raise NotFound()
    return RedirectResponse(f"/t/{topic.id}", status_code=303)
