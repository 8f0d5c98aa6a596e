"""Study resources in the unified search (`/search`): published items the viewer may read.

The audience is the policy's `study_visibility` facts written as SQL, the same rule as
`queries.library` (an ORM filter). Searchable text: `search_text` (title, summary, tags,
body), indexed by the FTS5 table `learning_search` on SQLite and a pg_trgm GIN index on
PostgreSQL (migration 0002).
"""

from __future__ import annotations

from collections.abc import Sequence

from forum import markup
from forum.learning.actions import digits
from forum.learning.models import Category, Resource
from forum.policy import Viewer, can_see_study, study_visibility
from forum.search import sql
from forum.search.providers import Found, Place, SearchHit, SearchQuery, SearchSource
from forum.search.text import Column, Fragment, match

TABLES = "learning_resources r JOIN orgs o ON o.id = r.org_id"
COLUMNS = (
    Column(
        "CAST(r.search_text AS VARCHAR)",
        "SELECT id FROM learning_resources WHERE",
        "CAST(search_text AS VARCHAR)",
    ),
)


def audience(viewer: Viewer) -> Fragment | None:
    facts = study_visibility(viewer)
    if facts.everything:
        return None
    if not facts.ancestor_ids:
        return Fragment("1 = 0")
    return sql.any_of("r.org_id", list(facts.ancestor_ids))


class LearningSearch:
    async def find(self, viewer: Viewer, query: SearchQuery, limit: int) -> Found:
        place = (
            int(query.place)
            if query.place and digits(query.place) and len(query.place) < 10
            else None
        )
        condition = sql.where(
            match(query.text, fts="learning_search", rowid="r.id", columns=COLUMNS),
            Fragment("r.state = ?", ("published",)),
            audience(viewer),
            Fragment("r.category_id = ?", (place,)) if place is not None else None,
            *sql.shared_filters(
                query, author="r.created_by_id", at="r.published_at", org_path="o.path"
            ),
        )
        return await sql.find_rows(
            query,
            tables=TABLES,
            condition=condition,
            id="r.id",
            at="r.published_at",
            title="r.title",
            body="r.search_text",
            limit=limit,
        )

    async def load(self, viewer: Viewer, ids: Sequence[int]) -> dict[int, SearchHit]:
        items = await Resource.filter(id__in=list(ids), state="published").select_related("org")
        return {
            r.id: SearchHit(
                id=r.id,
                title=r.title,
                url=f"/learning/r/{r.id}",
                text=markup.excerpt(r.body_html, 20_000) if r.body_html else r.summary,
                when=r.published_at or r.created_at,
                place=str(getattr(r.org, "name", "")),
            )
            for r in items
            if can_see_study(viewer, r)
        }

    async def places(self, viewer: Viewer) -> Sequence[Place]:
        return [Place(str(c.id), c.name) for c in await Category.all().order_by("sort_order", "id")]


SOURCE = SearchSource("learning", "在线学习", 40, LearningSearch(), place_label="分类")
