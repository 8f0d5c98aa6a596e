"""The meetings JSON API: the room's live state and its verbs (the websocket's, by name)."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from forum import apispec
from forum.errors import ActionError
from forum.http import int_param, read_json, viewer_of
from forum.policy import ensure
from realtime.meetings import queries, verbs
from realtime.meetings.models import Meeting
from realtime.meetings.pages._common import meeting_of

STATE_SCHEMA = apispec.schema(
    "MeetingState",
    {
        "type": "object",
        "required": ["id", "status", "attendance", "messages", "votes"],
        "properties": {
            "id": {"type": "integer"},
            "status": {"type": "string"},
            "attendance": {"type": "object"},
            "messages": {"type": "array", "items": {"type": "object"}},
            "votes": {"type": "array", "items": {"type": "object"}},
        },
    },
)


def serialize_state(state: dict[str, Any]) -> dict[str, Any]:
    meeting: Meeting = state["meeting"]
    current = state["current_item"]
    return {
        "id": meeting.id,
        "title": meeting.title,
        "type": str(meeting.type),
        "status": str(meeting.status),
        "paused": meeting.paused,
        "discussion_locked": meeting.discussion_locked,
        "role": state["role"],
        "host": state["host"],
        "checked_in": state["seat"].checked_in,
        "muted": state["seat"].muted,
        "current_item": {"id": current.id, "title": current.title} if current else None,
        "agenda": [{"id": a.id, "position": a.position, "title": a.title} for a in state["agenda"]],
        "attendance": state["attendance"].as_dict(),
        "messages": state["messages"],
        "queue": state["queue"],
        "votes": state["votes"],
        "present_user_ids": state["present_user_ids"],
    }


@apispec.operation(
    "/api/v1/meetings/{meeting_id}",
    "GET",
    summary="Live room state of a meeting (the reload target of the websocket)",
    tag="meetings",
    response=STATE_SCHEMA,
    path_params=("meeting_id",),
)
async def api_state(request: Request) -> Response:
    viewer = viewer_of(request)
    meeting = await meeting_of(request)
    return JSONResponse(serialize_state(await queries.room_state(viewer, meeting)))


@apispec.operation(
    "/api/v1/meetings/{meeting_id}/actions",
    "POST",
    summary="Perform a room verb (the same names and data as the websocket `action` frame)",
    tag="meetings",
    path_params=("meeting_id",),
    body={
        "type": "object",
        "required": ["action"],
        "additionalProperties": False,
        "properties": {
            "action": {"type": "string", "enum": sorted(verbs.VERBS)},
            "data": {"type": "object"},
        },
    },
)
async def api_action(request: Request) -> Response:
    viewer = viewer_of(request)
    meeting_id = int_param(request.path_params["meeting_id"])
    body = await read_json(request)
    if set(body) - {"action", "data"} or not isinstance(body.get("action"), str):
        raise ActionError("请求体须为 {action, data}")
    verb = verbs.get_verb(body["action"])  # an unknown verb is a 404, as in the HTML forms
    ensure(viewer.is_authenticated)
    args = verbs.from_data(verb, body.get("data", {}))
    return JSONResponse(await verbs.perform(viewer, meeting_id, verb, args))
