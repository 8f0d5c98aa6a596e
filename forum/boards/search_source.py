"""The boards' part of the unified search (`/search`): posts and topic titles, 论坛."""

from __future__ import annotations

from collections.abc import Sequence

from forum.boards.queries import search
from forum.policy import Viewer
from forum.search.providers import Found, Place, SearchHit, SearchQuery, SearchSource


class PostSearch:
    async def find(self, viewer: Viewer, query: SearchQuery, limit: int) -> Found:
        return await search.find_posts(viewer, query, limit)

    async def load(self, viewer: Viewer, ids: Sequence[int]) -> dict[int, SearchHit]:
        return await search.load_posts(viewer, ids)

    async def places(self, viewer: Viewer) -> Sequence[Place]:
        return await search.board_places(viewer)


SOURCE = SearchSource("forum", "论坛", 10, PostSearch(), place_label="版块")
