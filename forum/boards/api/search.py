"""Search: titles and posts the viewer may read (works for Chinese without spaces)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from forum import apispec
from forum.boards import queries
from forum.boards.api._common import TAG, list_of
from forum.boards.api.posts import POST, post_json
from forum.http import int_param, viewer_of


@apispec.operation(
    "/api/v1/search",
    "GET",
    summary="Search titles and posts (works for Chinese without spaces)",
    tag=TAG,
    query={"q": {"type": "string", "maxLength": 100}, "before": {"type": "integer", "minimum": 1}},
    response=list_of(POST, "integer"),
)
async def api_search(request: Request) -> Response:
    viewer = viewer_of(request)
    text = " ".join(request.query_params.get("q", "").split())[:100]
    before = request.query_params.get("before")
    posts, next_before = await queries.search_posts(
        viewer, text, int_param(before) if before else None
    )
    return JSONResponse(
        {"items": [post_json(viewer, p.topic, p) for p in posts], "next": next_before}
    )
