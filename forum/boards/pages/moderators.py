"""Moderators: adding (a user by name, or an org) and removing a board's moderators, from the
grants page (`#moderators`)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from forum.answers import ask_confirmation, done
from forum.boards import actions
from forum.boards.models import BoardModerator
from forum.boards.pages._common import board_of
from forum.core_queries import find_user
from forum.errors import ActionError
from forum.http import int_param, read_form, text_field, viewer_of
from forum.models import ROLE_LABELS, Org, User
from forum.policy import can_admin_board, ensure_visible


async def _moderator_name(grant: BoardModerator) -> str:
    if grant.user_id is not None:
        user = await User.get_or_none(id=grant.user_id)
        return user.display_name if user else ""
    org = await Org.get_or_none(id=grant.org_id) if grant.org_id is not None else None
    return f"{org.name if org else ''}的{ROLE_LABELS.get(grant.role, grant.role)}"


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
        if str(data.get("role", "")) not in ROLE_LABELS:
            raise ActionError("请选择职务", field="role")
    grant = await actions.add_moderator(
        viewer, board, user=user, org=org, role=str(data.get("role", ""))
    )
    if user is not None:
        message = f"已添加 {user.display_name} 为版主。"
    else:
        label = ROLE_LABELS.get(grant.role, grant.role)
        message = f"已添加{org.name if org else ''}的{label}为版主。"
    return done(request, f"/forum/b/{board.id}/grants#moderators", message)


async def remove_moderator(request: Request) -> Response:
    viewer = viewer_of(request)
    board = await board_of(request)
    ensure_visible(can_admin_board(viewer, board.access))
    await read_form(request)
    grant_id = int_param(request.path_params["grant_id"])
    grant = await actions.check_remove_moderator(viewer, board, grant_id)
    who = await _moderator_name(grant)
    question = f"确定移除版主 {who}？移除后其在「{board.name}」的管理权限立即失效。"
    if (ask := await ask_confirmation(request, question, confirm_label="移除版主")) is not None:
        return ask
    await actions.remove_moderator(viewer, board, grant_id)
    return done(request, f"/forum/b/{board.id}/grants#moderators", f"已移除版主 {who}。")
