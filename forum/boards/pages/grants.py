"""Grants: a board's access matrix (verb x scope) and its moderators, on one page."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from forum.answers import done, keep_in_place
from forum.boards import actions, queries
from forum.boards.pages._common import board_of, page
from forum.errors import ActionError
from forum.http import read_form, viewer_of
from forum.models import ROLE_LABELS, STATUS_LABELS
from forum.policy import BOARD_SCOPES, BOARD_VERBS, can_admin_board, ensure_visible

VERB_LABELS = {
    "see": "看到版块",
    "read": "阅读主题",
    "start_topic": "发起主题",
    "reply": "回复",
    "attach": "上传附件",
    "moderate": "管理版块",
}
SCOPE_LABELS = {
    "anyone": "所有人（含游客）",
    "logged_in": "已登录用户",
    "org_subtree": "本组织及下级组织成员",
    "org_only": "仅本组织成员",
}


async def grants(request: Request) -> Response:
    viewer = viewer_of(request)
    board = await board_of(request)
    ensure_visible(can_admin_board(viewer, board.access))
    status = 200
    if request.method == "POST":
        data = await read_form(request)
        values = {k: v for k, v in data.items() if isinstance(v, str)}
        try:
            matrix = actions.clean_matrix(values)
            await actions.update_grants(viewer, board, matrix)
        except ActionError as exc:
            # The matrix again as it was sent, the message at the refused field.
            keep_in_place(request, exc, {**values, "_form": "grants"})
            status = exc.status_code
        else:
            return done(request, f"/forum/b/{board.id}/grants", "访问权限已保存。")
    context = {
        "board": board,
        "verbs": BOARD_VERBS,
        "scopes": BOARD_SCOPES,
        "verb_labels": VERB_LABELS,
        "scope_labels": SCOPE_LABELS,
        "status_labels": STATUS_LABELS,
        "moderators": await queries.board_moderators(board),
        "role_labels": ROLE_LABELS,
    }
    return await page(request, "boards/grants.html", context, status_code=status)
