"""JSON API v1 for boards, topics, posts, notifications and search (same queries and actions)."""

from __future__ import annotations

from typing import Any

from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from forum import apispec
from forum.boards import actions, queries
from forum.boards.models import Attachment, Board, Notification, Post, Topic
from forum.errors import ActionError
from forum.http import int_param, read_form, read_json, viewer_of
from forum.policy import (
    Viewer,
    can_accept_post,
    can_admin_board,
    can_attach_board,
    can_close_topic,
    can_delete_post,
    can_edit_post,
    can_like_post,
    can_pin_topic,
    can_read_board,
    can_reply_topic,
    can_see_post_body,
    can_start_topic,
    can_use_account,
    ensure,
    ensure_visible,
)
from forum.settings import get_settings

TAG = "boards"
BODY_FIELD = {"type": "string", "minLength": 1, "maxLength": 20_000, "pattern": r"\S"}
_nullable_int = {"type": "integer", "nullable": True}
BOARD = apispec.schema(
    "Board",
    {
        "type": "object",
        "required": ["id", "name", "kind", "org_id", "unread", "can_read", "can_start_topic"],
        "properties": {
            "id": {"type": "integer"},
            "name": {"type": "string"},
            "description": {"type": "string"},
            "kind": {"type": "string", "enum": ["discussion", "consultation"]},
            "org_id": _nullable_int,
            "parent_id": _nullable_int,
            "unread": {"type": "integer"},
            "can_read": {"type": "boolean"},
            "can_start_topic": {"type": "boolean"},
            "can_admin": {"type": "boolean"},
        },
    },
)
TOPIC = apispec.schema(
    "Topic",
    {
        "type": "object",
        "required": ["id", "board_id", "title", "author", "pinned", "closed", "reply_count"],
        "properties": {
            "id": {"type": "integer"},
            "board_id": {"type": "integer"},
            "title": {"type": "string"},
            "author": {"type": "string"},
            "pinned": {"type": "boolean"},
            "closed": {"type": "boolean"},
            "hidden": {"type": "boolean"},
            "held": {"type": "boolean"},
            "reply_count": {"type": "integer"},
            "last_number": {"type": "integer"},
            "last_activity_at": {"type": "string", "format": "date-time"},
            "accepted_post_id": _nullable_int,
            "can_reply": {"type": "boolean"},
            "can_pin": {"type": "boolean"},
            "can_close": {"type": "boolean"},
        },
    },
)
POST = apispec.schema(
    "Post",
    {
        "type": "object",
        "required": ["id", "topic_id", "number", "author", "html", "hidden", "deleted"],
        "properties": {
            "id": {"type": "integer"},
            "topic_id": {"type": "integer"},
            "number": {"type": "integer"},
            "author": {"type": "string"},
            "html": {"type": "string", "nullable": True},
            "hidden": {"type": "boolean"},
            "deleted": {"type": "boolean"},
            "held": {"type": "boolean"},
            "like_count": {"type": "integer"},
            "edit_count": {"type": "integer"},
            "reply_to_number": _nullable_int,
            "created_at": {"type": "string", "format": "date-time"},
            "can_edit": {"type": "boolean"},
            "can_delete": {"type": "boolean"},
            "can_like": {"type": "boolean"},
            "can_accept": {"type": "boolean"},
        },
    },
)
NOTIFICATION = apispec.schema(
    "Notification",
    {
        "type": "object",
        "required": ["id", "kind", "topic_id", "post_number", "read"],
        "properties": {
            "id": {"type": "integer"},
            "kind": {"type": "string", "enum": ["mention", "reply", "quote", "accepted"]},
            "actor": {"type": "string", "nullable": True},
            "topic_id": {"type": "integer"},
            "topic_title": {"type": "string"},
            "post_number": {"type": "integer"},
            "read": {"type": "boolean"},
            "created_at": {"type": "string", "format": "date-time"},
        },
    },
)


def _list_of(item: dict[str, str], cursor_type: str = "string") -> dict[str, Any]:
    return {
        "type": "object",
        "required": ["items"],
        "properties": {
            "items": {"type": "array", "items": item},
            "next": {"type": cursor_type, "nullable": True},
        },
    }


def _body_schema(required: list[str], props: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "object",
        "required": required,
        "additionalProperties": False,
        "properties": props,
    }


def _strict(data: dict[str, Any], allowed: dict[str, type | tuple[type, ...]]) -> None:
    """Unknown fields and wrong types are refused (400) before anything is written."""
    unknown = sorted(set(data) - set(allowed))
    if unknown:
        raise ActionError(f"未知字段：{', '.join(unknown)}")
    for name, kind in allowed.items():
        value = data.get(name)
        if value is not None and (not isinstance(value, kind) or isinstance(value, bool)):
            raise ActionError(f"字段 {name} 类型错误", field=name)


