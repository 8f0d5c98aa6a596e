"""Topics: a board's topics by last activity (keyset cursor), starting a topic, and reading a
topic with its posts."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from forum import apispec
from forum.boards import actions, queries
from forum.boards.api._common import BODY_FIELD, NULLABLE_INT, TAG, body_schema, list_of, strict
from forum.boards.api.posts import POST, post_json
from forum.boards.models import Topic
from forum.http import int_param, read_json, viewer_of
from forum.policy import (
    Viewer,
    can_close_topic,
    can_pin_topic,
    can_read_board,
    can_reply_topic,
    ensure_visible,
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
            "accepted_post_id": NULLABLE_INT,
            "can_reply": {"type": "boolean"},
            "can_pin": {"type": "boolean"},
            "can_close": {"type": "boolean"},
        },
    },
)


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


@apispec.operation(
    "/api/v1/boards/{board_id}/topics",
    "GET",
    summary="Topics of a board by last activity (keyset cursor)",
    tag=TAG,
    path_params=("board_id",),
    query={"cursor": {"type": "string"}},
    response=list_of(TOPIC),
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
    body=body_schema(
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
    strict(data, {"title": str, "body": str})
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
