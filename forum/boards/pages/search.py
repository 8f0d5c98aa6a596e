"""The forum's old search URL: `/forum/search?q=` now lives in the one search (`/search`)."""

from __future__ import annotations

from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response


async def search(request: Request) -> Response:
    """A permanent redirect to `/search?part=forum` with the same words (and board)."""
    params = {"q": request.query_params.get("q", ""), "part": "forum"}
    if board := request.query_params.get("board", ""):
        params["place"] = board
    return RedirectResponse("/search?" + urlencode(params), status_code=301)
