"""Routes of the member directory and archives: HTML pages under /members, JSON under /api/v1."""

from __future__ import annotations

from starlette.routing import BaseRoute

from forum.members import (
    api,
    api_decisions,
    api_discipline,
    api_duplicates,
    api_exclusions,
    web_discipline,
    web_duplicates,
    web_exclusions,
    web_import,
    web_records,
    web_stats,
    web_workflows,
)

routes: list[BaseRoute] = [
    *web_records.routes,
    *web_stats.routes,
    *web_workflows.routes,
    *web_import.routes,
    *web_discipline.routes,
    *web_duplicates.routes,
    *web_exclusions.routes,
    *api_exclusions.routes,
    *api.routes,
    *api_decisions.routes,
    *api_discipline.routes,
    *api_duplicates.routes,
]
