"""The search seam: what a part provides so that `/search` covers its content.

A part declares one `SearchSource` in its `Part.provides`; `forum.site.install()` puts it into
`SOURCES`. The kernel never names a part: it asks every installed source, merges what they
found and shows it with the source's label (论坛, 党务公开, 会议纪要, ...).

A provider answers in two steps, so the kernel can merge and page without loading rows it
will not show:

1. `find(viewer, query, limit)`: the best `limit` candidates for the query in the query's
   order (ids with their relevance and date) and a count capped at `COUNT_CAP`. Only what the
   viewer may read, decided in SQL by the part's policy (never fetched, then dropped).
2. `load(viewer, ids)`: the page-ready hits for the candidates the kernel kept.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal, Protocol

from forum.parts import Registry
from forum.policy import Viewer

Sort = Literal["relevance", "date"]
PER_PAGE = 20
MAX_PAGE = 10  # bounded pagination: at most 200 results are ever ranked for one query
COUNT_CAP = 1000  # counts stop here ("1000+"): a count never scans more than it must


@dataclass(frozen=True)
class SearchQuery:
    """One search, already validated (see `forum.search.pages.parse_query`)."""

    text: str
    part: str | None = None  # a source key, or None for every source
    place: str | None = None  # a place inside the chosen part (a board, a category ...)
    org_path: str | None = None  # items of this org's subtree
    author_ids: tuple[int, ...] | None = None  # None: anyone; (): nobody matched the name
    since: dt.datetime | None = None  # inclusive, UTC
    before: dt.datetime | None = None  # exclusive, UTC
    sort: Sort = "relevance"
    page: int = 1


@dataclass(frozen=True)
class Candidate:
    """A row that matches, as a provider ranks it: relevance (higher first) and date."""

    id: int
    score: int
    when: dt.datetime


@dataclass(frozen=True)
class Found:
    candidates: Sequence[Candidate]
    count: int  # at most COUNT_CAP
    capped: bool = False  # more than COUNT_CAP rows match


NOTHING_FOUND = Found((), 0)


@dataclass(frozen=True)
class SearchHit:
    """What the results page shows of one hit. `text` is plain text (never Markdown or HTML):
    the kernel cuts the excerpt around the hit and escapes it."""

    id: int
    title: str
    url: str
    text: str
    when: dt.datetime
    author: str = ""
    place: str = ""  # where it sits: the board, the issuing org, the meeting's org


@dataclass(frozen=True)
class Place:
    """A choice of the part's own place filter (版块, 类别 ...)."""

    key: str
    label: str


class SearchProvider(Protocol):
    """What a part implements; every method filters by the part's own policy."""

    async def find(self, viewer: Viewer, query: SearchQuery, limit: int) -> Found: ...

    async def load(self, viewer: Viewer, ids: Sequence[int]) -> dict[int, SearchHit]: ...

    async def places(self, viewer: Viewer) -> Sequence[Place]: ...


@dataclass(frozen=True)
class SearchSource:
    """A part's searchable content: `key` is the `part=` value, `label` the part's name shown on
    every hit, `place_label` the name of its place filter ("" when it has none)."""

    key: str
    label: str
    order: int
    provider: SearchProvider = field(compare=False)
    place_label: str = ""

    def install(self) -> None:
        SOURCES.add(self.key, self)


SOURCES: Registry[SearchSource] = Registry("search sources")


def sources() -> list[SearchSource]:
    return sorted(SOURCES, key=lambda s: s.order)
