"""Viewer facts for boards: which boards the viewer moderates (one query per request)."""

from __future__ import annotations

import dataclasses

from tortoise.expressions import Q

from forum.boards.models import BoardModerator
from forum.policy import Viewer


async def load_board_moderator_ids(viewer: Viewer) -> Viewer:
    if viewer.user_id is None:
        return viewer
    role_orgs = {g.org_id for g in viewer.roles if g.org_id is not None}
    condition = Q(user_id=viewer.user_id)
    if role_orgs:
        condition |= Q(org_id__in=sorted(role_orgs))
    rows = await BoardModerator.filter(condition).values_list(
        "board_id", "user_id", "org_id", "role"
    )
    held = {(g.org_id, g.role) for g in viewer.roles}
    ids = frozenset(
        int(board_id)
        for board_id, user_id, org_id, role in rows
        if user_id == viewer.user_id or (org_id, role) in held
    )
    return dataclasses.replace(viewer, board_moderator_ids=ids) if ids else viewer