def board_json(viewer: Viewer, board: Board, unread: int = 0) -> dict[str, Any]:
    return {
        "id": board.id,
        "name": board.name,
        "description": board.description,
        "kind": str(board.kind),
        "org_id": board.org_id,
        "parent_id": board.parent_id,
        "unread": unread,
        "can_read": can_read_board(viewer, board.access),
        "can_start_topic": can_start_topic(viewer, board.access),
        "can_admin": can_admin_board(viewer, board.access),
    }


def topic_json(viewer: Viewer, topic: Topic | queries.TopicSummary) -> dict[str, Any]:
    return {
        "id": topic.id,
        "board_id": topic.board_id,
        "title": topic.title,
        "author": topic.author.display_name,
        "pinned": topic.pinned,
        "closed": topic.closed,
        "hidden": topic.hidden,
        "held": topic.held,  # only its author and moderators can read a held topic
        "reply_count": topic.reply_count,
        "last_number": topic.last_number,
        "last_activity_at": topic.last_activity_at.isoformat(),
        "accepted_post_id": topic.accepted_post_id,
        "can_reply": bool(can_reply_topic(viewer, topic)),
        "can_pin": can_pin_topic(viewer, topic),
        "can_close": can_close_topic(viewer, topic),
    }


def post_json(viewer: Viewer, topic: Topic, post: Post | queries.PostItem) -> dict[str, Any]:
    visible = can_see_post_body(viewer, topic, post)
    return {
        "id": post.id,
        "topic_id": post.topic_id,
        "number": post.number,
        "author": post.author.display_name,
        "html": post.body_html if visible else None,
        "hidden": post.hidden,
        "deleted": post.deleted,
        "held": post.held and visible,  # waiting for review: its author and moderators
        "like_count": post.like_count,
        "edit_count": post.edit_count,
        "reply_to_number": post.reply_to_number,
        "created_at": post.created_at.isoformat(),
        "can_edit": can_edit_post(viewer, topic, post),
        "can_delete": can_delete_post(viewer, topic, post),
        "can_like": can_like_post(viewer, topic, post),
        "can_accept": can_accept_post(viewer, topic, post),
    }


def notification_json(n: Notification) -> dict[str, Any]:
    return {
        "id": n.id,
        "kind": str(n.kind),
        "actor": n.actor.display_name if n.actor else None,
        "topic_id": n.topic_id,
        "topic_title": n.topic.title,
        "post_number": n.post_number,
        "read": n.read_at is not None,
        "created_at": n.created_at.isoformat(),
    }


@apispec.operation(
    "/api/v1/boards", "GET", summary="Boards the viewer can see", tag=TAG, response=_list_of(BOARD)
)
async def api_boards(request: Request) -> Response:
    viewer = viewer_of(request)
    lists = await queries.board_list(viewer)
    rows = lists.site + lists.mine + lists.other
    return JSONResponse({"items": [board_json(viewer, r.board, r.unread) for r in rows]})


@apispec.operation(
    "/api/v1/boards/{board_id}/topics",
    "GET",
    summary="Topics of a board by last activity (keyset cursor)",
    tag=TAG,
    path_params=("board_id",),
    query={"cursor": {"type": "string"}},
    response=_list_of(TOPIC),
)
async def api_board_topics(request: Request) -> Response:
    viewer = viewer_of(request)
    board = await queries.get_board_for(viewer, int_param(request.path_params["board_id"]))
    ensure_visible(can_read_board(viewer, board.access))
    page = await queries.board_topics(
        viewer, board, queries.parse_topic_cursor(request.query_params.get("cursor"))
    )
    items = [topic_json(viewer, r.topic) for r in page.pinned + page.rows]
    return JSONResponse({"items": items, "next": page.next_cursor})


@apispec.operation(
    "/api/v1/boards/{board_id}/topics",
    "POST",
    summary="Start a topic",
    tag=TAG,
    path_params=("board_id",),
    status=201,
    body=_body_schema(
        ["title", "body"],
        {
            "title": {"type": "string", "minLength": 2, "maxLength": 120, "pattern": r"\S"},
            "body": BODY_FIELD,
        },
    ),
    response=TOPIC,
)
async def api_create_topic(request: Request) -> Response:
    viewer = viewer_of(request)
    board = await queries.get_board_for(viewer, int_param(request.path_params["board_id"]))
    data = await read_json(request)
    _strict(data, {"title": str, "body": str})
    topic = await actions.create_topic(viewer, board, data.get("title"), data.get("body"))
    topic = await queries.get_topic_for(viewer, topic.id)
    await topic.fetch_related("author")
    return JSONResponse(topic_json(viewer, topic), status_code=201)


