"""`/search`: one search over every part's content the viewer may read."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from starlette.datastructures import QueryParams
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route
from tortoise.expressions import Q

from forum.http import viewer_of
from forum.models import Org, User, in_tree_order
from forum.search import engine
from forum.search.providers import MAX_PAGE, Place, SearchQuery, Sort, sources
from forum.search.text import normalize
from forum.settings import get_settings
from forum.templating import render

AUTHOR_MATCHES = 50
FILTERS = ("part", "place", "org", "author", "from", "to", "sort")


def _date(raw: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(raw.strip()) if raw.strip() else None
    except ValueError:
        return None


def _local_midnight(day: dt.date) -> dt.datetime:
    tz = ZoneInfo(get_settings().timezone)
    return dt.datetime(day.year, day.month, day.day, tzinfo=tz).astimezone(dt.UTC)


def _int(raw: str | None) -> int | None:
    return int(raw) if raw and raw.isdigit() and len(raw) < 10 else None


async def parse_query(params: QueryParams) -> tuple[SearchQuery, dict[str, str]]:
    """The query and the form's values as understood (unknown or malformed filters are left
    out, so a hand-edited URL never errors)."""
    keys = {s.key for s in sources()}
    part = params.get("part", "")
    part = part if part in keys else ""
    place = params.get("place", "")[:32] if part else ""
    org_path = None
    org_id = _int(params.get("org"))
    if org_id is not None:
        org = await Org.get_or_none(id=org_id, is_active=True)
        org_path = org.path if org is not None else None
        org_id = org.id if org is not None else None
    author = normalize(params.get("author", ""))[:32]
    author_ids: tuple[int, ...] | None = None
    if author:
        rows: list[Any] = (
            await User.filter(Q(username=author) | Q(display_name=author))
            .limit(AUTHOR_MATCHES)
            .values_list("id", flat=True)
        )
        author_ids = tuple(sorted(int(i) for i in rows))
    since, until = _date(params.get("from", "")), _date(params.get("to", ""))
    sort: Sort = "date" if params.get("sort") == "date" else "relevance"
    page = min(max(_int(params.get("page")) or 1, 1), MAX_PAGE)
    query = SearchQuery(
        text=normalize(params.get("q", "")),
        part=part or None,
        place=place or None,
        org_path=org_path,
        author_ids=author_ids,
        since=_local_midnight(since) if since else None,
        before=_local_midnight(until + dt.timedelta(days=1)) if until else None,
        sort=sort,
        page=page,
    )
    form = {
        "q": query.text,
        "part": part,
        "place": place,
        "org": str(org_id) if org_id is not None else "",
        "author": author,
        "from": since.isoformat() if since else "",
        "to": until.isoformat() if until else "",
        "sort": sort,
    }
    return query, form


def link(form: dict[str, str], **changes: str | int) -> str:
    """This search's URL with some values changed (empty values left out)."""
    values = {k: v for k, v in {**form, **{k: str(v) for k, v in changes.items()}}.items() if v}
    if values.get("sort") == "relevance":
        values.pop("sort")
    if values.get("page") == "1":
        values.pop("page")
    return "/search?" + urlencode(values)


async def search(request: Request) -> Response:
    viewer = viewer_of(request)
    query, form = await parse_query(request.query_params)
    results = await engine.run(viewer, query)
    places: list[Place] = []
    place_label = ""
    for source in sources():
        if source.key == query.part and source.place_label:
            places = list(await source.provider.places(viewer))
            place_label = source.place_label
    orgs = in_tree_order(await Org.filter(is_active=True))
    context = {
        "form": form,
        "query": query,
        "found": results,
        "sources": sources(),
        "places": places,
        "place_label": place_label,
        "orgs": orgs,
        "filtered": any(form[k] for k in FILTERS if k != "sort"),
        "link": lambda **changes: link(form, **changes),
        "max_page": MAX_PAGE,
    }
    request.scope["nav"] = "search"
    return render(request, "forum/search.html", context)


routes: list[BaseRoute] = [Route("/search", search, methods=["GET"])]
