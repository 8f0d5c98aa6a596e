"""Boards: the board list, one board's topics (site-wide pins above its own), a new board."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from forum.answers import done, keep_in_place
from forum.boards import actions, queries
from forum.boards.pages._common import board_of, page
from forum.boards.site_pins import pinned_topics as site_pins_for
from forum.errors import ActionError, NotFound
from forum.http import read_form, viewer_of
from forum.policy import can_create_boards, can_read_board, ensure_visible


async def board_list(request: Request) -> Response:
    lists = await queries.board_list(viewer_of(request))
    return await page(request, "boards/board_list.html", {"lists": lists})


async def board_page(request: Request) -> Response:
    viewer = viewer_of(request)
    board = await board_of(request)
    ensure_visible(can_read_board(viewer, board.access))
    cursor = queries.parse_topic_cursor(request.query_params.get("cursor"))
    topics = await queries.board_topics(viewer, board, cursor)
    # Topics pinned site-wide (moderation) the viewer may read, above the board's own.
    site_pins = await site_pins_for(viewer) if cursor is None else []
    context = {"board": board, "page": topics, "site_pins": site_pins}
    return await page(request, "boards/board.html", context)


async def new_board(request: Request) -> Response:
    viewer = viewer_of(request)
    ensure_visible(can_create_boards(viewer))
    orgs = await queries.creatable_orgs(viewer)
    form: dict[str, Any] = {"name": "", "description": "", "kind": "discussion", "org_id": ""}
    status = 200
    if request.method == "POST":
        data = await read_form(request)
        form = {k: str(data.get(k, "")) for k in form}
        org = next((o for o in orgs if str(o.id) == form["org_id"]), None)
        if form["org_id"] and org is None:
            raise NotFound()
        try:
            board = await actions.create_board(
                viewer, org, form["name"], form["kind"], form["description"]
            )
        except ActionError as exc:
            # The form again, its input kept and the message at its field.
            keep_in_place(request, exc, form)
            status = exc.status_code
        else:
            message = f"版块「{board.name}」已创建，请设置访问权限。"
            return done(request, f"/forum/b/{board.id}/grants", message)
    context = {"orgs": orgs, "form": form}
    return await page(request, "boards/new_board.html", context, status_code=status)
