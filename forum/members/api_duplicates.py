"""JSON API v1: duplicate ID number cases (重复档案核查), for the org above both records."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from forum import apispec
from forum.errors import ActionError, NotFound
from forum.http import int_param, read_json, viewer_of
from forum.members import duplicates

_SIDE = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"},
        "name": {"type": "string"},
        "org": {"type": "string"},
        "id_number": {"type": "string"},
        "status": {"type": "string"},
    },
}
CASE = apispec.schema(
    "DuplicateCase",
    {
        "type": "object",
        "required": ["id", "state", "member", "existing"],
        "properties": {
            "id": {"type": "integer"},
            "state": {"type": "string", "enum": ["open", "merged", "dismissed"]},
            "org_id": {"type": "integer", "nullable": True},
            "member": _SIDE,
            "existing": _SIDE,
            "kept_id": {"type": "integer", "nullable": True},
            "note": {"type": "string"},
            "created_at": {"type": "string"},
        },
    },
)


def _note(data: dict[str, Any]) -> str:
    value = data.get("note", "")
    if not isinstance(value, str):
        raise ActionError("note 必须是字符串", field="note")
    return value


@apispec.operation(
    "/api/v1/members/duplicates",
    "GET",
    summary="Open duplicate ID number cases the viewer's org is to resolve",
    tag="members",
    response={"type": "object", "properties": {"items": {"type": "array", "items": CASE}}},
)
async def cases(request: Request) -> Response:
    viewer = viewer_of(request)
    if viewer.suspended or not (viewer.admin_paths or viewer.is_site_admin):
        raise NotFound()
    state = request.query_params.get("state", "open")
    if state not in {"open", "merged", "dismissed"}:
        raise ActionError("state 无效", field="state")
    after = request.query_params.get("after")
    items = await duplicates.cases_for(
        viewer, state=state, after_id=int_param(after) if after else None
    )
    return JSONResponse({"items": [duplicates.as_json(c) for c in items]})


@apispec.operation(
    "/api/v1/members/duplicates/{case_id}/merge",
    "POST",
    summary="Merge: keep one record, mark the other 重复档案 (both kept with their history)",
    tag="members",
    body={
        "type": "object",
        "additionalProperties": False,
        "required": ["keep"],
        "properties": {
            "keep": {"type": "integer", "minimum": 1, "maximum": 2**31 - 1},
            "note": {"type": "string", "maxLength": duplicates.NOTE_MAX},
        },
    },
    response=CASE,
    path_params=("case_id",),
)
async def merge(request: Request) -> Response:
    viewer = viewer_of(request)
    case = await duplicates.get_case_for(viewer, int_param(request.path_params["case_id"]))
    data = await read_json(request)
    if set(data) - {"keep", "note"}:
        raise ActionError("未知字段")
    keep = data.get("keep")
    if isinstance(keep, bool) or not isinstance(keep, int):
        raise ActionError("keep 必须是要保留的档案 id", field="keep")
    case = await duplicates.merge(viewer, case, str(keep), _note(data))
    return JSONResponse(duplicates.as_json(case))


@apispec.operation(
    "/api/v1/members/duplicates/{case_id}/dismiss",
    "POST",
    summary="Dismiss: checked, not the same person (a note is required)",
    tag="members",
    body={
        "type": "object",
        "additionalProperties": False,
        "required": ["note"],
        "properties": {"note": {"type": "string", "maxLength": duplicates.NOTE_MAX}},
    },
    response=CASE,
    path_params=("case_id",),
)
async def dismiss(request: Request) -> Response:
    viewer = viewer_of(request)
    case = await duplicates.get_case_for(viewer, int_param(request.path_params["case_id"]))
    data = await read_json(request)
    if set(data) - {"note"}:
        raise ActionError("未知字段")
    case = await duplicates.dismiss(viewer, case, _note(data))
    return JSONResponse(duplicates.as_json(case))


routes: list[BaseRoute] = [
    Route("/api/v1/members/duplicates", cases, methods=["GET"]),
    Route("/api/v1/members/duplicates/{case_id:int}/merge", merge, methods=["POST"]),
    Route("/api/v1/members/duplicates/{case_id:int}/dismiss", dismiss, methods=["POST"]),
]
