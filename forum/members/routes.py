"""Routes of the member directory and archives: HTML pages under /members, JSON under /api/v1."""

from __future__ import annotations

from starlette.routing import BaseRoute

from forum.members import api, web_import, web_records, web_stats, web_workflows

routes: list[BaseRoute] = [
    *web_records.routes,
    *web_stats.routes,
    *web_workflows.routes,
    *web_import.routes,
    *api.routes,
]
