"""Minutes in the unified search (`/search`): the minutes of meetings the viewer may read, 会议纪要.

The visibility is the policy's `minutes_visibility` facts written as SQL over the columns the
actions keep on each `Minutes` row (`branch_path`, `host_ids`); the tests check it agrees
with `can_see_minutes`. Searchable text: `Minutes.search_text`, indexed by the FTS5 table
`meeting_minutes_search` on SQLite and a pg_trgm GIN index on PostgreSQL (migration 0003).
"""

from __future__ import annotations

from collections.abc import Sequence

from forum.policy import MEETING_RULES, MinutesVisibility, Viewer, can_see_minutes
from forum.policy import minutes_visibility as visibility_of
from forum.search import sql
from forum.search.providers import (
    NOTHING_FOUND,
    Found,
    Place,
    SearchHit,
    SearchQuery,
    SearchSource,
)
from forum.search.text import Column, Fragment, match
from realtime.meetings.models import Minutes

TABLES = "meeting_minutes n JOIN meetings m ON m.id = n.meeting_id"
COLUMNS = (Column("n.search_text", "SELECT id FROM meeting_minutes WHERE", "search_text"),)
SHOWN_STATES = ("ended", "archived")


def audience(facts: MinutesVisibility) -> Fragment | None:
    """Whose minutes, as SQL over `n` (the minutes) and `m` (the meeting); None: all."""
    if facts.everything:
        return None
    parts: list[Fragment] = []
    if facts.branch_paths:
        parts.append(sql.any_of("n.branch_path", list(facts.branch_paths)))
    parts += [Fragment("m.org_path LIKE ?", (path + "%",)) for path in facts.subtree_paths]
    if facts.host_user_id is not None:
        parts.append(Fragment("n.host_ids LIKE ?", (f"%,{facts.host_user_id},%",)))
    return sql.either(*parts)


class MinutesSearch:
    async def find(self, viewer: Viewer, query: SearchQuery, limit: int) -> Found:
        facts = visibility_of(viewer)
        if facts.nothing or query.author_ids == ():
            return NOTHING_FOUND
        condition = sql.where(
            match(query.text, fts="meeting_minutes_search", rowid="n.id", columns=COLUMNS),
            sql.any_of("m.status", list(SHOWN_STATES)),
            audience(facts),
            Fragment("m.type = ?", (query.place,)) if query.place in MEETING_RULES else None,
            *sql.shared_filters(
                query, author="m.created_by_id", at="m.scheduled_at", org_path="m.org_path"
            ),
        )
        return await sql.find_rows(
            query,
            tables=TABLES,
            condition=condition,
            id="n.id",
            at="m.scheduled_at",
            title="m.title",
            body="n.search_text",
            limit=limit,
        )

    async def load(self, viewer: Viewer, ids: Sequence[int]) -> dict[int, SearchHit]:
        rows = await Minutes.filter(id__in=list(ids)).prefetch_related("meeting", "meeting__org")
        hits = {}
        for minutes in rows:
            meeting = minutes.meeting
            if not can_see_minutes(viewer, meeting):  # the same rule as `audience`, per row
                continue
            # The text's first line is the title, shown above the excerpt already.
            body = minutes.search_text.split("\n", 1)[1] if "\n" in minutes.search_text else ""
            rule = MEETING_RULES[str(meeting.type)]
            hits[minutes.id] = SearchHit(
                id=minutes.id,
                title=f"{meeting.title}会议记录",
                url=f"/meetings/{meeting.id}/minutes",
                text=body,
                when=meeting.scheduled_at,
                place=f"{meeting.org.name} · {rule.label}",  # type: ignore[attr-defined]
            )
        return hits

    async def places(self, viewer: Viewer) -> Sequence[Place]:
        return [Place(key, rule.label) for key, rule in MEETING_RULES.items()]


SOURCE = SearchSource("minutes", "会议纪要", 30, MinutesSearch(), place_label="会议类型")
