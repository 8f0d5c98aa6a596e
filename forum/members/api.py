"""JSON API v1 for the directory: search, records (field-level), create, reveal, statistics."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from forum import apispec
from forum.errors import ActionError, NotFound
from forum.http import NO_STORE, int_param, read_json, viewer_of
from forum.members import actions, queries, stats, transfers
from forum.members.fields import MILESTONES, TEXT_FIELDS
from forum.members.web_stats import scope_org
from forum.models import ROLE_LABELS, STATUS_LABELS, Member, Org, OrgRole
from forum.policy import Viewer, can_see_member_field, can_see_org

MAX_INT = 2**31 - 1
CARD = apispec.schema(
    "MemberCard",
    {
        "type": "object",
        "required": ["id", "name", "status", "org_id", "org_name", "roles"],
        "properties": {
            "id": {"type": "integer"},
            "name": {"type": "string"},
            "status": {"type": "string"},
            "org_id": {"type": "integer"},
            "org_name": {"type": "string"},
            "group_id": {"type": "integer", "nullable": True},
            "roles": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {"role": {"type": "string"}, "org_id": {"type": "integer"}},
                },
            },
        },
    },
)
RECORD = apispec.schema(
    "MemberRecord",
    {
        "type": "object",
        "required": ["id", "name", "status", "org_id", "org_name", "roles"],
        "properties": {
            "id": {"type": "integer"},
            "name": {"type": "string"},
            "status": {"type": "string"},
            "org_id": {"type": "integer"},
            "org_name": {"type": "string"},
            "group_id": {"type": "integer", "nullable": True},
            "roles": {"type": "array", "items": {"type": "object"}},
            "sex": {"type": "string"},
            "birth_date": {"type": "string", "nullable": True},
            "id_number_masked": {"type": "string"},
            **{name: {"type": "string"} for name in TEXT_FIELDS},
            **{name: {"type": "string", "nullable": True} for name, _ in MILESTONES},
            "floating": {"type": "boolean"},
        },
    },
)
CREATE_BODY: dict[str, Any] = {
    "type": "object",
    "required": ["org_id", "name", "id_number", "status"],
    "additionalProperties": False,
    "properties": {
        "org_id": {"type": "integer", "minimum": 1, "maximum": MAX_INT},
        "group_id": {"type": "integer", "minimum": 1, "maximum": MAX_INT, "nullable": True},
        "name": {"type": "string", "minLength": 1, "maxLength": 32},
        "id_number": {"type": "string", "pattern": "^[0-9]{17}[0-9Xx]$"},
        "status": {"type": "string", "enum": [k for k in STATUS_LABELS if k != "public"]},
        "sex": {"type": "string", "enum": ["M", "F", ""]},
        "birth_date": {"type": "string"},
        **{name: {"type": "string"} for name in TEXT_FIELDS},
        **{name: {"type": "string"} for name, _ in MILESTONES},
    },
}


def card(member: Member, roles: list[OrgRole]) -> dict[str, Any]:
    return {
        "id": member.id,
        "name": member.name,
        "status": str(member.status),
        "org_id": member.org_id,
        "org_name": member.org.name,
        "group_id": member.group_id,
        "roles": [{"role": str(r.role), "org_id": r.org_id} for r in roles],
    }


def record(viewer: Viewer, member: Member, roles: list[OrgRole]) -> dict[str, Any]:
    data = card(member, roles)
    if not can_see_member_field(viewer, member, "sex"):
        return data
    data.update(
        sex=member.sex,
        birth_date=member.birth_date.isoformat() if member.birth_date else None,
        id_number_masked=member.id_number_hint,
        floating=member.floating,
        **{name: getattr(member, name) for name in TEXT_FIELDS},
        **{
            name: getattr(member, name).isoformat() if getattr(member, name) else None
            for name, _ in MILESTONES
        },
    )
    return data


def _choice(raw: str | None, allowed: dict[str, str], name: str) -> str | None:
    if raw is None:
        return None
    if raw not in allowed or raw == "public":
        raise ActionError(f"{name} 取值无效", field=name)
    return raw


@apispec.operation(
    "/api/v1/members",
    "GET",
    summary="Search the directory (keyset pages by id)",
    tag="members",
    query={
        "q": {"type": "string", "maxLength": 32},
        "org": {"type": "integer", "minimum": 1, "maximum": MAX_INT},
        "status": {"type": "string", "enum": [k for k in STATUS_LABELS if k != "public"]},
        "role": {"type": "string", "enum": list(ROLE_LABELS)},
        "after": {"type": "integer", "minimum": 1, "maximum": MAX_INT},
        "limit": {"type": "integer", "minimum": 1, "maximum": queries.MAX_PAGE_SIZE},
    },
    response={
        "type": "object",
        "required": ["items", "next_cursor"],
        "properties": {
            "items": {"type": "array", "items": CARD},
            "next_cursor": {"type": "integer", "nullable": True},
        },
    },
)
async def search(request: Request) -> Response:
    viewer = viewer_of(request)
    p = request.query_params
    unknown = set(p) - {"q", "org", "status", "role", "after", "limit"}
    if unknown:
        raise ActionError(f"未知参数：{', '.join(sorted(unknown))}")
    org = None
    if "org" in p:
        org = await Org.get_or_none(id=_int(p["org"], "org"))
        if org is None or not can_see_org(viewer, org):
            raise NotFound()
    name = (p.get("q") or "").strip()
    if len(p.get("q") or "") > 32:
        raise ActionError("q 不能超过 32 个字符", field="q")
    page = await queries.search_members(
        viewer,
        name=name,
        org=org,
        status=_choice(p.get("status"), STATUS_LABELS, "status"),
        role=_choice(p.get("role"), ROLE_LABELS, "role"),
        after=_int(p["after"], "after") if "after" in p else None,
        limit=_limit(p.get("limit")),
    )
    items = [card(m, page.roles.get(m.user_id or 0, [])) for m in page.members]
    return JSONResponse({"items": items, "next_cursor": page.next_cursor}, headers=NO_STORE)


def _limit(raw: str | None) -> int:
    if raw is None:
        return queries.PAGE_SIZE
    value = _int(raw, "limit")
    if value > queries.MAX_PAGE_SIZE:
        raise ActionError(f"limit 不能超过 {queries.MAX_PAGE_SIZE}", field="limit")
    return value


def _int(raw: str, name: str) -> int:
    if not raw.isdigit() or not 0 < int(raw) < 2**31:
        raise ActionError(f"{name} 必须是正整数", field=name)
    return int(raw)


@apispec.operation(
    "/api/v1/members/{member_id}",
    "GET",
    summary="One member record (fields by permission; the ID number masked)",
    tag="members",
    response=RECORD,
    path_params=("member_id",),
)
async def get_member(request: Request) -> Response:
    viewer = viewer_of(request)
    member = await queries.get_member_for(viewer, int_param(request.path_params["member_id"]))
    roles = await queries.roles_by_user([member])
    return JSONResponse(
        record(viewer, member, roles.get(member.user_id or 0, [])), headers=NO_STORE
    )


@apispec.operation(
    "/api/v1/members",
    "POST",
    summary="Create a member record",
    tag="members",
    body=CREATE_BODY,
    response=RECORD,
    status=201,
)
async def create(request: Request) -> Response:
    viewer = viewer_of(request)
    data = await read_json(request)
    allowed = set(CREATE_BODY["properties"])
    extra = set(data) - allowed
    if extra:
        raise ActionError(f"未知字段：{', '.join(sorted(extra))}")
    for key, value in data.items():
        expected_int = key in {"org_id", "group_id"}
        if expected_int and value is not None and (type(value) is not int):
            raise ActionError(f"{key} 必须是整数", field=key)
        if not expected_int and not isinstance(value, str):
            raise ActionError(f"{key} 必须是字符串", field=key)
    org_id = data.get("org_id")
    org = await Org.get_or_none(id=org_id) if isinstance(org_id, int) and org_id > 0 else None
    if org is None:
        raise ActionError("所在组织不存在", field="org_id")
    group_id = data.get("group_id")
    member = await actions.create_member(viewer, org, data, group_id)
    member.org = org
    return JSONResponse(record(viewer, member, []), status_code=201)


@apispec.operation(
    "/api/v1/members/{member_id}/reveal",
    "POST",
    summary="Reveal the full ID number (admins of the member's scope; audited)",
    tag="members",
    body={
        "type": "object",
        "additionalProperties": False,
        "required": ["reason"],
        "properties": {"reason": {"type": "string", "minLength": 1, "maxLength": 200}},
    },
    response={
        "type": "object",
        "required": ["id_number"],
        "properties": {"id_number": {"type": "string"}},
    },
    path_params=("member_id",),
)
async def reveal(request: Request) -> Response:
    viewer = viewer_of(request)
    member = await queries.get_member_for(viewer, int_param(request.path_params["member_id"]))
    data = await read_json(request)
    if set(data) - {"reason"}:
        raise ActionError("未知字段")
    reason = data.get("reason", "")
    if not isinstance(reason, str) or len(reason) > 200:
        raise ActionError("reason 必须是不超过 200 个字符的字符串", field="reason")
    value = await actions.reveal_id_number(viewer, member, reason)
    return JSONResponse({"id_number": value}, headers={"Cache-Control": "no-store"})


@apispec.operation(
    "/api/v1/members/stats",
    "GET",
    summary="Live statistics of an org subtree",
    tag="members",
    query={"org": {"type": "integer", "minimum": 1, "maximum": MAX_INT}},
    response={
        "type": "object",
        "required": ["org_id", "total", "dimensions"],
        "properties": {
            "org_id": {"type": "integer"},
            "total": {"type": "integer"},
            "dimensions": {"type": "object"},
        },
    },
)
async def member_stats(request: Request) -> Response:
    viewer = viewer_of(request)
    raw = request.query_params.get("org")
    org = await scope_org(viewer, str(_int(raw, "org")) if raw is not None else None)
    result = await stats.compute(org)
    return JSONResponse({"org_id": org.id, "total": result.total, "dimensions": result.by_key()})


@apispec.operation(
    "/api/v1/members/transfers/{transfer_id}",
    "GET",
    summary="A transfer slip (both sides and the member see it)",
    tag="members",
    path_params=("transfer_id",),
)
async def get_transfer(request: Request) -> Response:
    viewer = viewer_of(request)
    t = await transfers.get_transfer_for(viewer, int_param(request.path_params["transfer_id"]))
    return JSONResponse(
        {
            "id": t.id,
            "member_id": t.member_id,
            "from_org_id": t.from_org_id,
            "to_org_id": t.to_org_id,
            "placed_org_id": t.placed_org_id,
            "state": str(t.state),
            "letter_number": t.letter_number,
            "letter_expires_on": t.letter_expires_on.isoformat() if t.letter_expires_on else None,
            "allowed_steps": transfers.allowed_steps(viewer, t),
        }
    )


async def collection(request: Request) -> Response:
    """One route per path, so 405 responses list every method the path supports."""
    return await (create(request) if request.method == "POST" else search(request))


routes: list[BaseRoute] = [
    Route("/api/v1/members", collection, methods=["GET", "POST"]),
    Route("/api/v1/members/stats", member_stats, methods=["GET"]),
    Route("/api/v1/members/transfers/{transfer_id:int}", get_transfer, methods=["GET"]),
    Route("/api/v1/members/{member_id:int}", get_member, methods=["GET"]),
    Route("/api/v1/members/{member_id:int}/reveal", reveal, methods=["POST"]),
]
