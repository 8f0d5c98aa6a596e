"""The two statements every provider runs: the ranked candidates and the capped count."""

from __future__ import annotations

from collections.abc import Sequence

from forum.db import raw
from forum.search.providers import COUNT_CAP, Candidate, Found, SearchQuery
from forum.search.text import Fragment, relevance, timestamp, when


def where(*fragments: Fragment | None) -> Fragment:
    """The fragments joined with AND (None left out)."""
    kept = [f for f in fragments if f is not None]
    return Fragment(
        " AND ".join(f"({f.sql})" for f in kept) or "1 = 1",
        tuple(p for f in kept for p in f.params),
    )


def either(*fragments: Fragment) -> Fragment:
    """The fragments joined with OR; none matches nothing (an audience with no grounds)."""
    if not fragments:
        return Fragment("1 = 0")
    return Fragment(
        " OR ".join(f"({f.sql})" for f in fragments), tuple(p for f in fragments for p in f.params)
    )


def any_of(column: str, values: Sequence[object]) -> Fragment:
    """`column IN (...)`; an empty list matches nothing."""
    if not values:
        return Fragment("1 = 0")
    return Fragment(f"{column} IN ({','.join('?' for _ in values)})", tuple(values))


def shared_filters(
    query: SearchQuery, *, author: str, at: str, org_path: str | None = None
) -> tuple[Fragment | None, ...]:
    """The filters every part offers, on its own columns: the author (`author_ids` None is
    anyone, an empty tuple nobody: a name that matched no account finds nothing), the date
    range on `at`, and the org subtree on an org `path` column when the part has one."""
    return (
        any_of(author, query.author_ids) if query.author_ids is not None else None,
        Fragment(f"{at} >= ?", (timestamp(query.since),)) if query.since else None,
        Fragment(f"{at} < ?", (timestamp(query.before),)) if query.before else None,
        Fragment(f"{org_path} LIKE ?", (query.org_path + "%",))
        if org_path and query.org_path
        else None,
    )


async def find_rows(
    query: SearchQuery,
    *,
    tables: str,
    condition: Fragment,
    id: str,
    at: str,
    title: str,
    body: str,
    limit: int,
) -> Found:
    """The best `limit` rows of `tables` under `condition` (relevance: the shared score, then
    newest; date: newest first) and their count, capped at COUNT_CAP. `tables`, `id`, `at`,
    `title` and `body` are fixed SQL of the calling part; values come only as parameters."""
    if query.sort == "relevance":
        score = relevance(query.text, title=title, body=body)
        order = "score DESC, at DESC, id DESC"
    else:
        score = Fragment("0")
        order = "at DESC, id DESC"
    rows = await raw(
        f"SELECT {id} AS id, {at} AS at, {score.sql} AS score FROM {tables} "  # noqa: S608
        f"WHERE {condition.sql} ORDER BY {order} LIMIT ?",
        [*score.params, *condition.params, limit],
    )
    counted = await raw(
        f"SELECT COUNT(*) AS n FROM (SELECT 1 FROM {tables} "  # noqa: S608
        f"WHERE {condition.sql} LIMIT ?) matched",
        [*condition.params, COUNT_CAP + 1],
    )
    count = int(counted[0]["n"])
    return Found(
        [Candidate(int(r["id"]), int(r["score"] or 0), when(r["at"])) for r in rows],
        min(count, COUNT_CAP),
        count > COUNT_CAP,
    )
