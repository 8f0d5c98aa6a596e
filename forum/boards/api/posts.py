"""Posts: replying to a topic (optionally quoting), editing and deleting a post."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from forum import apispec
from forum.boards import actions, queries
from forum.boards.api._common import BODY_FIELD, NULLABLE_INT, TAG, body_schema, strict
from forum.boards.models import Post, Topic
from forum.http import int_param, read_json, viewer_of
from forum.policy import (
    Viewer,
    can_accept_post,
    can_delete_post,
    can_edit_post,
    can_like_post,
    can_see_post_body,
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
            "reply_to_number": NULLABLE_INT,
            "created_at": {"type": "string", "format": "date-time"},
            "can_edit": {"type": "boolean"},
            "can_delete": {"type": "boolean"},
            "can_like": {"type": "boolean"},
            "can_accept": {"type": "boolean"},
        },
    },
)


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


@apispec.operation(
    "/api/v1/topics/{topic_id}/posts",
    "POST",
    summary="Reply to a topic (optionally quoting post number `reply_to`)",
    tag=TAG,
    path_params=("topic_id",),
    status=201,
    body=body_schema(["body"], {"body": BODY_FIELD, "reply_to": {"type": "integer", "minimum": 1}}),
    response=POST,
)
async def api_create_post(request: Request) -> Response:
    viewer = viewer_of(request)
    topic = await queries.get_topic_for(viewer, int_param(request.path_params["topic_id"]))
    data = await read_json(request)
    strict(data, {"body": str, "reply_to": int})
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
    body=body_schema(
        ["body"], {"body": BODY_FIELD, "reason": {"type": "string", "maxLength": 200}}
    ),
    response=POST,
)
async def api_edit_post(request: Request) -> Response:
    viewer = viewer_of(request)
    topic = await queries.get_topic_for(viewer, int_param(request.path_params["topic_id"]))
    post = await queries.get_post(topic, int_param(request.path_params["number"]))
    data = await read_json(request)
    strict(data, {"body": str, "reason": str})
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
