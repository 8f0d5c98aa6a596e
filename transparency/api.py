"""JSON API v1 for disclosures: list, get, create (draft) and workflow transitions."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from forum import apispec
from forum.errors import ActionError, NotFound
from forum.http import int_param, read_json, viewer_of
from forum.policy import (
    Viewer,
    can_approve_disclosure,
    can_correct_disclosure,
    can_propose_disclosure,
    can_publish_disclosure,
    can_reject_disclosure,
    can_review_disclosure,
    can_withdraw_disclosure,
)
from transparency import actions, forms, queries, steps
from transparency.models import REVIEW_CHECKLIST, Disclosure

SCOPES = ["public", "all_members", "org_subtree", "targeted"]
STATES = ["draft", "proposed", "reviewed", "approved", "published", "rejected", "withdrawn"]

DISCLOSURE_SCHEMA = apispec.schema(
    "Disclosure",
    {
        "type": "object",
        "required": ["id", "title", "state", "scope", "org", "category", "publish_from"],
        "properties": {
            "id": {"type": "integer"},
            "title": {"type": "string"},
            "state": {"type": "string", "enum": STATES},
            "scope": {"type": "string", "enum": SCOPES},
            "org": {
                "type": "object",
                "properties": {"id": {"type": "integer"}, "name": {"type": "string"}},
            },
            "approver_org_id": {"type": "integer", "nullable": True},
            "category": {
                "type": "object",
                "properties": {"id": {"type": "integer"}, "name": {"type": "string"}},
            },
            "publish_from": {"type": "string", "format": "date-time"},
            "until": {"type": "string", "format": "date-time", "nullable": True},
            "body_html": {"type": "string"},
            "revision_count": {"type": "integer"},
            "attachments": {"type": "array", "items": {"type": "object"}},
            "reject_reason": {"type": "string"},
            "withdraw_reason": {"type": "string"},
            "url": {"type": "string"},
            "can": {"type": "object", "additionalProperties": {"type": "boolean"}},
        },
    },
)
LIST_SCHEMA = {
    "type": "object",
    "required": ["items", "next_cursor"],
    "properties": {
        "items": {"type": "array", "items": DISCLOSURE_SCHEMA},
        "next_cursor": {"type": "string", "nullable": True},
    },
}
CREATE_BODY = {
    "type": "object",
    "required": ["org_id", "title", "body", "category_id", "scope"],
    "additionalProperties": False,
    "properties": {
        "org_id": {"type": "integer", "minimum": 1},
        "title": {"type": "string", "minLength": 2, "maxLength": 120},
        "body": {"type": "string", "minLength": 1, "maxLength": 50000},
        "category_id": {"type": "integer", "minimum": 1},
        "scope": {"type": "string", "enum": SCOPES},
        "publish_from": {"type": "string", "format": "date-time", "nullable": True},
        "until": {"type": "string", "format": "date-time", "nullable": True},
        "attachments": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["url"],
                "additionalProperties": False,
                "properties": {"title": {"type": "string"}, "url": {"type": "string"}},
            },
        },
        "target_org_ids": {"type": "array", "items": {"type": "integer", "minimum": 1}},
        "target_usernames": {"type": "array", "items": {"type": "string"}},
    },
}
TRANSITION_BODY = {
    "type": "object",
    "required": ["step"],
    "additionalProperties": False,
    "properties": {
        "step": {"type": "string", "enum": list(steps.STEPS)},
        "reason": {"type": "string", "maxLength": 500},
        "note": {"type": "string", "maxLength": 500},
        "checklist": {
            "type": "array",
            "items": {"type": "string", "enum": [k for k, _ in REVIEW_CHECKLIST]},
        },
    },
}


def serialize(viewer: Viewer, d: Disclosure, *, full: bool = False) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": d.id,
        "title": d.title,
        "state": str(d.state),
        "scope": str(d.scope),
        "org": {"id": d.org.id, "name": d.org.name},
        "category": {"id": d.category.id, "name": d.category.name},
        "publish_from": d.publish_from.isoformat(),
        "until": d.until.isoformat() if d.until else None,
        "revision_count": d.revision_count,
        "url": f"/disclosures/{d.id}",
    }
    if full:
        data.update(
            body_html=d.body_html,
            attachments=d.attachments,
            approver_org_id=d.approver_org_id,
            reject_reason=d.reject_reason,
            withdraw_reason=d.withdraw_reason,
            can={
                "propose": can_propose_disclosure(viewer, d),
                "review": can_review_disclosure(viewer, d),
                "approve": can_approve_disclosure(viewer, d),
                "publish": can_publish_disclosure(viewer, d),
                "reject": can_reject_disclosure(viewer, d),
                "withdraw": can_withdraw_disclosure(viewer, d),
                "correct": can_correct_disclosure(viewer, d),
            },
        )
    return data


def _query_int(request: Request, name: str) -> int | None:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return None
    if not raw.isdigit() or not 0 < int(raw) < 2**31:
        raise ActionError(f"{name} 必须是正整数", field=name)
    return int(raw)


@apispec.operation(
    "/api/v1/disclosures",
    "GET",
    summary="Disclosure items the viewer may read (board or archive), newest first",
    tag="disclosures",
    response=LIST_SCHEMA,
    query={
        "org": {"type": "integer", "minimum": 1},
        "category": {"type": "integer", "minimum": 1},
        "year": {"type": "integer", "minimum": 1901, "maximum": 2999},
        "q": {"type": "string", "maxLength": 50},
        "view": {"type": "string", "enum": ["current", "archive"]},
        "audience": {"type": "string", "enum": ["all", "members"]},
        "cursor": {"type": "string"},
    },
)
async def list_disclosures(request: Request) -> Response:
    viewer = viewer_of(request)
    org_id = _query_int(request, "org")
    year = _query_int(request, "year")
    view = request.query_params.get("view", "current")
    if view not in {"current", "archive"}:
        raise ActionError("view 只能是 current 或 archive", field="view")
    audience = request.query_params.get("audience", "all")
    if audience not in {"all", "members"}:
        raise ActionError("audience 只能是 all 或 members", field="audience")
    if year is not None and not 1900 < year < 3000:
        raise ActionError("year 超出范围", field="year")
    filters = queries.BoardFilter(
        org=await queries.get_org(org_id) if org_id else None,
        category_id=_query_int(request, "category"),
        year=year,
        q=(request.query_params.get("q") or "")[: queries.MAX_QUERY],
        archive=view == "archive",
        members_only=audience == "members",
        cursor=queries.decode_cursor(request.query_params.get("cursor")),
    )
    page = await queries.board(viewer, filters)
    return JSONResponse(
        {"items": [serialize(viewer, d) for d in page.items], "next_cursor": page.next_cursor}
    )


@apispec.operation(
    "/api/v1/disclosures/{item_id}",
    "GET",
    summary="One disclosure item",
    tag="disclosures",
    response=DISCLOSURE_SCHEMA,
    path_params=("item_id",),
)
async def get_disclosure(request: Request) -> Response:
    viewer = viewer_of(request)
    d = await queries.get_disclosure_for(viewer, int_param(request.path_params["item_id"]))
    return JSONResponse(serialize(viewer, d, full=True))


@apispec.operation(
    "/api/v1/disclosures",
    "POST",
    summary="Create a draft for an org",
    tag="disclosures",
    body=CREATE_BODY,
    response=DISCLOSURE_SCHEMA,
    status=201,
)
async def create_disclosure(request: Request) -> Response:
    viewer = viewer_of(request)
    org_id, draft = await forms.draft_from_json(await read_json(request))
    try:
        org = await queries.get_org(org_id)
    except NotFound as exc:
        raise ActionError("组织不存在", field="org_id") from exc
    d = await actions.create_disclosure(viewer, org, draft)
    return JSONResponse(serialize(viewer, d, full=True), status_code=201)


def _opt_str(data: dict[str, Any], name: str) -> str:
    value = data.get(name, "")
    if not isinstance(value, str):
        raise ActionError(f"{name} 必须是字符串", field=name)
    return value


@apispec.operation(
    "/api/v1/disclosures/{item_id}/transitions",
    "POST",
    summary="Move an item through the workflow (propose, review, approve, publish, reject, "
    "withdraw)",
    tag="disclosures",
    body=TRANSITION_BODY,
    response=DISCLOSURE_SCHEMA,
    path_params=("item_id",),
)
async def transition(request: Request) -> Response:
    viewer = viewer_of(request)
    d = await queries.get_disclosure_for(viewer, int_param(request.path_params["item_id"]))
    data = await read_json(request)
    extra = set(data) - {"step", "reason", "note", "checklist"}
    if extra:
        raise ActionError(f"未知字段：{', '.join(sorted(extra))}")
    step = data.get("step")
    checklist = data.get("checklist", [])
    if not isinstance(checklist, list) or not all(isinstance(c, str) for c in checklist):
        raise ActionError("checklist 必须是字符串数组", field="checklist")
    step_input = steps.StepInput(
        reason=_opt_str(data, "reason"), note=_opt_str(data, "note"), checklist=checklist
    )
    d = await steps.take_step(viewer, d, step, step_input)
    return JSONResponse(serialize(viewer, d, full=True))


routes: list[BaseRoute] = [
    Route("/api/v1/disclosures", list_disclosures, methods=["GET"]),
    Route("/api/v1/disclosures", create_disclosure, methods=["POST"]),
    Route("/api/v1/disclosures/{item_id}", get_disclosure, methods=["GET"]),
    Route("/api/v1/disclosures/{item_id}/transitions", transition, methods=["POST"]),
]
