"""Boards: the boards the viewer can see, with their unread counts and what the viewer may do."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from forum import apispec
from forum.boards import queries
from forum.boards.api._common import NULLABLE_INT, TAG, list_of
from forum.boards.models import Board
from forum.http import viewer_of
from forum.policy import Viewer, can_admin_board, can_read_board, can_start_topic

BOARD = apispec.schema(
    "Board",
    {
        "type": "object",
        "required": ["id", "name", "kind", "org_id", "unread", "can_read", "can_start_topic"],
        "properties": {
            "id": {"type": "integer"},
            "name": {"type": "string"},
            "description": {"type": "string"},
            "kind": {"type": "string", "enum": ["discussion", "consultation"]},
            "org_id": NULLABLE_INT,
            "parent_id": NULLABLE_INT,
            "unread": {"type": "integer"},
            "can_read": {"type": "boolean"},
            "can_start_topic": {"type": "boolean"},
            "can_admin": {"type": "boolean"},
        },
    },
)


def board_json(viewer: Viewer, board: Board, unread: int = 0) -> dict[str, Any]:
    return {
        "id": board.id,
        "name": board.name,
        "description": board.description,
        "kind": str(board.kind),
        "org_id": board.org_id,
        "parent_id": board.parent_id,
        "unread": unread,
        "can_read": can_read_board(viewer, board.access),
        "can_start_topic": can_start_topic(viewer, board.access),
        "can_admin": can_admin_board(viewer, board.access),
    }


@apispec.operation(
    "/api/v1/boards", "GET", summary="Boards the viewer can see", tag=TAG, response=list_of(BOARD)
)
async def api_boards(request: Request) -> Response:
    viewer = viewer_of(request)
    lists = await queries.board_list(viewer)
    rows = lists.site + lists.mine + lists.other
    return JSONResponse({"items": [board_json(viewer, r.board, r.unread) for r in rows]})
