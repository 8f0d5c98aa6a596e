"""Notifications: mine, newest first (keyset `before`), with the unread count."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from forum import apispec
from forum.boards import queries
from forum.boards.api._common import TAG
from forum.boards.models import Notification
from forum.http import int_param, viewer_of
from forum.policy import can_use_account, ensure

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
