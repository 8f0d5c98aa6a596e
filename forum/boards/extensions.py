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
