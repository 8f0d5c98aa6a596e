"""Posts: a post's link, replying (quoting, with files), editing, the revision history, and
delete / like / hide / accept."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from forum.answers import ask_confirmation, done
from forum.boards import actions, queries
from forum.boards.models import Post, Topic
from forum.boards.pages._common import (
    bookmark_state,
    form_text,
    page,
    post_of,
    post_url,
    refused,
    topic_of,
)
from forum.boards.pages.attachments import upload_form_files, with_links
from forum.boards.pages.composer import draft_context, previewed
from forum.errors import ActionError, NotFound, RateLimited
from forum.http import int_param, read_form, viewer_of
from forum.policy import can_edit_post, can_reply_topic, can_see_revisions, ensure, ensure_visible


async def post_link(request: Request) -> Response:
    topic = await topic_of(request)
    number = int_param(request.path_params["number"])
    return RedirectResponse(post_url(topic.id, number), status_code=303)


_REPLY = "boards/reply.html"


def key_of(topic: Topic) -> str:
    return actions.reply_draft_key(topic.id)


async def reply(request: Request) -> Response:
    viewer = viewer_of(request)
    topic = await topic_of(request)
    ensure(can_reply_topic(viewer, topic))
    quoted: Post | None = None
    context = {
        "topic": topic,
        "body": "",
        "quoted": None,
        **await draft_context(viewer, key_of(topic)),
    }
    if request.method == "POST":
        data = await read_form(request)
        body = context["body"] = form_text(data, "body")
        if data.get("reply_to"):
            quoted = context["quoted"] = await queries.get_post(
                topic, int_param(data.get("reply_to"))
            )
        if data.get("preview"):
            return await previewed(request, _REPLY, context, {"body": body}, topic.board, topic)
        try:
            body = with_links(body, await upload_form_files(viewer, topic.board, data))
            post = await actions.create_post(viewer, topic, body, reply_to=quoted)
        except (ActionError, RateLimited) as exc:
            return await refused(request, _REPLY, context, exc, {"body": body})
        if post.held:  # the topic page says it waits for review (等待审核)
            return RedirectResponse(post_url(topic.id, post.number, held=True), status_code=303)
        # In context: the page of the topic that holds the new post, anchored at it.
        return done(request, post_url(topic.id, post.number), f"回复已发表（#{post.number}）。")
    if request.query_params.get("quote"):
        quoted = await queries.get_post(topic, int_param(request.query_params.get("quote")))
        ensure_visible(not quoted.deleted and not quoted.hidden)
        draft = context["draft"]
        context.update(body=actions.quote_text(quoted, quoted.author.display_name), quoted=quoted)
        if draft is not None:  # the quote goes after the text already drafted
            context["body"] = draft.body.rstrip() + "\n\n" + context["body"]
    elif context["draft"] is not None:  # restored: the server renders the draft in the form
        context["body"] = context["draft"].body
    return await page(request, _REPLY, context)


# Editing a post keeps no draft: the post itself holds the text until it is saved.
_NO_DRAFT = {"draft": None, "draft_key": ""}


async def edit(request: Request) -> Response:
    viewer = viewer_of(request)
    topic = await topic_of(request)
    post = await post_of(request, topic)
    ensure(can_edit_post(viewer, topic, post))
    body, reason = post.body_raw, ""
    if request.method == "POST":
        data = await read_form(request)
        body, reason = form_text(data, "body"), form_text(data, "reason")
    context: dict[str, Any] = {"topic": topic, "post": post, "body": body, "reason": reason}
    context.update(_NO_DRAFT)
    if request.method != "POST":
        return await page(request, "boards/edit_post.html", context)
    values = {"body": body, "reason": reason}
    try:
        if data.get("preview"):  # 预览 without JavaScript: the form again, with the preview
            context.update(preview_html=await actions.preview(viewer, body), previewing=True)
            return await page(request, "boards/edit_post.html", context)
        body = with_links(body, await upload_form_files(viewer, topic.board, data))
        await actions.edit_post(viewer, topic, post, body, reason)
    except (ActionError, RateLimited) as exc:
        context["body"] = values["body"] = body
        return await refused(request, "boards/edit_post.html", context, exc, values)
    return done(request, post_url(topic.id, post.number), f"#{post.number} 已保存修改。")


async def history(request: Request) -> Response:
    viewer = viewer_of(request)
    topic = await topic_of(request)
    post = await post_of(request, topic)
    ensure_visible(can_see_revisions(viewer, topic, post))
    revisions = await queries.revisions(post)
    return await page(
        request, "boards/history.html", {"topic": topic, "post": post, "revisions": revisions}
    )


async def post_action(request: Request) -> Response:
    viewer = viewer_of(request)
    topic = await topic_of(request)
    post = await post_of(request, topic)
    data = await read_form(request)
    action = request.path_params["action"]
    target = post_url(topic.id, post.number)
    if action == "delete":
        actions.check_delete_post(viewer, topic, post)
        question = f"删除后 #{post.number} 的内容不再显示，且不能恢复。确定删除？"
        if (ask := await ask_confirmation(request, question, confirm_label="删除")) is not None:
            return ask
        await actions.delete_post(viewer, topic, post)
        return done(request, target, f"#{post.number} 已删除。")
    if action == "like":
        liked = await actions.toggle_like(viewer, topic, post)
        return done(request, target, f"已赞 #{post.number}。" if liked else "已取消赞。")
    if action == "hide":
        hidden = data.get("hidden") != "0"
        reason = str(data.get("reason", ""))[: actions.REASON_MAX]
        if hidden:
            actions.check_hide_post(viewer, topic, post)
            question = f"隐藏后 #{post.number} 只有版主能看到。确定隐藏？"
            if (ask := await ask_confirmation(request, question, confirm_label="隐藏")) is not None:
                return ask
        await actions.set_post_hidden(viewer, topic, post, hidden, reason)
        message = f"#{post.number} " + ("已隐藏，仅版主可见。" if hidden else "已恢复显示。")
        return done(request, target, message)
    if action == "bookmark":
        on = await actions.toggle_bookmark(viewer, topic, post)
        message = f"已收藏 #{post.number}，可在“我的收藏”中查看。" if on else "已取消收藏。"
        return done(request, target, message, in_place=bookmark_state(on, "收藏"))
    if action == "accept":
        await actions.accept_post(viewer, topic, post)
        return done(request, target, f"已采纳 #{post.number} 为答案。")
    raise NotFound()
