"""Viewer facts for boards: which boards the viewer moderates (one query per request)."""

from __future__ import annotations

import dataclasses

from forum.db import raw
from forum.policy import Viewer


async def load_board_moderator_ids(viewer: Viewer) -> Viewer:
    if viewer.user_id is None:
        return viewer
    # Plain SQL: every logged-in request runs this.
    role_orgs = sorted({g.org_id for g in viewer.roles if g.org_id is not None})
    query = "SELECT board_id, user_id, org_id, role FROM boards_moderators WHERE user_id = ?"
    if role_orgs:  # indexes: (user_id) and (org_id, role)
        query += f" OR org_id IN ({','.join('?' for _ in role_orgs)})"
    rows = await raw(query, [viewer.user_id, *role_orgs])
    held = {(g.org_id, g.role) for g in viewer.roles}
    ids = frozenset(
        int(r["board_id"])
        for r in rows
        if r["user_id"] == viewer.user_id or (r["org_id"], r["role"]) in held
    )
    return dataclasses.replace(viewer, board_moderator_ids=ids) if ids else viewer


def board_moderator_column(postgres: bool) -> str:
    """The boards the account moderates (directly, or through a role it holds now) as one
    comma-separated text value, riding in the viewer's statement (`ViewerFacts.column`)."""
    return _MODERATED_PG if postgres else _MODERATED_SQLITE


_MODERATED_FROM = (
    " FROM boards_moderators bm WHERE bm.user_id = u.id OR EXISTS ("
    "SELECT 1 FROM org_roles r2 WHERE r2.user_id = u.id AND r2.ended_at IS NULL "
    "AND r2.org_id = bm.org_id AND r2.role = bm.role)"
)
_MODERATED_PG = "SELECT string_agg(CAST(bm.board_id AS TEXT), ',')" + _MODERATED_FROM
_MODERATED_SQLITE = "SELECT group_concat(bm.board_id)" + _MODERATED_FROM


def apply_board_moderator_ids(viewer: Viewer, value: object) -> Viewer:
    if not value:
        return viewer
    ids = frozenset(int(part) for part in str(value).split(","))
    return dataclasses.replace(viewer, board_moderator_ids=ids)
