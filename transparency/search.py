"""Disclosures in the unified search (`/search`): published items the viewer may read, 党务公开.

The audience is the policy's `disclosure_visibility` facts written as SQL, the same rule as
`transparency.queries.visible_disclosures` (which writes them as an ORM filter); the tests
check the two agree. Searchable text: `search_text` (title + current body), indexed by the
FTS5 table `transparency_search` on SQLite and a pg_trgm GIN index on PostgreSQL
(migration 0002).
"""

from __future__ import annotations

from collections.abc import Sequence

from forum import markup
from forum.clock import utcnow
from forum.policy import Viewer, Visibility, can_see_disclosure, disclosure_visibility
from forum.search import sql
from forum.search.providers import Found, Place, SearchHit, SearchQuery, SearchSource
from forum.search.text import Column, Fragment, match, timestamp
from transparency.models import Disclosure, DisclosureCategory

TABLES = "transparency_disclosures d JOIN orgs o ON o.id = d.org_id"
COLUMNS = (
    Column(
        "CAST(d.search_text AS VARCHAR)",
        "SELECT id FROM transparency_disclosures WHERE",
        "CAST(search_text AS VARCHAR)",
    ),
)
PLAIN_TEXT_LIMIT = 20_000


def audience(facts: Visibility) -> Fragment | None:
    """Who may read an item, as SQL over `d` (the item) and `o` (its org); None: everyone."""
    if facts.everything:
        return None
    parts: list[Fragment] = []
    if facts.scopes_everywhere:
        parts.append(sql.any_of("d.scope", sorted(facts.scopes_everywhere)))
    if facts.subtree_ancestor_ids:
        ids = sql.any_of("d.org_id", list(facts.subtree_ancestor_ids))
        parts.append(Fragment(f"d.scope = 'org_subtree' AND {ids.sql}", ids.params))
    named: list[Fragment] = []
    if facts.target_org_ids:
        named.append(sql.any_of("tt.org_id", list(facts.target_org_ids)))
    if facts.user_id is not None:
        named.append(Fragment("tt.user_id = ?", (facts.user_id,)))
    if named:
        who = sql.either(*named)
        parts.append(
            Fragment(
                "d.scope = 'targeted' AND d.id IN "  # noqa: S608 - fixed fragments only
                f"(SELECT tt.disclosure_id FROM transparency_targets tt WHERE {who.sql})",
                who.params,
            )
        )
    parts += [Fragment("o.path LIKE ?", (path + "%",)) for path in facts.staff_paths]
    return sql.either(*parts)


class DisclosureSearch:
    async def find(self, viewer: Viewer, query: SearchQuery, limit: int) -> Found:
        place = int(query.place) if query.place and query.place.isdigit() else None
        condition = sql.where(
            match(query.text, fts="transparency_search", rowid="d.id", columns=COLUMNS),
            Fragment("d.state = ? AND d.publish_from <= ?", ("published", timestamp(utcnow()))),
            audience(disclosure_visibility(viewer)),
            Fragment("d.category_id = ?", (place,)) if place is not None else None,
            *sql.shared_filters(
                query, author="d.created_by_id", at="d.publish_from", org_path="o.path"
            ),
        )
        return await sql.find_rows(
            query,
            tables=TABLES,
            condition=condition,
            id="d.id",
            at="d.publish_from",
            title="d.title",
            body="d.body_raw",
            limit=limit,
        )

    async def load(self, viewer: Viewer, ids: Sequence[int]) -> dict[int, SearchHit]:
        items = await Disclosure.filter(id__in=list(ids), state="published").prefetch_related(
            "org", "approver_org", "category", "targets"
        )
        return {
            d.id: SearchHit(
                id=d.id,
                title=d.title,
                url=f"/disclosures/{d.id}",
                text=markup.excerpt(d.body_html, PLAIN_TEXT_LIMIT),
                when=d.publish_from,
                place=f"{d.org.name} · {d.category.name}",
            )
            for d in items
            if can_see_disclosure(viewer, d)  # the same rule as `audience`, per shown row
        }

    async def places(self, viewer: Viewer) -> Sequence[Place]:
        categories = await DisclosureCategory.filter(is_active=True).order_by("sort_order", "id")
        return [Place(str(c.id), c.name) for c in categories]


SOURCE = SearchSource("disclosures", "党务公开", 20, DisclosureSearch(), place_label="类别")
