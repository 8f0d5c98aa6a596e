"""The kernel's own declaration: the core models, the home page, the 管理 hub, the kernel's
JSON API (viewer, CSRF token, OpenAPI document), the metrics endpoint, the people pages
(`/u/{username}`, filled by each part's `ProfileSection`), the one search page (`/search`,
over every installed `SearchSource`), 我的待办 (`/todo`, over every `TodoSource`) and
`forum rebake` (over every declared `Rebake`)."""

from __future__ import annotations

from forum import api, audit, home, inbox, manage, observability, profiles, rebake, todo_pages
from forum.db import Models
from forum.outbox import commands as outbox_commands
from forum.outbox import routes as outbox_routes
from forum.parts import Part
from forum.search import pages as search

PART = Part(
    name="kernel",
    models=(
        Models(
            "forum",
            ("forum.models", "forum.answers", "forum.notifications", "forum.outbox.models"),
            "forum.migrations",
        ),
        # Tables the kernel owns under the app labels that first created them.
        Models("realtime", ("forum.eventlog",), "realtime.migrations"),
        Models("moderation", ("forum.auditlog",), "moderation.migrations"),
    ),
    routes=(
        *home.routes,
        *manage.routes,
        *api.routes,
        *inbox.routes,
        *observability.routes,
        *profiles.routes,
        *search.routes,
        *todo_pages.routes,
        *outbox_routes.routes,
    ),
    provides=(manage.SITE_LINK, audit.KERNEL_LABELS, *audit.KERNEL_NAMES),
    # `forum rebake` (what it re-renders, each part declares); `forum outbox run|digest|list`.
    commands=(rebake.register, outbox_commands.register),
)
