"""People pages: a profile (`/u/{username}`), its user card (`/u/{username}/card`, an HTML
fragment for `static/js/people.js`) and one list of it (`/u/{username}/{section}`).

The kernel knows the account and its membership facts; parts add what a person did by
listing `ProfileSection` (a list: topics, replies...) and `ProfileFigures` (numbers for the
header and the card: likes received...) in their `Part`. Every fact on the page is asked of
the policy (`can.see_profile_field`, `can.see_profile_role`); every list is the part's own,
filtered at query level to what the viewer may read.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from forum.errors import NotFound
from forum.http import no_store, viewer_of
from forum.models import Member, OrgRole, User
from forum.parts import Registry
from forum.policy import Viewer, can_see_profile, ensure_visible
from forum.templating import render

SUMMARY_LIMIT = 5  # items of each list on the profile itself
PAGE_LIMIT = 20  # items of one list's own page (keyset "更多")


@dataclass
class Profile:
    """The account a people page is about (`ProfileFacts` for the policy)."""

    user_id: int
    username: str
    display_name: str
    is_active: bool
    joined: dt.datetime
    member: Member | None  # with org and group
    roles: list[OrgRole] = field(default_factory=list)  # current, with org


@dataclass
class ProfileList:
    """One page of a section: the items its template renders, and the next page's cursor."""

    items: list[Any]
    next: str | None = None


SectionLoader = Callable[[Viewer, Profile, str | None, int], Awaitable[ProfileList]]
FiguresLoader = Callable[[Viewer, Profile], Awaitable[list[tuple[str, int]]]]


@dataclass(frozen=True)
class ProfileSection:
    """A list on people pages: `loader(viewer, profile, cursor, limit)` returns what the
    viewer may read, newest first; `/u/{username}/{key}?before=<cursor>` pages through it."""

    key: str
    order: int
    title: str
    template: str  # renders `data.items` (a `ProfileList`)
    loader: SectionLoader
    empty: str  # the empty state, in Chinese

    def install(self) -> None:
        SECTIONS.add(self.key, self)


@dataclass(frozen=True)
class ProfileFigures:
    """Numbers for the profile header and the card (label, value), as the viewer may see
    them."""

    key: str
    order: int
    load: FiguresLoader

    def install(self) -> None:
        FIGURES.add(self.key, self)


SECTIONS: Registry[ProfileSection] = Registry("profile lists")
FIGURES: Registry[ProfileFigures] = Registry("profile figures")


async def get_profile_for(viewer: Viewer, username: str) -> Profile:
    """The account behind `username` with its member record and current roles: three
    indexed reads (users.username unique, members.user_id unique, org_roles (user_id,
    ended_at)). 404 when missing or not visible."""
    user = await User.get_or_none(username=username)
    if user is None:
        raise NotFound()
    member = await Member.get_or_none(user_id=user.id).select_related("org", "group")
    roles = await OrgRole.filter(user_id=user.id, ended_at=None).select_related("org")
    profile = Profile(
        user_id=user.id,
        username=user.username,
        display_name=user.display_name,
        is_active=user.is_active,
        joined=user.created_at,
        member=member,
        roles=sorted(roles, key=lambda r: r.id),
    )
    ensure_visible(can_see_profile(viewer, profile))
    return profile


async def figures(viewer: Viewer, profile: Profile) -> list[tuple[str, int]]:
    found: list[tuple[str, int]] = []
    for provider in sorted(FIGURES, key=lambda f: f.order):
        found += await provider.load(viewer, profile)
    return found


def _section(key: str) -> ProfileSection:
    section = SECTIONS.get(key)
    if section is None:
        raise NotFound()
    return section


def _cursor(request: Request) -> str | None:
    value = request.query_params.get("before")
    return value or None


async def profile_page(request: Request) -> Response:
    viewer = viewer_of(request)
    profile = await get_profile_for(viewer, request.path_params["username"])
    lists = [
        (section, await section.loader(viewer, profile, None, SUMMARY_LIMIT))
        for section in sorted(SECTIONS, key=lambda s: s.order)
    ]
    context = {"profile": profile, "figures": await figures(viewer, profile), "lists": lists}
    return no_store(render(request, "forum/profile_page.html", context))


async def profile_list(request: Request) -> Response:
    viewer = viewer_of(request)
    profile = await get_profile_for(viewer, request.path_params["username"])
    section = _section(request.path_params["section"])
    data = await section.loader(viewer, profile, _cursor(request), PAGE_LIMIT)
    context = {
        "profile": profile,
        "figures": await figures(viewer, profile),
        "lists": [(section, data)],
        "one_list": section,
    }
    return no_store(render(request, "forum/profile_page.html", context))


async def card(request: Request) -> Response:
    """The user card: an HTML fragment (no layout) for the hover / tap popover."""
    viewer = viewer_of(request)
    profile = await get_profile_for(viewer, request.path_params["username"])
    context = {"profile": profile, "figures": await figures(viewer, profile)}
    return no_store(render(request, "forum/user_card.html", context))


routes: list[BaseRoute] = [
    Route("/u/{username:str}", profile_page, methods=["GET"]),
    Route("/u/{username:str}/card", card, methods=["GET"]),
    Route("/u/{username:str}/{section:str}", profile_list, methods=["GET"]),
]
