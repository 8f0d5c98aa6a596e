"""JSON API v1 of the organization tree: list, read, create and move orgs."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from forum import apispec
from forum import core_queries as queries
from forum.errors import ActionError, NotFound
from forum.http import int_param, read_json, viewer_of
from forum.models import Org
from forum.orgs import actions
from forum.policy import Viewer, can_manage_org

ORG_SCHEMA = apispec.schema(
    "Org",
    {
        "type": "object",
        "required": ["id", "name", "kind", "parent_id", "path", "is_active", "can_manage"],
        "properties": {
            "id": {"type": "integer"},
            "name": {"type": "string"},
            "kind": {"type": "string", "enum": ["committee", "general_branch", "branch", "group"]},
            "parent_id": {"type": "integer", "nullable": True},
            "path": {"type": "string"},
            "is_active": {"type": "boolean"},
            "can_manage": {"type": "boolean"},
        },
    },
)


def serialize_org(viewer: Viewer, org: Org) -> dict[str, Any]:
    return {
        "id": org.id,
        "name": org.name,
        "kind": str(org.kind),
        "parent_id": org.parent_id,
        "path": org.path,
        "is_active": org.is_active,
        "can_manage": can_manage_org(viewer, org),
    }


@apispec.operation(
    "/api/v1/orgs",
    "GET",
    summary="Visible organizations, in tree order",
    tag="orgs",
    response={"type": "array", "items": ORG_SCHEMA},
)
async def list_orgs(request: Request) -> Response:
    viewer = viewer_of(request)
    flat: list[dict[str, Any]] = []

    def walk(nodes: list[queries.OrgNode]) -> None:
        for node in nodes:
            flat.append(serialize_org(viewer, node.org))
            walk(node.children)

    walk(await queries.org_tree(viewer))
    return JSONResponse(flat)


@apispec.operation(
    "/api/v1/orgs/{org_id}",
    "GET",
    summary="One organization",
    tag="orgs",
    response=ORG_SCHEMA,
    path_params=("org_id",),
)
async def get_org(request: Request) -> Response:
    viewer = viewer_of(request)
    org = await queries.get_org_for(viewer, int_param(request.path_params["org_id"]))
    return JSONResponse(serialize_org(viewer, org))


CREATE_ORG_BODY = {
    "type": "object",
    "required": ["name", "kind", "parent_id"],
    "additionalProperties": False,
    "properties": {
        "name": {"type": "string", "minLength": 1, "maxLength": 64},
        "kind": {"type": "string", "enum": ["committee", "general_branch", "branch", "group"]},
        "parent_id": {"type": "integer", "minimum": 1, "nullable": True},
    },
}


def _reject_unknown(data: dict[str, Any], allowed: set[str]) -> None:
    extra = set(data) - allowed
    if extra:
        raise ActionError(f"未知字段：{', '.join(sorted(extra))}")


async def _parent(viewer: Viewer, value: Any) -> Org | None:
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool):
        raise ActionError("parent_id 必须是整数", field="parent_id")
    try:
        return await queries.get_org_for(viewer, int_param(value))
    except NotFound as exc:
        raise ActionError("上级组织不存在", field="parent_id") from exc


@apispec.operation(
    "/api/v1/orgs",
    "POST",
    summary="Create an organization",
    tag="orgs",
    body=CREATE_ORG_BODY,
    response=ORG_SCHEMA,
    status=201,
)
async def create_org(request: Request) -> Response:
    viewer = viewer_of(request)
    data = await read_json(request)
    _reject_unknown(data, {"name", "kind", "parent_id"})
    parent = await _parent(viewer, data.get("parent_id"))
    name, kind = data.get("name"), data.get("kind")
    if not isinstance(name, str) or not isinstance(kind, str):
        raise ActionError("name 和 kind 必须是字符串")
    org = await actions.create_org(viewer, parent, name, kind)
    return JSONResponse(serialize_org(viewer, org), status_code=201)


MOVE_BODY = {
    "type": "object",
    "required": ["parent_id"],
    "additionalProperties": False,
    "properties": {"parent_id": {"type": "integer", "minimum": 1}},
}


@apispec.operation(
    "/api/v1/orgs/{org_id}/move",
    "POST",
    summary="Re-parent an organization (subtree moves with it)",
    tag="orgs",
    body=MOVE_BODY,
    response=ORG_SCHEMA,
    path_params=("org_id",),
)
async def move_org(request: Request) -> Response:
    viewer = viewer_of(request)
    org = await queries.get_org_for(viewer, int_param(request.path_params["org_id"]))
    data = await read_json(request)
    _reject_unknown(data, {"parent_id"})
    parent = await _parent(viewer, data.get("parent_id"))
    if parent is None:
        raise ActionError("请指定上级组织", field="parent_id")
    moved = await actions.move_org(viewer, org, parent)
    return JSONResponse(serialize_org(viewer, moved))


routes: list[BaseRoute] = [
    Route("/api/v1/orgs", list_orgs, methods=["GET"]),
    Route("/api/v1/orgs", create_org, methods=["POST"]),
    Route("/api/v1/orgs/{org_id}", get_org, methods=["GET"]),
    Route("/api/v1/orgs/{org_id}/move", move_org, methods=["POST"]),
]
