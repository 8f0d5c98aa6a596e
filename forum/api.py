"""JSON API v1 of the kernel: the current viewer, the CSRF token and the OpenAPI document.

Parts mount their own `/api/v1/...` routes and declare them with `forum.apispec.operation`;
the document is assembled from the routes the app actually mounts, so it always matches
what is served.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from forum import apispec
from forum.http import NO_STORE, viewer_of
from forum.security.middleware import csrf_token

ME_SCHEMA = apispec.schema(
    "Me",
    {
        "type": "object",
        "required": ["authenticated", "username", "display_name", "status", "roles"],
        "properties": {
            "authenticated": {"type": "boolean"},
            "username": {"type": "string"},
            "display_name": {"type": "string"},
            "status": {"type": "string"},
            "member_id": {"type": "integer", "nullable": True},
            "org_id": {"type": "integer", "nullable": True},
            "roles": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "role": {"type": "string"},
                        "org_id": {"type": "integer", "nullable": True},
                    },
                },
            },
        },
    },
)


@apispec.operation(
    "/api/v1/me", "GET", summary="The current viewer", tag="accounts", response=ME_SCHEMA
)
async def me(request: Request) -> Response:
    v = viewer_of(request)
    return JSONResponse(
        {
            "authenticated": v.is_authenticated,
            "username": v.username,
            "display_name": v.display_name,
            "status": v.status,
            "member_id": v.member_id,
            "org_id": v.org_id,
            "roles": [{"role": g.role, "org_id": g.org_id} for g in v.roles],
        },
        headers=NO_STORE,
    )


@apispec.operation(
    "/api/v1/csrf",
    "GET",
    summary="CSRF token for unsafe API calls (send as X-CSRF-Token)",
    tag="accounts",
    response={
        "type": "object",
        "required": ["csrf_token"],
        "properties": {"csrf_token": {"type": "string"}},
    },
)
async def csrf(request: Request) -> Response:
    return JSONResponse({"csrf_token": csrf_token(request.session)})


async def openapi(request: Request) -> Response:
    return JSONResponse(apispec.document(request.app.routes))


routes: list[BaseRoute] = [
    Route("/api/v1/openapi.json", openapi, methods=["GET"]),
    Route("/api/v1/me", me, methods=["GET"]),
    Route("/api/v1/csrf", csrf, methods=["GET"]),
]
