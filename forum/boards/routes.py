"""HTML pages of the forum (论坛): board list, board, topic, posting, notifications, search."""

from __future__ import annotations

from typing import Any

from starlette.datastructures import FormData, UploadFile
from starlette.requests import Request
from starlette.responses import FileResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from forum import events
from forum.boards import (
    actions,
    queries,
    realtime_channels,  # noqa: F401  (registers the `topic` channel kind)
)
from forum.boards import attachments as files
from forum.boards.api import routes as api_routes
from forum.boards.eventtypes import topic_channel
from forum.boards.extensions import load_board_moderator_ids
from forum.boards.feeds import board_feed
from forum.boards.models import Attachment, AttachmentKind, Board, Post, Topic
from forum.boards.site_pins import pinned_topics as site_pins_for
from forum.boards.steering_routes import routes as steering_routes
from forum.core_queries import find_user
from forum.errors import ActionError, NotFound, RateLimited
from forum.home import HomeSection
from forum.http import int_param, read_form, text_field, viewer_of
from forum.models import ROLE_LABELS, STATUS_LABELS, Org
from forum.policy import (
    BOARD_SCOPES,
    BOARD_VERBS,
    Viewer,
    can_admin_board,
    can_attach_board,
    can_create_boards,
    can_edit_post,
    can_read_board,
    can_reply_topic,
    can_see_revisions,
    can_start_topic,
    ensure,
    ensure_visible,
)
from forum.security.bodylimit import BodyLimit
from forum.settings import get_settings
from forum.templating import render
from forum.viewer import ViewerFacts

MODERATOR_FACTS = ViewerFacts("boards.moderators", load_board_moderator_ids)

VERB_LABELS = {
    "see": "看到版块",
    "read": "阅读主题",
    "start_topic": "发起主题",
    "reply": "回复",
    "attach": "上传附件",
    "moderate": "管理版块",
}
SCOPE_LABELS = {
    "anyone": "所有人（含游客）",
    "logged_in": "已登录用户",
    "org_subtree": "本组织及下级组织成员",
    "org_only": "仅本组织成员",
}