@apispec.operation(
    "/api/v1/topics/{topic_id}",
    "GET",
    summary="A topic and its posts from post number `from` (keyset)",
    tag=TAG,
    path_params=("topic_id",),
    query={"from": {"type": "integer", "minimum": 1}},
    response={
        "type": "object",
        "required": ["topic", "posts"],
        "properties": {
            "topic": TOPIC,
            "posts": {"type": "array", "items": POST},
            "next_from": {"type": "integer", "nullable": True},
        },
    },
)
async def api_topic(request: Request) -> Response:
    viewer = viewer_of(request)
    topic = await queries.get_topic_for(viewer, int_param(request.path_params["topic_id"]))
    await topic.fetch_related("author")
    view = await queries.topic_view(viewer, topic, int_param(request.query_params.get("from", "1")))
    return JSONResponse(
        {
            "topic": topic_json(viewer, topic),
            "posts": [post_json(viewer, topic, p) for p in view.posts],
            "next_from": view.next_from,
        }
    )


@apispec.operation(
    "/api/v1/topics/{topic_id}/posts",
    "POST",
    summary="Reply to a topic (optionally quoting post number `reply_to`)",
    tag=TAG,
    path_params=("topic_id",),
    status=201,
    body=_body_schema(
        ["body"], {"body": BODY_FIELD, "reply_to": {"type": "integer", "minimum": 1}}
    ),
    response=POST,
)
async def api_create_post(request: Request) -> Response:
    viewer = viewer_of(request)
    topic = await queries.get_topic_for(viewer, int_param(request.path_params["topic_id"]))
    data = await read_json(request)
    _strict(data, {"body": str, "reply_to": int})
    quoted = None
    if data.get("reply_to") is not None:
        quoted = await queries.get_post(topic, int_param(data["reply_to"]))
    post = await actions.create_post(viewer, topic, data.get("body"), reply_to=quoted)
    post = await queries.get_post(topic, post.number)
    return JSONResponse(post_json(viewer, topic, post), status_code=201)


@apispec.operation(
    "/api/v1/topics/{topic_id}/posts/{number}",
    "PATCH",
    summary="Edit a post (keeps a revision)",
    tag=TAG,
    path_params=("topic_id", "number"),
    body=_body_schema(
        ["body"], {"body": BODY_FIELD, "reason": {"type": "string", "maxLength": 200}}
    ),
    response=POST,
)
async def api_edit_post(request: Request) -> Response:
    viewer = viewer_of(request)
    topic = await queries.get_topic_for(viewer, int_param(request.path_params["topic_id"]))
    post = await queries.get_post(topic, int_param(request.path_params["number"]))
    data = await read_json(request)
    _strict(data, {"body": str, "reason": str})
    await actions.edit_post(viewer, topic, post, data.get("body"), data.get("reason", ""))
    return JSONResponse(post_json(viewer, topic, post))


@apispec.operation(
    "/api/v1/topics/{topic_id}/posts/{number}",
    "DELETE",
    summary="Delete a post",
    tag=TAG,
    path_params=("topic_id", "number"),
    response=POST,
)
async def api_delete_post(request: Request) -> Response:
    viewer = viewer_of(request)
    topic = await queries.get_topic_for(viewer, int_param(request.path_params["topic_id"]))
    post = await queries.get_post(topic, int_param(request.path_params["number"]))
    await actions.delete_post(viewer, topic, post)
    return JSONResponse(post_json(viewer, topic, post))


@apispec.operation(
    "/api/v1/notifications",
    "GET",
    summary="My notifications, newest first (keyset `before`)",
    tag=TAG,
    query={"before": {"type": "integer", "minimum": 1}},
    response={
        "type": "object",
        "required": ["items", "unread"],
        "properties": {
            "items": {"type": "array", "items": NOTIFICATION},
            "unread": {"type": "integer"},
            "next": {"type": "integer", "nullable": True},
        },
    },
)
async def api_notifications(request: Request) -> Response:
    viewer = viewer_of(request)
    ensure(can_use_account(viewer))
    before = request.query_params.get("before")
    rows, next_before = await queries.notifications(viewer, int_param(before) if before else None)
    return JSONResponse(
        {
            "items": [notification_json(n) for n in rows],
            "unread": await queries.unread_notification_count(viewer),
            "next": next_before,
        }
    )


