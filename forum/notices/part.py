"""The notices part (通知公告 with 回执)."""

from __future__ import annotations

from forum.db import Models
from forum.notices import audit_labels, demo, home, kinds, routes, todo
from forum.notices.models import Notice
from forum.parts import Part
from forum.rebake import Rebake

PART = Part(
    name="notices",
    models=(Models("notices", ("forum.notices.models",), "forum.notices.migrations"),),
    routes=routes.routes,
    provides=(
        home.HOME,
        todo.SOURCE,
        routes.UPLOAD_LIMIT,
        *kinds.KINDS,
        *audit_labels.PROVIDES,
        Rebake("notices.notices", "通知公告", Notice),  # `forum rebake` re-renders bodies
    ),
    demo=demo.seed,
)
