"""The 党员服务 part: service requests (办理业务) and the service hall."""

from __future__ import annotations

from forum.affairs import audit_labels, demo, home, kinds, routes, todo
from forum.db import Models
from forum.parts import Part

PART = Part(
    name="affairs",
    models=(Models("affairs", ("forum.affairs.models",), "forum.affairs.migrations"),),
    routes=routes.routes,
    provides=(
        home.HOME,
        todo.SOURCE,
        routes.UPLOAD_LIMIT,
        *kinds.NOTIFICATION_KINDS,
        *audit_labels.PROVIDES,
    ),
    demo=demo.seed,
)