@apispec.operation(
    "/api/v1/search",
    "GET",
    summary="Search titles and posts (works for Chinese without spaces)",
    tag=TAG,
    query={"q": {"type": "string", "maxLength": 100}, "before": {"type": "integer", "minimum": 1}},
    response=_list_of(POST, "integer"),
)
async def api_search(request: Request) -> Response:
    viewer = viewer_of(request)
    text = " ".join(request.query_params.get("q", "").split())[:100]
    before = request.query_params.get("before")
    posts, next_before = await queries.search_posts(
        viewer, text, int_param(before) if before else None
    )
    return JSONResponse(
        {"items": [post_json(viewer, p.topic, p) for p in posts], "next": next_before}
    )


ATTACHMENT = apispec.schema(
    "Attachment",
    {
        "type": "object",
        "required": ["id", "url", "markdown", "filename", "content_type", "kind", "size"],
        "properties": {
            "id": {"type": "integer"},
            "url": {"type": "string"},
            "markdown": {"type": "string"},
            "filename": {"type": "string"},
            "content_type": {"type": "string"},
            "kind": {"type": "string", "enum": ["image", "document"]},
            "size": {"type": "integer"},
            "sha256": {"type": "string"},
            "board_id": {"type": "integer"},
            "post_id": _nullable_int,
            "created_at": {"type": "string", "format": "date-time"},
        },
    },
)


def attachment_json(attachment: Attachment) -> dict[str, Any]:
    return {
        "id": attachment.id,
        "url": actions.attachment_url(attachment),
        "markdown": actions.attachment_markdown(attachment),
        "filename": attachment.filename,
        "content_type": attachment.content_type,
        "kind": str(attachment.kind),
        "size": attachment.size,
        "sha256": attachment.sha256,
        "board_id": attachment.board_id,
        "post_id": attachment.post_id,
        "created_at": attachment.created_at.isoformat(),
    }


async def read_upload(request: Request, field_name: str = "file") -> tuple[str | None, bytes]:
    """The single file of a multipart upload (read up to the size limit plus one byte)."""
    form = await read_form(request)
    try:
        upload = form.get(field_name)
        if not isinstance(upload, UploadFile):
            raise ActionError("请选择要上传的文件", field=field_name)
        unknown = sorted(set(form.keys()) - {field_name, "csrf_token"})
        if unknown:
            raise ActionError(f"未知字段：{', '.join(unknown)}")
        data = await upload.read(get_settings().attachment_max_bytes + 1)
        return upload.filename, data
    finally:
        await form.close()


@apispec.operation(
    "/api/v1/boards/{board_id}/attachments",
    "POST",
    summary="Upload a file to a board (multipart field `file`); returns its Markdown link",
    tag=TAG,
    path_params=("board_id",),
    status=201,
    body={
        "type": "object",
        "required": ["file"],
        "properties": {"file": {"type": "string", "format": "binary"}},
    },
    body_type="multipart/form-data",
    response=ATTACHMENT,
)
async def api_upload_attachment(request: Request) -> Response:
    viewer = viewer_of(request)
    board = await queries.get_board_for(viewer, int_param(request.path_params["board_id"]))
    ensure(can_attach_board(viewer, board.access))
    filename, data = await read_upload(request)
    attachment = await actions.upload_attachment(viewer, board, filename, data)
    return JSONResponse(attachment_json(attachment), status_code=201)


@apispec.operation(
    "/api/v1/attachments/{attachment_id}",
    "GET",
    summary="An attachment's metadata (as visible as the post that carries it)",
    tag=TAG,
    path_params=("attachment_id",),
    response=ATTACHMENT,
)
async def api_attachment(request: Request) -> Response:
    viewer = viewer_of(request)
    attachment, _topic, _post = await queries.get_attachment_for(
        viewer, int_param(request.path_params["attachment_id"])
    )
    return JSONResponse(attachment_json(attachment))


routes: list[BaseRoute] = [
    Route("/api/v1/boards/{board_id:int}/attachments", api_upload_attachment, methods=["POST"]),
    Route("/api/v1/attachments/{attachment_id:int}", api_attachment, methods=["GET"]),
    Route("/api/v1/boards", api_boards, methods=["GET"]),
    Route("/api/v1/boards/{board_id:int}/topics", api_board_topics, methods=["GET"]),
    Route("/api/v1/boards/{board_id:int}/topics", api_create_topic, methods=["POST"]),
    Route("/api/v1/topics/{topic_id:int}", api_topic, methods=["GET"]),
    Route("/api/v1/topics/{topic_id:int}/posts", api_create_post, methods=["POST"]),
    Route("/api/v1/topics/{topic_id:int}/posts/{number:int}", api_edit_post, methods=["PATCH"]),
    Route("/api/v1/topics/{topic_id:int}/posts/{number:int}", api_delete_post, methods=["DELETE"]),
    Route("/api/v1/notifications", api_notifications, methods=["GET"]),
    Route("/api/v1/search", api_search, methods=["GET"]),
]
