"""Board grants: the matrix of who may see, read, start topics, reply, attach, moderate."""

from __future__ import annotations

from typing import Any

from tortoise.transactions import in_transaction

from forum import audit
from forum.boards.models import Board, BoardGrant
from forum.errors import ActionError
from forum.models import STATUS_RANK
from forum.policy import BOARD_SCOPES, BOARD_VERBS, Viewer, can_admin_board, ensure

# Per verb (min_status, scope, deny_sanctioned), or None: nobody.
Matrix = dict[str, tuple[str, str, bool] | None]

PUBLIC_MATRIX: Matrix = {
    "see": ("public", "anyone", False),
    "read": ("public", "anyone", False),
    "start_topic": ("public", "logged_in", False),
    "reply": ("public", "logged_in", False),
    "attach": ("activist", "logged_in", False),
    "moderate": None,
}
DEFAULT_ORG_MATRIX: Matrix = {
    "see": ("applicant", "org_subtree", False),
    "read": ("applicant", "org_only", False),
    "start_topic": ("probationary", "org_only", True),
    "reply": ("activist", "org_only", True),
    "attach": ("probationary", "org_only", True),
    "moderate": None,
}


def clean_matrix(data: dict[str, Any]) -> Matrix:
    """Form/JSON input -> per verb (min_status, scope, deny_sanctioned) or None (nobody)."""
    matrix: Matrix = {}
    for verb in BOARD_VERBS:
        status = data.get(f"{verb}_status", "")
        if status in ("", "none", None):
            matrix[verb] = None
            continue
        scope = data.get(f"{verb}_scope", "anyone")
        if status not in STATUS_RANK:
            raise ActionError("最低身份无效", field=f"{verb}_status")
        if scope not in BOARD_SCOPES:
            raise ActionError("范围无效", field=f"{verb}_scope")
        deny = data.get(f"{verb}_deny_sanctioned") in ("on", "1", "true", True)
        matrix[verb] = (str(status), str(scope), deny)
    return matrix


async def do_create_grants(board_id: int, matrix: Matrix) -> None:
    """Unchecked: one grant row per verb somebody holds."""
    for verb, rule in matrix.items():
        if rule is not None:
            await BoardGrant.create(
                board_id=board_id,
                verb=verb,
                min_status=rule[0],
                scope=rule[1],
                deny_sanctioned=rule[2],
            )


async def update_grants(actor: Viewer, board: Board, matrix: Matrix) -> None:
    """Replace a board's matrix (audited with before and after)."""
    ensure(can_admin_board(actor, board.access))
    before = {v: [r.min_status, r.scope, r.deny_sanctioned] for v, r in board.access.grants.items()}
    after = {v: list(rule) for v, rule in matrix.items() if rule is not None}
    async with in_transaction():
        await BoardGrant.filter(board_id=board.id).delete()
        await do_create_grants(board.id, matrix)
        await audit.record(
            actor,
            "board.grants_changed",
            "board",
            board.id,
            org_path=board.access.org_path or "",
            before=before,
            after=after,
        )
