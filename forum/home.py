"""Home page and health check.

Parts contribute home sections (upcoming meetings, unread boards, latest disclosures, to-dos)
with `register_home_section`; each loader returns the context for its template or None.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from forum import db
from forum.http import viewer_of
from forum.policy import Viewer
from forum.services import get_services
from forum.templating import render

SectionLoader = Callable[[Viewer], Awaitable[dict[str, Any] | None]]


@dataclass(frozen=True)
class HomeSection:
    order: int
    title: str
    template: str
    loader: SectionLoader


_sections: dict[str, HomeSection] = {}


def register_home_section(
    key: str, *, order: int, title: str, template: str, loader: SectionLoader
) -> None:
    _sections[key] = HomeSection(order, title, template, loader)


# Sections of the account's own page (/me), same shape: e.g. the boards part lists the
# author's posts that wait for review.
_profile_sections: dict[str, HomeSection] = {}


def register_profile_section(
    key: str, *, order: int, title: str, template: str, loader: SectionLoader
) -> None:
    _profile_sections[key] = HomeSection(order, title, template, loader)


async def profile_sections(viewer: Viewer) -> list[tuple[HomeSection, dict[str, Any]]]:
    sections = []
    for section in sorted(_profile_sections.values(), key=lambda s: s.order):
        data = await section.loader(viewer)
        if data is not None:
            sections.append((section, data))
    return sections


async def home(request: Request) -> Response:
    viewer = viewer_of(request)
    sections = []
    for section in sorted(_sections.values(), key=lambda s: s.order):
        data = await section.loader(viewer)
        if data is not None:
            sections.append((section, data))
    return render(request, "forum/home.html", {"sections": sections})


async def healthz(request: Request) -> Response:
    """Liveness and dependencies: 503 when the database or the broker is down."""
    services = get_services()
    database = await db.database_ok()
    broker = await services.broker.healthy()
    body = {
        "status": "ok" if database and broker else "degraded",
        "database": {"ok": database, "backend": db.database_label()},
        "broker": {"ok": broker, "backend": services.broker.name},
    }
    return JSONResponse(body, status_code=200 if database and broker else 503)


routes: list[BaseRoute] = [
    Route("/", home, methods=["GET"]),
    Route("/healthz", healthz, methods=["GET"]),
]
