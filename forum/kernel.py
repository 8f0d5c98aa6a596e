"""The kernel's own declaration: the core models, the home page, the 管理 hub, the kernel's
JSON API (viewer, CSRF token, OpenAPI document) and the metrics endpoint."""

from __future__ import annotations

from forum import api, home, manage, observability
from forum.db import Models
from forum.parts import Part

PART = Part(
    name="kernel",
    models=(
        Models("forum", ("forum.models",), "forum.migrations"),
        # Tables the kernel owns under the app labels that first created them.
        Models("realtime", ("forum.eventlog",), "realtime.migrations"),
        Models("moderation", ("forum.auditlog",), "moderation.migrations"),
    ),
    routes=(*home.routes, *manage.routes, *api.routes, *observability.routes),
    provides=(manage.SITE_LINK,),
)