async def _page(
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


async def _board(request: Request) -> Board:
    return await queries.get_board_for(
        viewer_of(request), int_param(request.path_params["board_id"])
    )


async def _topic(request: Request) -> Topic:
    return await queries.get_topic_for(
        viewer_of(request), int_param(request.path_params["topic_id"])
    )


async def _post(request: Request, topic: Topic) -> Post:
    return await queries.get_post(topic, int_param(request.path_params["number"]))


def _post_url(topic_id: int, number: int, *, held: bool = False) -> str:
    # `held=1`: the page tells the author their post waits for review.
    return f"/t/{topic_id}?from={max(1, number)}{'&held=1' if held else ''}#p{number}"


def _wait_message(exc: RateLimited) -> str:
    return f"请在 {exc.retry_after} 秒后再发帖"


async def _refused(
    request: Request, name: str, context: dict[str, Any], exc: RateLimited
) -> Response:
    """A cooldown or slow-mode refusal of a compose form: the same form with the typed text,
    the wait shown at the text field (429 + Retry-After, never the full-page error)."""
    context.update(error="", wait_error=_wait_message(exc), wait_detail=exc.message)
    response = await _page(request, name, context, status_code=429)
    response.headers["Retry-After"] = str(exc.retry_after)
    return response


# --- attachments --------------------------------------------------------------------

# Forms that may carry files, and the upload API: a larger body limit than the app's default.
_COMPOSE_PATHS = r"/forum/b/\d+/new|/t/\d+/reply|/t/\d+/\d+/edit"
COMPOSE_LIMIT = BodyLimit(
    "boards.compose",
    _COMPOSE_PATHS,
    lambda: (
        get_settings().attachment_max_bytes * get_settings().attachment_max_files
        + get_settings().max_body_bytes
    ),
    lambda: (
        f"提交的内容过大：每个附件不超过 {get_settings().attachment_max_bytes / 1048576:g} MB，"
        f"每次最多 {get_settings().attachment_max_files} 个"
    ),
)
UPLOAD_LIMIT = BodyLimit(
    "boards.upload",
    r"/api/v1/boards/\d+/attachments",
    lambda: get_settings().attachment_max_bytes + 64 * 1024,
    actions.attachment_limit_message,
)


async def _upload_form_files(viewer: Viewer, board: Board, data: FormData) -> list[Attachment]:
    """Files picked in a compose form without JS: vet all of them, then store each."""
    uploads = [f for f in data.getlist("files") if isinstance(f, UploadFile) and f.filename]
    if not uploads:
        return []
    ensure(can_attach_board(viewer, board.access))
    settings = get_settings()
    if len(uploads) > settings.attachment_max_files:
        raise ActionError(f"每次最多上传 {settings.attachment_max_files} 个附件", field="files")
    vetted = []
    for upload in uploads:
        blob = await upload.read(settings.attachment_max_bytes + 1)
        try:
            vetted.append(actions.vet_upload(upload.filename, blob))
        except actions.AttachmentTooLarge as exc:
            raise actions.AttachmentTooLarge(exc.message, field="files") from exc
        except ActionError as exc:
            raise ActionError(f"{upload.filename}：{exc.message}", field="files") from exc
    return [await actions.store_upload(viewer, board, v) for v in vetted]


def _form_text(data: FormData, name: str) -> str:
    value = data.get(name, "")
    if not isinstance(value, str):  # a file sent in a text field
        raise ActionError("表单格式有误，请刷新页面后重试", field=name)
    return value


def _with_links(body: str, attachments: list[Attachment]) -> str:
    if not attachments:
        return body
    links = "\n".join(actions.attachment_markdown(a) for a in attachments)
    return f"{body.rstrip()}\n\n{links}" if body.strip() else links


async def serve_attachment(request: Request) -> Response:
    """The file itself: policy first, then safe headers (sandboxed, never sniffed)."""
    viewer = viewer_of(request)
    attachment, _topic, _post = await queries.get_attachment_for(
        viewer, int_param(request.path_params["attachment_id"])
    )
    path = files.path_of(attachment.storage_key)
    if not path.is_file():
        raise NotFound()
    etag = f'"{attachment.sha256}"'
    # The browser keeps the file but asks again each time (`no-cache`), so access is checked
    # on every view: a file of a post hidden since, or of a board the reader left, is not
    # shown from the cache. The content-hash ETag keeps the repeat view a cheap 304.
    headers = {
        "Cache-Control": "private, no-cache",
        "ETag": etag,
        "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": "sandbox",
        "Cross-Origin-Resource-Policy": "same-origin",
    }
    if _etag_matches(request.headers.get("if-none-match", ""), etag):
        return Response(status_code=304, headers=headers)
    image = attachment.kind == AttachmentKind.image
    return FileResponse(
        path,
        media_type=attachment.content_type,
        filename=attachment.filename,
        content_disposition_type="inline" if image else "attachment",
        headers=headers,
    )


def _etag_matches(header: str, etag: str) -> bool:
    """If-None-Match (RFC 9110 13.1.2): `*` or any listed tag, weak comparison."""
    tags = {tag.strip().removeprefix("W/") for tag in header.split(",")}
    return "*" in tags or etag in tags


async def delete_attachment(request: Request) -> Response:
    viewer = viewer_of(request)
    attachment, topic, post = await queries.get_attachment_for(
        viewer, int_param(request.path_params["attachment_id"])
    )
    data = await read_form(request)
    await actions.delete_attachment(viewer, attachment, str(data.get("reason", "")))
    if topic is not None and post is not None:
        return RedirectResponse(_post_url(topic.id, post.number), status_code=303)
    return RedirectResponse(f"/forum/b/{attachment.board_id}", status_code=303)


async def board_list(request: Request) -> Response:
    lists = await queries.board_list(viewer_of(request))
    return await _page(request, "boards/board_list.html", {"lists": lists})


async def board_page(request: Request) -> Response:
    viewer = viewer_of(request)
    board = await _board(request)
    ensure_visible(can_read_board(viewer, board.access))
    cursor = queries.parse_topic_cursor(request.query_params.get("cursor"))
    page = await queries.board_topics(viewer, board, cursor)
    # Topics pinned site-wide (moderation) the viewer may read, above the board's own.
    site_pins = await site_pins_for(viewer) if cursor is None else []
    context = {"board": board, "page": page, "site_pins": site_pins}
    return await _page(request, "boards/board.html", context)


async def new_topic(request: Request) -> Response:
    viewer = viewer_of(request)
    board = await _board(request)
    ensure(can_start_topic(viewer, board.access))
    form: dict[str, Any] = {"title": "", "body": ""}
    if request.method == "POST":
        data = await read_form(request)
        try:
            form = {"title": _form_text(data, "title"), "body": _form_text(data, "body")}
            form["body"] = _with_links(form["body"], await _upload_form_files(viewer, board, data))
            topic = await actions.create_topic(viewer, board, form["title"], form["body"])
        except ActionError as exc:
            context = {"board": board, "form": form, "error": exc.message}
            return await _page(
                request, "boards/new_topic.html", context, status_code=exc.status_code
            )
        except RateLimited as exc:
            context = {"board": board, "form": form}
            return await _refused(request, "boards/new_topic.html", context, exc)
        return RedirectResponse(f"/t/{topic.id}{'?held=1' if topic.held else ''}", status_code=303)
    return await _page(
        request, "boards/new_topic.html", {"board": board, "form": form, "error": ""}
    )


async def topic_page(request: Request) -> Response:
    viewer = viewer_of(request)
    topic = await _topic(request)
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
    return await _page(request, "boards/topic.html", context)


async def post_link(request: Request) -> Response:
    topic = await _topic(request)
    number = int_param(request.path_params["number"])
    return RedirectResponse(_post_url(topic.id, number), status_code=303)


async def first_unread(request: Request) -> Response:
    viewer = viewer_of(request)
    topic = await _topic(request)
    view = await queries.topic_view(viewer, topic, 1)
    number = min((view.last_read or 0) + 1, topic.last_number)
    return RedirectResponse(_post_url(topic.id, number), status_code=303)


async def reply(request: Request) -> Response:
    viewer = viewer_of(request)
    topic = await _topic(request)
    ensure(can_reply_topic(viewer, topic))
    quoted: Post | None = None
    body = ""
    if request.method == "POST":
        data = await read_form(request)
        body = _form_text(data, "body")
        if data.get("reply_to"):
            quoted = await queries.get_post(topic, int_param(data.get("reply_to")))
        try:
            body = _with_links(body, await _upload_form_files(viewer, topic.board, data))
            post = await actions.create_post(viewer, topic, body, reply_to=quoted)
        except ActionError as exc:
            context = {"topic": topic, "body": body, "quoted": quoted, "error": exc.message}
            return await _page(request, "boards/reply.html", context, status_code=exc.status_code)
        except RateLimited as exc:
            context = {"topic": topic, "body": body, "quoted": quoted}
            return await _refused(request, "boards/reply.html", context, exc)
        return RedirectResponse(_post_url(topic.id, post.number, held=post.held), status_code=303)
    if request.query_params.get("quote"):
        quoted = await queries.get_post(topic, int_param(request.query_params.get("quote")))
        ensure_visible(not quoted.deleted and not quoted.hidden)
        body = actions.quote_text(quoted, quoted.author.display_name)
    return await _page(
        request, "boards/reply.html", {"topic": topic, "body": body, "quoted": quoted, "error": ""}
    )


async def edit(request: Request) -> Response:
    viewer = viewer_of(request)
    topic = await _topic(request)
    post = await _post(request, topic)
    body, reason, error, status = post.body_raw, "", "", 200
    if request.method == "POST":
        data = await read_form(request)
        body, reason = _form_text(data, "body"), _form_text(data, "reason")
        try:
            ensure(can_edit_post(viewer, topic, post))
            body = _with_links(body, await _upload_form_files(viewer, topic.board, data))
            await actions.edit_post(viewer, topic, post, body, reason)
        except ActionError as exc:
            error, status = exc.message, exc.status_code
        else:
            return RedirectResponse(_post_url(topic.id, post.number), status_code=303)
    else:
        ensure(can_edit_post(viewer, topic, post))
    context = {"topic": topic, "post": post, "body": body, "reason": reason, "error": error}
    return await _page(request, "boards/edit_post.html", context, status_code=status)


async def history(request: Request) -> Response:
    viewer = viewer_of(request)
    topic = await _topic(request)
    post = await _post(request, topic)
    ensure_visible(can_see_revisions(viewer, topic, post))
    revisions = await queries.revisions(post)
    return await _page(
        request, "boards/history.html", {"topic": topic, "post": post, "revisions": revisions}
    )


async def post_action(request: Request) -> Response:
    viewer = viewer_of(request)
    topic = await _topic(request)
    post = await _post(request, topic)
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
    return RedirectResponse(_post_url(topic.id, post.number), status_code=303)


async def topic_action(request: Request) -> Response:
    viewer = viewer_of(request)
    topic = await _topic(request)
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


async def notifications(request: Request) -> Response:
    viewer = viewer_of(request)
    ensure_visible(viewer.is_authenticated)
    before = request.query_params.get("before")
    rows, next_before = await queries.notifications(viewer, int_param(before) if before else None)
    return await _page(
        request, "boards/notifications.html", {"rows": rows, "next_before": next_before}
    )


async def notifications_read(request: Request) -> Response:
    await read_form(request)
    await actions.mark_all_notifications_read(viewer_of(request))
    return RedirectResponse("/forum/notifications", status_code=303)


async def search(request: Request) -> Response:
    viewer = viewer_of(request)
    text = " ".join(request.query_params.get("q", "").split())[:100]
    before = request.query_params.get("before")
    posts, next_before = await queries.search_posts(
        viewer, text, int_param(before) if before else None
    )
    context = {"q": text, "posts": posts, "next_before": next_before}
    return await _page(request, "boards/search.html", context)


async def grants(request: Request) -> Response:
    viewer = viewer_of(request)
    board = await _board(request)
    ensure_visible(can_admin_board(viewer, board.access))
    error = ""
    if request.method == "POST":
        data = await read_form(request)
        try:
            matrix = actions.clean_matrix({k: v for k, v in data.items() if isinstance(v, str)})
            await actions.update_grants(viewer, board, matrix)
        except ActionError as exc:
            error = exc.message
        else:
            return RedirectResponse(f"/forum/b/{board.id}/grants?saved=1", status_code=303)
    context = {
        "board": board,
        "verbs": BOARD_VERBS,
        "scopes": BOARD_SCOPES,
        "verb_labels": VERB_LABELS,
        "scope_labels": SCOPE_LABELS,
        "status_labels": STATUS_LABELS,
        "error": error,
        "saved": request.query_params.get("saved") == "1",
        "moderators": await queries.board_moderators(board),
        "role_labels": ROLE_LABELS,
    }
    return await _page(request, "boards/grants.html", context, status_code=400 if error else 200)


async def add_moderator(request: Request) -> Response:
    viewer = viewer_of(request)
    board = await _board(request)
    ensure_visible(can_admin_board(viewer, board.access))
    data = await read_form(request)
    username = text_field(data, "username", "用户名", max_length=64, required=False)
    user = org = None
    if username:
        user = await find_user(username)
        if user is None:
            raise ActionError("找不到该用户名", field="username")
    elif data.get("org_id"):
        org = await Org.get_or_none(id=int_param(data.get("org_id")))
    await actions.add_moderator(viewer, board, user=user, org=org, role=str(data.get("role", "")))
    return RedirectResponse(f"/forum/b/{board.id}/grants#moderators", status_code=303)


async def remove_moderator(request: Request) -> Response:
    viewer = viewer_of(request)
    board = await _board(request)
    ensure_visible(can_admin_board(viewer, board.access))
    await read_form(request)
    await actions.remove_moderator(viewer, board, int_param(request.path_params["grant_id"]))
    return RedirectResponse(f"/forum/b/{board.id}/grants#moderators", status_code=303)


async def new_board(request: Request) -> Response:
    viewer = viewer_of(request)
    ensure_visible(can_create_boards(viewer))
    orgs = await queries.creatable_orgs(viewer)
    form: dict[str, Any] = {"name": "", "description": "", "kind": "discussion", "org_id": ""}
    error = ""
    if request.method == "POST":
        data = await read_form(request)
        form = {k: str(data.get(k, "")) for k in form}
        org = next((o for o in orgs if str(o.id) == form["org_id"]), None)
        if form["org_id"] and org is None:
            raise NotFound()
        try:
            board = await actions.create_board(
                viewer, org, form["name"], form["kind"], form["description"]
            )
        except ActionError as exc:
            error = exc.message
        else:
            return RedirectResponse(f"/forum/b/{board.id}/grants", status_code=303)
    context = {"orgs": orgs, "form": form, "error": error}
    return await _page(request, "boards/new_board.html", context, status_code=400 if error else 200)


async def home_section(viewer: Viewer) -> dict[str, Any] | None:
    lists = await queries.board_list(viewer)
    rows = [r for r in lists.site + lists.mine if r.unread] or (lists.site + lists.mine)[:4]
    count = await queries.unread_notification_count(viewer)
    return {"board_rows": rows[:6], "home_notification_count": count}


HOME = HomeSection(
    "boards", order=20, title="论坛", template="boards/_home.html", loader=home_section
)


async def held_section(viewer: Viewer) -> dict[str, Any] | None:
    """/me: the author's own posts waiting for review (none: no section)."""
    items = await queries.held_items(viewer)
    return {"held": items} if items else None


HELD = HomeSection(
    "boards_held",
    order=20,
    title="等待审核的帖子",
    template="boards/_profile_held.html",
    loader=held_section,
    page="me",
)

routes: list[BaseRoute] = [
    Route("/attachments/{attachment_id:int}/{filename:str}", serve_attachment, methods=["GET"]),
    Route("/attachments/{attachment_id:int}/delete", delete_attachment, methods=["POST"]),
    Route("/forum", board_list, methods=["GET"]),
    Route("/forum/search", search, methods=["GET"]),
    Route("/forum/notifications", notifications, methods=["GET"]),
    Route("/forum/notifications/read", notifications_read, methods=["POST"]),
    Route("/forum/b/{board_id:int}", board_page, methods=["GET"]),
    Route("/forum/b/{board_id:int}/new", new_topic, methods=["GET", "POST"]),
    Route("/forum/boards/new", new_board, methods=["GET", "POST"]),
    Route("/forum/b/{board_id:int}/grants", grants, methods=["GET", "POST"]),
    Route("/forum/b/{board_id:int}/moderators", add_moderator, methods=["POST"]),
    Route(
        "/forum/b/{board_id:int}/moderators/{grant_id:int}/delete",
        remove_moderator,
        methods=["POST"],
    ),
    Route("/forum/b/{board_id:int}/feed.atom", board_feed, methods=["GET"]),
    Route("/t/{topic_id:int}", topic_page, methods=["GET"]),
    Route("/t/{topic_id:int}/unread", first_unread, methods=["GET"]),
    Route("/t/{topic_id:int}/reply", reply, methods=["GET", "POST"]),
    Route("/t/{topic_id:int}/{action:str}", topic_action, methods=["POST"]),
    Route("/t/{topic_id:int}/{number:int}", post_link, methods=["GET"]),
    Route("/t/{topic_id:int}/{number:int}/edit", edit, methods=["GET", "POST"]),
    Route("/t/{topic_id:int}/{number:int}/history", history, methods=["GET"]),
    Route("/t/{topic_id:int}/{number:int}/{action:str}", post_action, methods=["POST"]),
    *api_routes,
    *steering_routes,
]
