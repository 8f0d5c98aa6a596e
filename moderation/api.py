"""JSON API of moderation: flag, review queue and decisions, sanctions, audit search."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from forum import apispec
from forum.auditlog import AuditEntry
from forum.errors import ActionError, NotFound
from forum.http import int_param, read_json, viewer_of
from forum.policy import can_view_review_queue, ensure
from moderation import audit_queries, queries, review, sanctions
from moderation.models import FLAG_REASON_LABELS, SANCTION_LABELS, ReviewItem, Sanction

ID = {"type": "integer", "minimum": 1}
FLAG_BODY = {
    "type": "object",
    "additionalProperties": False,
    "required": ["kind", "target_id", "reason"],
    "properties": {
        "kind": {"type": "string", "maxLength": 32},
        "target_id": ID,
        "reason": {"type": "string", "enum": list(FLAG_REASON_LABELS)},
        "text": {"type": "string", "maxLength": 500},
    },
}
DECISION_BODY = {
    "type": "object",
    "additionalProperties": False,
    "required": ["decision"],
    "properties": {
        "decision": {"type": "string", "enum": list(review.DECISIONS)},
        "reason": {"type": "string", "maxLength": 1000},
        "body": {"type": "string", "maxLength": 50000},
    },
}
SANCTION_BODY = {
    "type": "object",
    "additionalProperties": False,
    "required": ["username", "kind", "reason"],
    "properties": {
        "username": {"type": "string", "maxLength": 64},
        "kind": {"type": "string", "enum": list(SANCTION_LABELS)},
        "reason": {"type": "string", "maxLength": 1000},
        "days": {"type": "integer", "minimum": 0, "maximum": 3650},
        "hours": {"type": "integer", "minimum": 0, "maximum": 87600},
    },
}
LIFT_BODY = {
    "type": "object",
    "additionalProperties": False,
    "required": ["reason"],
    "properties": {"reason": {"type": "string", "maxLength": 1000}},
}
REVIEW_ITEM = apispec.schema(
    "ReviewItem",
    {
        "type": "object",
        "properties": {
            "id": {"type": "integer"},
            "kind": {"type": "string"},
            "target_id": {"type": "integer"},
            "source": {"type": "string"},
            "excerpt": {"type": "string"},
            "reasons": {"type": "array", "items": {"type": "string"}},
            "flag_count": {"type": "integer"},
            "hidden": {"type": "boolean"},
        },
    },
)
SANCTION = apispec.schema(
    "Sanction",
    {
        "type": "object",
        "properties": {
            "id": {"type": "integer"},
            "user_id": {"type": "integer"},
            "kind": {"type": "string"},
            "ends_at": {"type": ["string", "null"]},
            "lifted": {"type": "boolean"},
        },
    },
)
AUDIT_ENTRY = apispec.schema(
    "AuditEntry",
    {
        "type": "object",
        "properties": {
            "id": {"type": "integer"},
            "created_at": {"type": "string"},
            "actor": {"type": "string"},
            "action": {"type": "string"},
            "target_type": {"type": "string"},
            "target_id": {"type": "string"},
            "org_path": {"type": "string"},
            "reason": {"type": "string"},
            "ip": {"type": "string"},
            "before": {"type": ["object", "null"]},
            "after": {"type": ["object", "null"]},
        },
    },
)


def _validate(data: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    """Strict check against the small schemas above: unknown fields and wrong types -> 400."""
    props: dict[str, dict[str, Any]] = schema["properties"]
    extra = set(data) - set(props)
    if extra:
        raise ActionError(f"未知字段：{', '.join(sorted(extra))}")
    for name in schema.get("required", []):
        if name not in data:
            raise ActionError(f"缺少字段：{name}", field=name)
    for name, value in data.items():
        spec = props[name]
        if spec["type"] == "integer":
            if not isinstance(value, int) or isinstance(value, bool):
                raise ActionError(f"{name} 必须是整数", field=name)
            if not spec.get("minimum", -(2**31)) <= value <= spec.get("maximum", 2**31 - 1):
                raise ActionError(f"{name} 超出范围", field=name)
        elif not isinstance(value, str):
            raise ActionError(f"{name} 必须是字符串", field=name)
        elif len(value) > spec.get("maxLength", 10_000) or "\x00" in value:
            raise ActionError(f"{name} 过长或含有无效字符", field=name)
        elif "enum" in spec and value not in spec["enum"]:
            raise ActionError(f"{name} 的取值无效", field=name)
    return data


def serialize_item(item: ReviewItem) -> dict[str, Any]:
    return {
        "id": item.id,
        "kind": item.target_kind,
        "target_id": item.target_id,
        "source": str(item.source),
        "excerpt": item.excerpt,
        "reasons": list(item.reasons),
        "flag_count": item.flag_count,
        "hidden": item.hidden_by_review,
    }


def serialize_sanction(s: Sanction) -> dict[str, Any]:
    return {
        "id": s.id,
        "user_id": s.user_id,
        "kind": str(s.kind),
        "ends_at": s.ends_at.isoformat() if s.ends_at else None,
        "lifted": s.lifted_at is not None,
    }


def serialize_entry(e: AuditEntry) -> dict[str, Any]:
    return {
        "id": e.id,
        "created_at": e.created_at.isoformat(),
        "actor": e.actor_name,
        "action": e.action,
        "target_type": e.target_type,
        "target_id": e.target_id,
        "org_path": e.org_path,
        "reason": e.reason,
        "ip": e.ip,
        "before": e.before,
        "after": e.after,
    }


@apispec.operation(
    "/api/v1/moderation/flags", "POST", summary="Flag an item", tag="moderation",
    body=FLAG_BODY, status=201,
    response={"type": "object", "properties": {"id": {"type": "integer"}}},
)  # fmt: skip
async def api_flag(request: Request) -> Response:
    data = _validate(await read_json(request), FLAG_BODY)
    flag = await review.flag_content(
        viewer_of(request), data["kind"], data["target_id"], data["reason"], data.get("text", "")
    )
    return JSONResponse({"id": flag.id}, status_code=201)


@apispec.operation(
    "/api/v1/moderation/review", "GET", summary="Open review items in my scope",
    tag="moderation", query={"after": ID},
    response={"type": "object", "properties": {
        "items": {"type": "array", "items": REVIEW_ITEM}, "next": {"type": ["integer", "null"]}}},
)  # fmt: skip
async def api_queue(request: Request) -> Response:
    after = request.query_params.get("after")
    items, cursor = await queries.review_queue(
        viewer_of(request), after=int_param(after) if after else None
    )
    return JSONResponse({"items": [serialize_item(i) for i in items], "next": cursor})


@apispec.operation(
    "/api/v1/moderation/review/{item_id}", "POST", summary="Decide on a review item",
    tag="moderation", body=DECISION_BODY, path_params=("item_id",),
    response={"type": "object", "properties": {"ok": {"type": "boolean"}}},
)  # fmt: skip
async def api_decide(request: Request) -> Response:
    viewer = viewer_of(request)
    item = await review.get_item_for(viewer, int_param(request.path_params["item_id"]))
    data = _validate(await read_json(request), DECISION_BODY)
    await review.moderate_content(
        viewer,
        item.target_kind,
        item.target_id,
        data["decision"],
        data.get("reason", ""),
        new_text=data.get("body", ""),
    )
    return JSONResponse({"ok": True})


@apispec.operation(
    "/api/v1/moderation/sanctions", "POST", summary="Warn, silence or suspend an account",
    tag="moderation", body=SANCTION_BODY, status=201, response=SANCTION,
)  # fmt: skip
async def api_sanction(request: Request) -> Response:
    viewer = viewer_of(request)
    ensure(can_view_review_queue(viewer))
    data = _validate(await read_json(request), SANCTION_BODY)
    try:
        user = await queries.find_user(data["username"])
    except NotFound as exc:
        raise ActionError("找不到该用户名", field="username") from exc
    sanction = await sanctions.sanction_user(
        viewer, user, data["kind"], data["reason"], days=data.get("days"), hours=data.get("hours")
    )
    return JSONResponse(serialize_sanction(sanction), status_code=201)


@apispec.operation(
    "/api/v1/moderation/sanctions/{sanction_id}/lift", "POST", summary="Lift a sanction early",
    tag="moderation", body=LIFT_BODY, path_params=("sanction_id",), response=SANCTION,
)  # fmt: skip
async def api_lift(request: Request) -> Response:
    viewer = viewer_of(request)
    ensure(can_view_review_queue(viewer))
    sanction = await sanctions.get_sanction(int_param(request.path_params["sanction_id"]))
    data = _validate(await read_json(request), LIFT_BODY)
    lifted = await sanctions.lift_sanction(viewer, sanction, data["reason"])
    return JSONResponse(serialize_sanction(lifted))


@apispec.operation(
    "/api/v1/moderation/audit", "GET", summary="Search the audit log (my scope)",
    tag="moderation",
    query={"q": {"type": "string", "maxLength": 100},
           "action": {"type": "string", "maxLength": 64},
           "actor": {"type": "string", "maxLength": 32},
           "org": {"type": "string", "pattern": "^(/[0-9]+)*/$", "maxLength": 255},
           "from": {"type": "string", "format": "date"},
           "to": {"type": "string", "format": "date"}, "before": ID},
    response={"type": "object", "properties": {
        "entries": {"type": "array", "items": AUDIT_ENTRY}, "next": {"type": ["integer", "null"]}}},
)  # fmt: skip
async def api_audit(request: Request) -> Response:
    before = request.query_params.get("before")
    entries, cursor = await audit_queries.search(
        viewer_of(request),
        audit_queries.filter_from_params(request.query_params),
        before=int_param(before) if before else None,
    )
    return JSONResponse({"entries": [serialize_entry(e) for e in entries], "next": cursor})


api_routes: list[BaseRoute] = [
    Route("/api/v1/moderation/flags", api_flag, methods=["POST"]),
    Route("/api/v1/moderation/review", api_queue, methods=["GET"]),
    Route("/api/v1/moderation/review/{item_id}", api_decide, methods=["POST"]),
    Route("/api/v1/moderation/sanctions", api_sanction, methods=["POST"]),
    Route("/api/v1/moderation/sanctions/{sanction_id}/lift", api_lift, methods=["POST"]),
    Route("/api/v1/moderation/audit", api_audit, methods=["GET"]),
]
