"""JSON API v1: discipline (党纪处分) and 停止党籍."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from forum import apispec
from forum.errors import ActionError
from forum.http import int_param, read_json, viewer_of
from forum.members import discipline, queries
from forum.members.models import MembershipSuspension, Sanction
from forum.policy import SANCTION_KINDS

SANCTION = apispec.schema(
    "Sanction",
    {
        "type": "object",
        "required": ["id", "member_id", "kind", "state", "starts_on"],
        "properties": {
            "id": {"type": "integer"},
            "member_id": {"type": "integer"},
            "kind": {"type": "string", "enum": list(SANCTION_KINDS)},
            "years": {"type": "integer", "nullable": True},
            "decision_number": {"type": "string"},
            "starts_on": {"type": "string"},
            "ends_on": {"type": "string", "nullable": True},
            "state": {"type": "string"},
        },
    },
)
SUSPENSION = apispec.schema(
    "MembershipSuspension",
    {
        "type": "object",
        "required": ["id", "member_id", "state", "approved_on"],
        "properties": {
            "id": {"type": "integer"},
            "member_id": {"type": "integer"},
            "approved_on": {"type": "string"},
            "state": {"type": "string", "enum": ["active", "restored", "removed"]},
            "ended_on": {"type": "string", "nullable": True},
        },
    },
)
_STR = {"type": "string", "maxLength": 200}


def _sanction(s: Sanction) -> dict[str, Any]:
    return {
        "id": s.id,
        "member_id": s.member_id,
        "kind": s.kind,
        "years": s.years,
        "decision_number": s.decision_number,
        "starts_on": s.starts_on.isoformat(),
        "ends_on": s.ends_on.isoformat() if s.ends_on else None,
        "state": str(s.state),
    }


def _suspension(s: MembershipSuspension) -> dict[str, Any]:
    return {
        "id": s.id,
        "member_id": s.member_id,
        "approved_on": s.approved_on.isoformat(),
        "state": str(s.state),
        "ended_on": s.ended_on.isoformat() if s.ended_on else None,
    }


async def _body(request: Request, allowed: set[str]) -> dict[str, Any]:
    data = await read_json(request)
    if set(data) - allowed:
        raise ActionError("未知字段")
    for name, value in data.items():
        if name == "years":
            if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
                raise ActionError("years 必须是 1 或 2", field="years")
        elif not isinstance(value, str):
            raise ActionError(f"{name} 必须是字符串", field=name)
    return dict(data)


@apispec.operation(
    "/api/v1/members/{member_id}/sanctions",
    "POST",
    summary="Record a disciplinary sanction with its decision and approval (留党察看 removes "
    "voting rights at once; 开除党籍 ends the membership)",
    tag="members",
    body={
        "type": "object",
        "additionalProperties": False,
        "required": ["kind", "decision_number", "deciding_body", "decided_on"],
        "properties": {
            "kind": {"type": "string", "enum": list(SANCTION_KINDS)},
            "years": {"type": "integer", "enum": [1, 2]},
            "decision_number": _STR,
            "deciding_body": _STR,
            "decided_on": {"type": "string", "format": "date"},
            "approving_body": _STR,
            "approved_on": {"type": "string", "format": "date"},
        },
    },
    response=SANCTION,
    status=201,
    path_params=("member_id",),
)
async def record_sanction(request: Request) -> Response:
    viewer = viewer_of(request)
    member = await queries.get_member_for(viewer, int_param(request.path_params["member_id"]))
    data = await _body(
        request,
        {
            "kind",
            "years",
            "decision_number",
            "deciding_body",
            "decided_on",
            "approving_body",
            "approved_on",
        },
    )
    data.setdefault("kind", "")
    data.setdefault("years", None)
    data.setdefault("decision_number", "")
    data.setdefault("deciding_body", "")
    data.setdefault("decided_on", None)
    sanction = await discipline.record_sanction(viewer, member, **data)
    return JSONResponse(_sanction(sanction), status_code=201)


@apispec.operation(
    "/api/v1/members/sanctions/{sanction_id}/end",
    "POST",
    summary="At the end of 留党察看 the branch decides: restore (rights back) or expel",
    tag="members",
    body={
        "type": "object",
        "additionalProperties": False,
        "required": ["outcome", "on", "decision_number"],
        "properties": {
            "outcome": {"type": "string", "enum": ["restore", "expel"]},
            "on": {"type": "string", "format": "date"},
            "decision_number": _STR,
        },
    },
    response=SANCTION,
    path_params=("sanction_id",),
)
async def end_sanction(request: Request) -> Response:
    viewer = viewer_of(request)
    sanction, member = await discipline.get_sanction_for(
        viewer, int_param(request.path_params["sanction_id"])
    )
    data = await _body(request, {"outcome", "on", "decision_number"})
    sanction = await discipline.end_probation(
        viewer,
        sanction,
        member,
        outcome=data.get("outcome", ""),
        on=data.get("on"),
        decision_number=data.get("decision_number", ""),
    )
    return JSONResponse(_sanction(sanction))


@apispec.operation(
    "/api/v1/members/{member_id}/suspensions",
    "POST",
    summary="停止党籍 with the superior committee's approval (no rights while suspended)",
    tag="members",
    body={
        "type": "object",
        "additionalProperties": False,
        "required": ["reason", "decision_number", "approving_body", "approved_on"],
        "properties": {
            "reason": _STR,
            "decision_number": _STR,
            "approving_body": _STR,
            "approved_on": {"type": "string", "format": "date"},
        },
    },
    response=SUSPENSION,
    status=201,
    path_params=("member_id",),
)
async def suspend(request: Request) -> Response:
    viewer = viewer_of(request)
    member = await queries.get_member_for(viewer, int_param(request.path_params["member_id"]))
    data = await _body(request, {"reason", "decision_number", "approving_body", "approved_on"})
    suspension = await discipline.suspend_membership(
        viewer,
        member,
        reason=data.get("reason", ""),
        decision_number=data.get("decision_number", ""),
        approving_body=data.get("approving_body", ""),
        approved_on=data.get("approved_on"),
    )
    return JSONResponse(_suspension(suspension), status_code=201)


@apispec.operation(
    "/api/v1/members/suspensions/{suspension_id}/end",
    "POST",
    summary="End 停止党籍: restore on return, or remove (除名) once two years have passed",
    tag="members",
    body={
        "type": "object",
        "additionalProperties": False,
        "required": ["outcome", "on"],
        "properties": {
            "outcome": {"type": "string", "enum": ["restore", "remove"]},
            "on": {"type": "string", "format": "date"},
            "note": _STR,
        },
    },
    response=SUSPENSION,
    path_params=("suspension_id",),
)
async def end_suspension(request: Request) -> Response:
    viewer = viewer_of(request)
    suspension, member = await discipline.get_suspension_for(
        viewer, int_param(request.path_params["suspension_id"])
    )
    data = await _body(request, {"outcome", "on", "note"})
    suspension = await discipline.end_suspension(
        viewer,
        suspension,
        member,
        outcome=data.get("outcome", ""),
        on=data.get("on"),
        note=data.get("note", ""),
    )
    return JSONResponse(_suspension(suspension))


routes: list[BaseRoute] = [
    Route("/api/v1/members/{member_id:int}/sanctions", record_sanction, methods=["POST"]),
    Route("/api/v1/members/sanctions/{sanction_id:int}/end", end_sanction, methods=["POST"]),
    Route("/api/v1/members/{member_id:int}/suspensions", suspend, methods=["POST"]),
    Route("/api/v1/members/suspensions/{suspension_id:int}/end", end_suspension, methods=["POST"]),
]
