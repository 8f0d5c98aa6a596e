"""Posts: a post's link, replying (quoting, with files), editing, the revision history, and
delete / like / hide / accept."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from forum.boards import actions, queries
from forum.boards.models import Post
from forum.boards.pages._common import form_text, page, post_of, post_url, refused, topic_of
from forum.boards.pages.attachments import upload_form_files, with_links
from forum.errors import ActionError, NotFound, RateLimited
from forum.http import int_param, read_form, viewer_of
from forum.policy import can_edit_post, can_reply_topic, can_see_revisions, ensure, ensure_visible


async def post_link(request: Request) -> Response:
    topic = await topic_of(request)
    number = int_param(request.path_params["number"])
    return RedirectResponse(post_url(topic.id, number), status_code=303)


async def reply(request: Request) -> Response:
    viewer = viewer_of(request)
    topic = await topic_of(request)
    ensure(can_reply_topic(viewer, topic))
    quoted: Post | None = None
    body = ""
    if request.method == "POST":
        data = await read_form(request)
        body = form_text(data, "body")
        if data.get("reply_to"):
            quoted = await queries.get_post(topic, int_param(data.get("reply_to")))
        try:
            body = with_links(body, await upload_form_files(viewer, topic.board, data))
            post = await actions.create_post(viewer, topic, body, reply_to=quoted)
        except ActionError as exc:
            context = {"topic": topic, "body": body, "quoted": quoted, "error": exc.message}
            return await page(request, "boards/reply.html", context, status_code=exc.status_code)
        except RateLimited as exc:
            context = {"topic": topic, "body": body, "quoted": quoted}
            return await refused(request, "boards/reply.html", context, exc)
        return RedirectResponse(post_url(topic.id, post.number, held=post.held), status_code=303)
    if request.query_params.get("quote"):
        quoted = await queries.get_post(topic, int_param(request.query_params.get("quote")))
        ensure_visible(not quoted.deleted and not quoted.hidden)
        body = actions.quote_text(quoted, quoted.author.display_name)
    return await page(
        request, "boards/reply.html", {"topic": topic, "body": body, "quoted": quoted, "error": ""}
    )


async def edit(request: Request) -> Response:
    viewer = viewer_of(request)
    topic = await topic_of(request)
    post = await post_of(request, topic)
    body, reason, error, status = post.body_raw, "", "", 200
    if request.method == "POST":
        data = await read_form(request)
        body, reason = form_text(data, "body"), form_text(data, "reason")
        try:
            ensure(can_edit_post(viewer, topic, post))
            body = with_links(body, await upload_form_files(viewer, topic.board, data))
            await actions.edit_post(viewer, topic, post, body, reason)
        except ActionError as exc:
            error, status = exc.message, exc.status_code
        else:
            return RedirectResponse(post_url(topic.id, post.number), status_code=303)
    else:
        ensure(can_edit_post(viewer, topic, post))
    context = {"topic": topic, "post": post, "body": body, "reason": reason, "error": error}
    return await page(request, "boards/edit_post.html", context, status_code=status)


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
    if action == "delete":
        await actions.delete_post(viewer, topic, post)
    elif action == "like":
        await actions.toggle_like(viewer, topic, post)
    elif action == "hide":
        reason = str(data.get("reason", ""))[: actions.REASON_MAX]
        await actions.set_post_hidden(viewer, topic, post, data.get("hidden") != "0", reason)
    elif action == "accept":
        await actions.accept_post(viewer, topic, post)
    else:
        raise NotFound()
    return RedirectResponse(post_url(topic.id, post.number), status_code=303)
