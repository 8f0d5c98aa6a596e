"""Board moderators: a person, or whoever holds a role in an org (audited)."""

from __future__ import annotations

from tortoise.transactions import in_transaction

from forum import audit
from forum.boards.models import Board, BoardModerator
from forum.errors import ActionError
from forum.models import ROLE_LABELS, Org, User
from forum.policy import Viewer, can_admin_board, ensure


async def add_moderator(
    actor: Viewer, board: Board, *, user: User | None = None, org: Org | None = None, role: str = ""
) -> BoardModerator:
    """Grant moderation of `board` to a person, or to whoever holds `role` in `org`."""
    ensure(can_admin_board(actor, board.access))
    if user is None and (org is None or role not in ROLE_LABELS):
        raise ActionError("请填写用户名，或选择组织和职务", field="username")
    async with in_transaction():
        grant = await BoardModerator.create(
            board_id=board.id,
            user_id=user.id if user else None,
            org_id=org.id if org and user is None else None,
            role=role if user is None else "",
        )
        await audit.record(
            actor,
            "board.moderator_added",
            "board",
            board.id,
            org_path=board.access.org_path or "",
            after={"user_id": grant.user_id, "org_id": grant.org_id, "role": grant.role},
        )
    return grant


async def check_remove_moderator(actor: Viewer, board: Board, grant_id: int) -> BoardModerator:
    """The grant to end; raises what would refuse ending it, before the page asks."""
    ensure(can_admin_board(actor, board.access))
    grant = await BoardModerator.get_or_none(id=grant_id, board_id=board.id)
    if grant is None:
        raise ActionError("该版主授权不存在")
    return grant


async def remove_moderator(actor: Viewer, board: Board, grant_id: int) -> None:
    grant = await check_remove_moderator(actor, board, grant_id)
    async with in_transaction():
        await grant.delete()
        await audit.record(
            actor,
            "board.moderator_removed",
            "board",
            board.id,
            org_path=board.access.org_path or "",
            before={"user_id": grant.user_id, "org_id": grant.org_id, "role": grant.role},
        )
