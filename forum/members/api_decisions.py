"""JSON API v1: plenary decisions on a member's status and their approval by the committee."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from forum import apispec
from forum.errors import ActionError
from forum.http import int_param, read_json, viewer_of
from forum.members import approvals, queries
from forum.members.models import StatusDecision
from forum.policy import STATUS_DECISION_KINDS, approval_deadline

MAX_INT = 2**31 - 1
DECISION = apispec.schema(
    "StatusDecision",
    {
        "type": "object",
        "required": ["id", "member_id", "kind", "vote_id", "voted_on", "state", "deadline"],
        "properties": {
            "id": {"type": "integer"},
            "member_id": {"type": "integer"},
            "kind": {"type": "string", "enum": list(STATUS_DECISION_KINDS)},
            "vote_id": {"type": "integer"},
            "voted_on": {"type": "string"},
            "months": {"type": "integer", "nullable": True},
            "state": {"type": "string", "enum": ["pending", "approved", "rejected"]},
            "committee_id": {"type": "integer"},
            "deadline": {"type": "string"},
            "decided_on": {"type": "string", "nullable": True},
            "late": {"type": "boolean"},
            "note": {"type": "string"},
        },
    },
)


def serialize(d: StatusDecision) -> dict[str, Any]:
    return {
        "id": d.id,
        "member_id": d.member_id,
        "kind": str(d.kind),
        "vote_id": d.vote_id,
        "voted_on": d.voted_on.isoformat(),
        "months": d.months,
        "state": str(d.state),
        "committee_id": d.committee_id,
        "deadline": approval_deadline(d.voted_on).isoformat(),
        "decided_on": d.decided_on.isoformat() if d.decided_on else None,
        "late": bool(d.late),
        "note": d.decision_note,
    }


def _int(data: dict[str, Any], name: str, *, required: bool) -> int | None:
    value = data.get(name)
    if value is None and not required:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_INT:
        raise ActionError(f"{name} 必须是 1 到 {MAX_INT} 之间的整数", field=name)
    return value


def _text(data: dict[str, Any], name: str) -> str:
    value = data.get(name, "")
    if not isinstance(value, str) or len(value) > approvals.REASON_MAX:
        raise ActionError(f"{name} 必须是不超过 {approvals.REASON_MAX} 个字符的字符串", field=name)
    return value.strip()


@apispec.operation(
    "/api/v1/members/{member_id}/decisions",
    "POST",
    summary="Report a closed, passed plenary vote on the member's status to the superior "
    "committee (admission, conversion, extension, cancellation): pending approval",
    tag="members",
    body={
        "type": "object",
        "additionalProperties": False,
        "required": ["kind", "vote_id"],
        "properties": {
            "kind": {"type": "string", "enum": list(STATUS_DECISION_KINDS)},
            "vote_id": {"type": "integer", "minimum": 1, "maximum": MAX_INT},
            "months": {"type": "integer", "minimum": 6, "maximum": 12},
            "reason": {"type": "string", "maxLength": approvals.REASON_MAX},
        },
    },
    response=DECISION,
    status=201,
    path_params=("member_id",),
)
async def propose(request: Request) -> Response:
    viewer = viewer_of(request)
    member = await queries.get_member_for(viewer, int_param(request.path_params["member_id"]))
    data = await read_json(request)
    if set(data) - {"kind", "vote_id", "months", "reason"}:
        raise ActionError("未知字段")
    kind = data.get("kind")
    if not isinstance(kind, str) or kind not in STATUS_DECISION_KINDS:
        raise ActionError("kind 无效", field="kind")
    decision = await approvals.propose(
        viewer,
        member,
        kind,
        vote_id=_int(data, "vote_id", required=True),
        months=_int(data, "months", required=kind == "extension"),
        reason=_text(data, "reason"),
    )
    return JSONResponse(serialize(decision), status_code=201)


_DECIDE_BODY = {
    "type": "object",
    "additionalProperties": False,
    "required": ["on"],
    "properties": {
        "on": {"type": "string", "format": "date"},
        "note": {"type": "string", "maxLength": approvals.REASON_MAX},
    },
}


async def _decide(request: Request, approve: bool) -> Response:
    viewer = viewer_of(request)
    decision, member, committee = await approvals.get_decision_for(
        viewer, int_param(request.path_params["decision_id"])
    )
    data = await read_json(request)
    if set(data) - {"on", "note"}:
        raise ActionError("未知字段")
    on = data.get("on")
    if not isinstance(on, str):
        raise ActionError("on 必须是日期（YYYY-MM-DD）", field="on")
    decision = await approvals.decide(
        viewer, decision, member, committee, approve=approve, on=on, note=_text(data, "note")
    )
    return JSONResponse(serialize(decision))


@apispec.operation(
    "/api/v1/members/decisions/{decision_id}/approve",
    "POST",
    summary="The superior committee approves a reported decision: the status changes "
    "(flagged late after three months)",
    tag="members",
    body=_DECIDE_BODY,
    response=DECISION,
    path_params=("decision_id",),
)
async def approve(request: Request) -> Response:
    return await _decide(request, True)


@apispec.operation(
    "/api/v1/members/decisions/{decision_id}/reject",
    "POST",
    summary="The superior committee rejects a reported decision (a note is required)",
    tag="members",
    body=_DECIDE_BODY,
    response=DECISION,
    path_params=("decision_id",),
)
async def reject(request: Request) -> Response:
    return await _decide(request, False)


@apispec.operation(
    "/api/v1/members/decisions",
    "GET",
    summary="Decisions waiting for the viewer's approval (superior committee admins)",
    tag="members",
    response={"type": "object", "properties": {"items": {"type": "array", "items": DECISION}}},
)
async def pending(request: Request) -> Response:
    items = await approvals.pending_for(viewer_of(request))
    return JSONResponse({"items": [serialize(d) for d in items]})


routes: list[BaseRoute] = [
    Route("/api/v1/members/decisions", pending, methods=["GET"]),
    Route("/api/v1/members/{member_id:int}/decisions", propose, methods=["POST"]),
    Route("/api/v1/members/decisions/{decision_id:int}/approve", approve, methods=["POST"]),
    Route("/api/v1/members/decisions/{decision_id:int}/reject", reject, methods=["POST"]),
]
