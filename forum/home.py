"""Home page and health check.

Parts contribute sections (upcoming meetings, unread boards, latest disclosures, to-dos) by
listing `HomeSection` provisions in their `Part`; each loader returns its template's context
or None.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Literal

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from forum import db
from forum.http import viewer_of
from forum.parts import Registry
from forum.policy import Viewer
from forum.services import get_services
from forum.templating import render

SectionLoader = Callable[[Viewer], Awaitable[dict[str, Any] | None]]
# The home page leads with what the viewer has to do: "todo" sections (reviews, approvals,
# due members) come first under 今天要办, then "agenda" (meetings, study), then "news".
SectionGroup = Literal["todo", "agenda", "news"]
GROUPS: tuple[tuple[SectionGroup, str], ...] = (
    ("todo", "今天要办"),
    ("agenda", "我的安排"),
    ("news", "动态"),
)


@dataclass(frozen=True)
class HomeSection:
    """A section of the home page (`page="home"`) or of the account's own page (`page="me"`):
    the loader returns the context for its template, or None to leave the section out."""

    key: str
    order: int
    title: str
    template: str
    loader: SectionLoader
    page: Literal["home", "me"] = "home"
    group: SectionGroup = "news"

    def install(self) -> None:
        SECTIONS[self.page].add(self.key, self)


SECTIONS: dict[str, Registry[HomeSection]] = {
    "home": Registry("home sections"),
    "me": Registry("profile sections"),
}


async def loaded_sections(
    page: Literal["home", "me"], viewer: Viewer
) -> list[tuple[HomeSection, dict[str, Any]]]:
    sections = []
    for section in sorted(SECTIONS[page], key=lambda s: s.order):
        data = await section.loader(viewer)
        if data is not None:
            sections.append((section, data))
    return sections


def grouped(
    sections: list[tuple[HomeSection, dict[str, Any]]],
) -> list[tuple[SectionGroup, str, list[tuple[HomeSection, dict[str, Any]]]]]:
    """The loaded sections by group, in GROUPS order; groups with no section are left out."""
    return [
        (key, title, members)
        for key, title in GROUPS
        if (members := [(s, d) for s, d in sections if s.group == key])
    ]


async def home(request: Request) -> Response:
    sections = await loaded_sections("home", viewer_of(request))
    return render(request, "forum/home.html", {"sections": sections, "groups": grouped(sections)})


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
