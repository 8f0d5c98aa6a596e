"""One search over every installed source: ask each, merge, page, cut excerpts."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import markupsafe

from forum.policy import Viewer
from forum.search.providers import (
    PER_PAGE,
    Candidate,
    Found,
    SearchHit,
    SearchQuery,
    SearchSource,
    sources,
)
from forum.search.text import excerpt, highlight


@dataclass(frozen=True)
class Result:
    source: SearchSource
    hit: SearchHit
    title: markupsafe.Markup  # escaped, hits in <mark>
    excerpt: markupsafe.Markup  # escaped, hits in <mark>


@dataclass(frozen=True)
class PartCount:
    source: SearchSource
    count: int
    capped: bool


@dataclass(frozen=True)
class Results:
    query: SearchQuery
    results: list[Result]
    total: int
    capped: bool  # at least one source counted COUNT_CAP rows and stopped
    parts: list[PartCount]  # every source asked, with its count
    has_next: bool

    @property
    def total_label(self) -> str:
        return f"{self.total}+" if self.capped else str(self.total)


def chosen_sources(query: SearchQuery) -> list[SearchSource]:
    return [s for s in sources() if query.part is None or s.key == query.part]


def _key(query: SearchQuery, source: SearchSource, c: Candidate) -> tuple[object, ...]:
    date = c.when.timestamp()
    if query.sort == "date":
        return (-date, source.order, -c.id)
    return (-c.score, -date, source.order, -c.id)


async def run(viewer: Viewer, query: SearchQuery) -> Results:
    """The page `query.page` of the merged results (every source ranks its best
    page * PER_PAGE candidates; the kernel merges them and loads only the page)."""
    chosen = chosen_sources(query)
    if not query.text:
        return Results(query, [], 0, False, [], False)
    limit = query.page * PER_PAGE + 1
    found: list[tuple[SearchSource, Found]] = [
        (source, await source.provider.find(viewer, query, limit)) for source in chosen
    ]
    ranked = sorted(
        ((source, c) for source, f in found for c in f.candidates),
        key=lambda pair: _key(query, pair[0], pair[1]),
    )
    start = (query.page - 1) * PER_PAGE
    window = ranked[start : start + PER_PAGE]
    loaded = await _load(viewer, window)
    results = []
    for source, candidate in window:
        hit = loaded.get((source.key, candidate.id))
        if hit is not None:  # gone between the two steps
            results.append(
                Result(
                    source,
                    hit,
                    highlight(hit.title, query.text),
                    excerpt(hit.text, query.text),
                )
            )
    parts = [PartCount(source, f.count, f.capped) for source, f in found]
    return Results(
        query,
        results,
        total=sum(p.count for p in parts),
        capped=any(p.capped for p in parts),
        parts=parts,
        has_next=len(ranked) > start + PER_PAGE,
    )


async def _load(
    viewer: Viewer, window: Sequence[tuple[SearchSource, Candidate]]
) -> dict[tuple[str, int], SearchHit]:
    by_source: dict[str, tuple[SearchSource, list[int]]] = {}
    for source, candidate in window:
        by_source.setdefault(source.key, (source, []))[1].append(candidate.id)
    loaded: dict[tuple[str, int], SearchHit] = {}
    for key, (source, ids) in by_source.items():
        for ident, hit in (await source.provider.load(viewer, ids)).items():
            loaded[(key, ident)] = hit
    return loaded
