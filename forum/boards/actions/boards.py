"""Creating boards: org boards start closed to the org, site boards start public."""

from __future__ import annotations

from typing import Any

from tortoise.transactions import in_transaction

from forum import audit
from forum.boards.actions.grants import (
    DEFAULT_ORG_MATRIX,
    PUBLIC_MATRIX,
    Matrix,
    do_create_grants,
)
from forum.boards.models import Board
from forum.errors import ActionError
from forum.models import Org
from forum.policy import Viewer, can_create_board, ensure


async def do_create_board(
    name: str,
    *,
    org: Org | None = None,
    parent: Board | None = None,
    kind: str = "discussion",
    description: str = "",
    position: int = 0,
    matrix: Matrix | None = None,
) -> Board:
    """Unchecked: for seeds and `create_board`."""
    board = await Board.create(
        name=name,
        org=org,
        parent=parent,
        kind=kind,
        description=description,
        position=position,
    )
    await do_create_grants(board.id, matrix or {})
    return board


async def create_board(
    actor: Viewer, org: Org | None, name_raw: Any, kind: Any, description_raw: Any = ""
) -> Board:
    """Org boards start closed to the org (DEFAULT_ORG_MATRIX); site boards start public."""
    ensure(can_create_board(actor, org))
    if kind not in ("discussion", "consultation"):
        raise ActionError("版块类型无效", field="kind")
    if not isinstance(name_raw, str) or not 2 <= len(name_raw.strip()) <= 64:
        raise ActionError("版块名称需要 2 到 64 个字", field="name")
    if not isinstance(description_raw, str) or len(description_raw) > 500:
        raise ActionError("版块说明不能超过 500 个字", field="description")
    name, description = name_raw.strip(), description_raw.strip()
    matrix = DEFAULT_ORG_MATRIX if org is not None else PUBLIC_MATRIX
    async with in_transaction():
        board = await do_create_board(
            name, org=org, kind=kind, description=description, matrix=matrix
        )
        await audit.record(
            actor,
            "board.created",
            "board",
            board.id,
            org_path=org.path if org else "",
            after={"name": name, "kind": kind},
        )
    return board
