"""Topics: starting one (with files), reading one, jumping to the first unread post, and the
moderator's pin / close / hide."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from forum import events
from forum.answers import ask_confirmation, done
from forum.boards import actions, queries
from forum.boards.eventtypes import topic_channel
from forum.boards.pages._common import (
    board_of,
    bookmark_state,
    form_text,
    page,
    post_url,
    refused,
    topic_of,
)
from forum.boards.pages.attachments import upload_form_files, with_links
from forum.boards.pages.composer import draft_context, previewed
from forum.errors import ActionError, NotFound, RateLimited
from forum.http import int_param, read_form, viewer_of
from forum.policy import can_reply_topic, can_start_topic, ensure

_NEW = "boards/new_topic.html"


async def new_topic(request: Request) -> Response:
    viewer = viewer_of(request)
    board = await board_of(request)
    ensure(can_start_topic(viewer, board.access))
    form: dict[str, Any] = {"title": "", "body": ""}
    key = actions.topic_draft_key(board.id)
    if request.method == "POST":
        data = await read_form(request)
        context = {"board": board, "form": form, "draft": None, "draft_key": key}
        try:
            form = {"title": form_text(data, "title"), "body": form_text(data, "body")}
            context["form"] = form
            if data.get("preview"):
                return await previewed(request, _NEW, context, form, board, None)
            form["body"] = with_links(form["body"], await upload_form_files(viewer, board, data))
            topic = await actions.create_topic(viewer, board, form["title"], form["body"])
        except (ActionError, RateLimited) as exc:
            context["draft"] = await queries.get_draft(viewer, key)
            return await refused(request, _NEW, context, exc, form)
        if topic.held:  # the topic page says it waits for review (等待审核)
            return RedirectResponse(f"/t/{topic.id}?held=1", status_code=303)
        return done(request, f"/t/{topic.id}", f"主题「{topic.title}」已发布。")
    draft = await queries.get_draft(viewer, key)
    if draft is not None:  # restored: the server renders the draft in the form
        form.update(title=draft.title, body=draft.body)
    context = {"board": board, "form": form, "draft": draft, "draft_key": key}
    return await page(request, _NEW, context)


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
        "draft": None,
        "draft_key": actions.reply_draft_key(topic.id),
    }
    if can_reply_topic(viewer, topic):  # on every page alike: the reply box restores it
        context.update(await draft_context(viewer, actions.reply_draft_key(topic.id)))
    return await page(request, "boards/topic.html", context)


async def first_unread(request: Request) -> Response:
    viewer = viewer_of(request)
    topic = await topic_of(request)
    view = await queries.topic_view(viewer, topic, 1)
    number = min((view.last_read or 0) + 1, topic.last_number)
    return RedirectResponse(post_url(topic.id, number), status_code=303)


TOPIC_DONE = {
    ("pin", True): "主题已置顶。",
    ("pin", False): "已取消置顶。",
    ("close", True): "主题已关闭，不能再回复。",
    ("close", False): "主题已重新开放。",
    ("hide", True): "主题已隐藏，仅版主可见。",
    ("hide", False): "主题已取消隐藏。",
}


async def topic_action(request: Request) -> Response:
    viewer = viewer_of(request)
    topic = await topic_of(request)
    data = await read_form(request)
    value = data.get("value") != "0"
    action = request.path_params["action"]
    if action == "bookmark":
        on = await actions.toggle_bookmark(viewer, topic)
        message = (
            f"已收藏主题「{topic.title}」，可在“我的收藏”中查看。" if on else "已取消收藏主题。"
        )
        return done(request, f"/t/{topic.id}", message, in_place=bookmark_state(on, "收藏主题"))
    if action == "pin":
        await actions.pin_topic(viewer, topic, value)
    elif action == "close":
        await actions.close_topic(viewer, topic, value)
    elif action == "hide":
        if value:
            actions.check_hide_topic(viewer, topic)
            question = f"隐藏后主题「{topic.title}」只有版主能看到。确定隐藏？"
            ask = await ask_confirmation(request, question, confirm_label="隐藏主题")
            if ask is not None:
                return ask
        await actions.hide_topic(viewer, topic, value)
    else:
        raise NotFound()
    return done(request, f"/t/{topic.id}", TOPIC_DONE[(action, value)])
