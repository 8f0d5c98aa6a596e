"""Search: titles and posts the viewer may read, newest first (keyset `before`)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from forum.boards import queries
from forum.boards.pages._common import page
from forum.http import int_param, viewer_of


async def search(request: Request) -> Response:
    viewer = viewer_of(request)
    text = " ".join(request.query_params.get("q", "").split())[:100]
    before = request.query_params.get("before")
    posts, next_before = await queries.search_posts(
        viewer, text, int_param(before) if before else None
    )
    context = {"q": text, "posts": posts, "next_before": next_before}
    return await page(request, "boards/search.html", context)
