"""JSON API v1: 不计入应到 (forum.members.exclusions), the same steps as the record page."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from forum import apispec
from forum.decisions import EXCLUSION_LABELS
from forum.errors import ActionError
from forum.http import int_param, read_json, viewer_of
from forum.members import exclusions, queries
from forum.members.models import ROLL_EXCLUSION_STATE_LABELS, RollExclusion

MAX_INT = 2**31 - 1
EXCLUSION = apispec.schema(
    "RollExclusion",
    {
        "type": "object",
        "required": ["id", "member_id", "category", "reason", "state"],
        "properties": {
            "id": {"type": "integer"},
            "member_id": {"type": "integer"},
            "org_id": {"type": "integer"},
            "committee_id": {"type": "integer"},
            "category": {"type": "string", "enum": list(EXCLUSION_LABELS)},
            "reason": {"type": "string"},
            "state": {"type": "string", "enum": list(ROLL_EXCLUSION_STATE_LABELS)},
            "approved_on": {"type": "string", "nullable": True},
            "approval_note": {"type": "string"},
            "vote_id": {"type": "integer", "nullable": True},
            "voted_on": {"type": "string", "nullable": True},
            "ended_on": {"type": "string", "nullable": True},
            "end_reason": {"type": "string"},
        },
    },
)


def _day(value: Any) -> str | None:
    return value.isoformat() if value else None


def serialize(x: RollExclusion) -> dict[str, Any]:
    return {
        "id": x.id,
        "member_id": x.member_id,
        "org_id": x.org_id,
        "committee_id": x.committee_id,
        "category": x.category,
        "reason": x.reason,
        "state": str(x.state),
        "approved_on": _day(x.approved_on),
        "approval_note": x.approval_note,
        "vote_id": x.vote_id,
        "voted_on": _day(x.voted_on),
        "ended_on": _day(x.ended_on),
        "end_reason": x.end_reason,
    }


async def _body(request: Request, allowed: set[str]) -> dict[str, Any]:
    data = await read_json(request)
    if set(data) - allowed:
        raise ActionError("未知字段")
    return data


def _str(data: dict[str, Any], name: str) -> str:
    value = data.get(name, "")
    if not isinstance(value, str):
        raise ActionError(f"{name} 必须是字符串", field=name)
    return value


def _text_schema(limit: int) -> dict[str, Any]:
    return {"type": "string", "maxLength": limit}


@apispec.operation(
    "/api/v1/members/{member_id}/roll-exclusions",
    "POST",
    summary="Propose that the member is not counted in 应到 (one of the five circumstances, "
    "with the reason): waits for the superior org's approval",
    tag="members",
    body={
        "type": "object",
        "additionalProperties": False,
        "required": ["category", "reason"],
        "properties": {
            "category": {"type": "string", "enum": list(EXCLUSION_LABELS)},
            "reason": _text_schema(exclusions.REASON_MAX),
        },
    },
    response=EXCLUSION,
    status=201,
    path_params=("member_id",),
)
async def propose(request: Request) -> Response:
    viewer = viewer_of(request)
    member = await queries.get_member_for(viewer, int_param(request.path_params["member_id"]))
    data = await _body(request, {"category", "reason"})
    item = await exclusions.propose(
        viewer, member, category=_str(data, "category"), reason=_str(data, "reason")
    )
    return JSONResponse(serialize(item), status_code=201)


_DECIDE_BODY = {
    "type": "object",
    "additionalProperties": False,
    "required": ["on"],
    "properties": {
        "on": {"type": "string", "format": "date"},
        "note": _text_schema(exclusions.NOTE_MAX),
    },
}


async def _decide(request: Request, approve: bool) -> Response:
    viewer = viewer_of(request)
    item, member, committee = await exclusions.get_for(
        viewer, int_param(request.path_params["exclusion_id"])
    )
    data = await _body(request, {"on", "note"})
    item = await exclusions.decide(
        viewer,
        item,
        member,
        committee,
        approve=approve,
        on=_str(data, "on"),
        note=_str(data, "note"),
    )
    return JSONResponse(serialize(item))


@apispec.operation(
    "/api/v1/members/roll-exclusions/{exclusion_id}/approve",
    "POST",
    summary="The superior org approves it (the plenary votes next)",
    tag="members",
    body=_DECIDE_BODY,
    response=EXCLUSION,
    path_params=("exclusion_id",),
)
async def approve(request: Request) -> Response:
    return await _decide(request, True)


@apispec.operation(
    "/api/v1/members/roll-exclusions/{exclusion_id}/reject",
    "POST",
    summary="The superior org refuses it (a note is required): the matter ends",
    tag="members",
    body=_DECIDE_BODY,
    response=EXCLUSION,
    path_params=("exclusion_id",),
)
async def reject(request: Request) -> Response:
    return await _decide(request, False)


@apispec.operation(
    "/api/v1/members/roll-exclusions/{exclusion_id}/vote",
    "POST",
    summary="Cite the plenary's closed, passed 不计入应到 vote about the member: in force for "
    "every roll from now on",
    tag="members",
    body={
        "type": "object",
        "additionalProperties": False,
        "required": ["vote_id"],
        "properties": {"vote_id": {"type": "integer", "minimum": 1, "maximum": MAX_INT}},
    },
    response=EXCLUSION,
    path_params=("exclusion_id",),
)
async def vote(request: Request) -> Response:
    viewer = viewer_of(request)
    item, member, _ = await exclusions.get_for(
        viewer, int_param(request.path_params["exclusion_id"])
    )
    data = await _body(request, {"vote_id"})
    vote_id = data.get("vote_id")
    if isinstance(vote_id, bool) or not isinstance(vote_id, int) or not 1 <= vote_id <= MAX_INT:
        raise ActionError(f"vote_id 必须是 1 到 {MAX_INT} 之间的整数", field="vote_id")
    item = await exclusions.record_vote(viewer, item, member, vote_id)
    return JSONResponse(serialize(item))


@apispec.operation(
    "/api/v1/members/roll-exclusions/{exclusion_id}/end",
    "POST",
    summary="End it (the circumstance ended) or withdraw the proposal: counted in 应到 again",
    tag="members",
    body={
        "type": "object",
        "additionalProperties": False,
        "required": ["ended_on", "end_reason"],
        "properties": {
            "ended_on": {"type": "string", "format": "date"},
            "end_reason": _text_schema(exclusions.NOTE_MAX),
        },
    },
    response=EXCLUSION,
    path_params=("exclusion_id",),
)
async def end(request: Request) -> Response:
    viewer = viewer_of(request)
    item, member, _ = await exclusions.get_for(
        viewer, int_param(request.path_params["exclusion_id"])
    )
    data = await _body(request, {"ended_on", "end_reason"})
    item = await exclusions.end(
        viewer, item, member, on=_str(data, "ended_on"), reason=_str(data, "end_reason")
    )
    return JSONResponse(serialize(item))


@apispec.operation(
    "/api/v1/members/roll-exclusions",
    "GET",
    summary="Proposals waiting for the viewer's approval (superior org admins)",
    tag="members",
    response={"type": "object", "properties": {"items": {"type": "array", "items": EXCLUSION}}},
)
async def pending(request: Request) -> Response:
    items = await exclusions.pending_for(viewer_of(request))
    return JSONResponse({"items": [serialize(x) for x in items]})


_ONE = "/api/v1/members/roll-exclusions/{exclusion_id:int}"
routes: list[BaseRoute] = [
    Route("/api/v1/members/roll-exclusions", pending, methods=["GET"]),
    Route("/api/v1/members/{member_id:int}/roll-exclusions", propose, methods=["POST"]),
    Route(_ONE + "/approve", approve, methods=["POST"]),
    Route(_ONE + "/reject", reject, methods=["POST"]),
    Route(_ONE + "/vote", vote, methods=["POST"]),
    Route(_ONE + "/end", end, methods=["POST"]),
]
