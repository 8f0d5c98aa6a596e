"""JSON API of 在线学习 (`/api/v1/learning/...`), documented in the OpenAPI document."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from forum import apispec
from forum.clock import utcnow
from forum.http import int_param, read_json, viewer_of
from forum.learning import actions, queries
from forum.learning.models import Resource
from forum.policy import Viewer, can_study, ensure

RESOURCE = apispec.schema(
    "LearningResource",
    {
        "type": "object",
        "required": ["id", "kind", "title", "org", "duration_seconds", "url"],
        "properties": {
            "id": {"type": "integer"},
            "kind": {
                "type": "string",
                "enum": ["article", "video", "audio", "image", "pdf", "link"],
            },
            "title": {"type": "string"},
            "summary": {"type": "string"},
            "org": {"type": "string"},
            "state": {"type": "string"},
            "duration_seconds": {"type": "integer"},
            "published_at": {"type": ["string", "null"]},
            "url": {"type": "string"},
            "media_url": {"type": ["string", "null"]},
            "body_html": {"type": "string"},
        },
    },
)
LIST = apispec.schema(
    "LearningResourceList",
    {
        "type": "object",
        "required": ["items"],
        "properties": {"items": {"type": "array", "items": RESOURCE}},
    },
)
BEAT_BODY = apispec.schema(
    "LearningBeat",
    {
        "type": "object",
        "required": ["tab", "position", "visible", "active"],
        "properties": {
            "tab": {"type": "string", "minLength": 1, "maxLength": 40},
            "position": {"type": "number", "minimum": 0, "maximum": 9999999},
            "visible": {"type": "boolean"},
            "active": {"type": "boolean"},
            "page": {"type": "integer", "minimum": 0, "maximum": 99999},
        },
    },
)
BEAT_RESULT = apispec.schema(
    "LearningBeatResult",
    {
        "type": "object",
        "required": ["added", "reason", "counted_seconds", "position", "furthest", "completed"],
        "properties": {
            "added": {"type": "integer"},
            "reason": {"type": "string"},
            "counted_seconds": {"type": "integer"},
            "position": {"type": "number"},
            "furthest": {"type": "number"},
            "completed": {"type": "boolean"},
        },
    },
)
ME = apispec.schema(
    "LearningMe",
    {
        "type": "object",
        "required": ["year", "hours", "required_hours", "assignments"],
        "properties": {
            "year": {"type": "integer"},
            "hours": {"type": "number"},
            "online_hours": {"type": "number"},
            "organized_hours": {"type": "number"},
            "required_hours": {"type": "integer"},
            "assignments": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "id": {"type": "integer"},
                        "title": {"type": "string"},
                        "deadline": {"type": "string"},
                        "done": {"type": "boolean"},
                    },
                },
            },
        },
    },
)


def _viewer(request: Request) -> Viewer:
    viewer = viewer_of(request)
    ensure(can_study(viewer))
    return viewer


def serialize(r: Resource, *, full: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": r.id,
        "kind": str(r.kind),
        "title": r.title,
        "summary": r.summary,
        "org": str(getattr(r.org, "name", "")),
        "state": str(r.state),
        "duration_seconds": r.duration_seconds,
        "published_at": r.published_at.isoformat() if r.published_at else None,
        "url": f"/learning/r/{r.id}",
        "media_url": f"/learning/media/{r.id}" if r.media_key else None,
    }
    if full:
        out["body_html"] = r.body_html
    return out


@apispec.operation(
    "/api/v1/learning/resources",
    "GET",
    summary="Published study resources the viewer may read, newest (or most viewed) first",
    tag="learning",
    response=LIST,
    query={"tab": {"type": "string", "enum": ["latest", "hot", "required"]}},
)
async def list_resources(request: Request) -> Response:
    viewer = _viewer(request)
    tab = request.query_params.get("tab", "latest")
    if tab not in {"latest", "hot", "required"}:
        tab = "latest"
    items = await queries.library(viewer, tab=tab, category_id=None, before=None)
    return JSONResponse({"items": [serialize(r) for r in items]})


@apispec.operation(
    "/api/v1/learning/resources/{resource_id}",
    "GET",
    summary="One study resource",
    tag="learning",
    response=RESOURCE,
    path_params=("resource_id",),
)
async def get_resource(request: Request) -> Response:
    viewer = _viewer(request)
    r = await queries.get_resource_for(viewer, int_param(request.path_params["resource_id"]))
    return JSONResponse(serialize(r, full=True))


@apispec.operation(
    "/api/v1/learning/resources/{resource_id}/beat",
    "POST",
    summary="A study heartbeat (what counts is decided on the server, docs/learning.md)",
    tag="learning",
    body=BEAT_BODY,
    response=BEAT_RESULT,
    path_params=("resource_id",),
)
async def beat(request: Request) -> Response:
    viewer = _viewer(request)
    r = await queries.get_resource_for(viewer, int_param(request.path_params["resource_id"]))
    out, p = await actions.beat(viewer, r, await read_json(request))
    return JSONResponse(
        {
            "added": out.added,
            "reason": out.reason,
            "counted_seconds": p.counted_seconds,
            "position": p.position,
            "furthest": p.furthest,
            "completed": p.completed_at is not None,
        }
    )


@apispec.operation(
    "/api/v1/learning/me",
    "GET",
    summary="My 学时 this year and my assignments",
    tag="learning",
    response=ME,
)
async def me(request: Request) -> Response:
    viewer = _viewer(request)
    year = utcnow().year
    member = await queries.member_of(viewer)
    hours = (await queries.hours_for([member], year))[member.id] if member else queries.Hours()
    rows = [
        {
            "id": a.id,
            "title": a.title,
            "deadline": a.deadline.isoformat(),
            "done": await queries.assignment_done(viewer.user_id or 0, a),
        }
        for a in await queries.my_assignments(viewer)
    ]
    return JSONResponse(
        {
            "year": year,
            "hours": hours.total,
            "online_hours": hours.online_tenths / 10,
            "organized_hours": hours.organized_tenths / 10,
            "required_hours": hours.required,
            "assignments": rows,
        }
    )


routes: list[BaseRoute] = [
    Route("/api/v1/learning/resources", list_resources, methods=["GET"]),
    Route("/api/v1/learning/resources/{resource_id:int}", get_resource, methods=["GET"]),
    Route("/api/v1/learning/resources/{resource_id:int}/beat", beat, methods=["POST"]),
    Route("/api/v1/learning/me", me, methods=["GET"]),
]
