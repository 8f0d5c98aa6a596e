"""Moderators: adding (a user by name, or an org) and removing a board's moderators, from the
grants page (`#moderators`)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from forum.boards import actions
from forum.boards.pages._common import board_of
from forum.core_queries import find_user
from forum.errors import ActionError
from forum.http import int_param, read_form, text_field, viewer_of
from forum.models import Org
from forum.policy import can_admin_board, ensure_visible


async def add_moderator(request: Request) -> Response:
    viewer = viewer_of(request)
    board = await board_of(request)
    ensure_visible(can_admin_board(viewer, board.access))
    data = await read_form(request)
    username = text_field(data, "username", "用户名", max_length=64, required=False)
    user = org = None
    if username:
        user = await find_user(username)
        if user is None:
            raise ActionError("找不到该用户名", field="username")
    elif data.get("org_id"):
        org = await Org.get_or_none(id=int_param(data.get("org_id")))
    await actions.add_moderator(viewer, board, user=user, org=org, role=str(data.get("role", "")))
    return RedirectResponse(f"/forum/b/{board.id}/grants#moderators", status_code=303)


async def remove_moderator(request: Request) -> Response:
    viewer = viewer_of(request)
    board = await board_of(request)
    ensure_visible(can_admin_board(viewer, board.access))
    await read_form(request)
    await actions.remove_moderator(viewer, board, int_param(request.path_params["grant_id"]))
    return RedirectResponse(f"/forum/b/{board.id}/grants#moderators", status_code=303)
