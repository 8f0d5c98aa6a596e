"""The forum on people pages: a person's topics and replies and their figures (主题, 回帖,
获赞) on `/u/{username}`, and one's bookmarks on `/me`."""

from __future__ import annotations

from typing import Any

from forum.boards import queries
from forum.home import HomeSection
from forum.policy import Viewer
from forum.profiles import ProfileFigures, ProfileSection

ME_BOOKMARKS = 5  # on /me; the rest on /me/bookmarks

TOPICS = ProfileSection(
    "topics",
    order=10,
    title="主题",
    template="boards/_activity.html",
    loader=queries.author_topics,
    empty="还没有您可以查看的主题。",
)
POSTS = ProfileSection(
    "posts",
    order=20,
    title="回帖",
    template="boards/_activity.html",
    loader=queries.author_posts,
    empty="还没有您可以查看的回帖。",
)
FIGURES = ProfileFigures("boards", order=10, load=queries.author_figures)


async def bookmarks_section(viewer: Viewer) -> dict[str, Any] | None:
    """/me: the latest bookmarks the member may still read (always shown: it says how)."""
    if not viewer.is_authenticated:
        return None
    return {"bookmarks": await queries.bookmarks(viewer, None, ME_BOOKMARKS)}


BOOKMARKS = HomeSection(
    "boards_bookmarks",
    order=15,
    title="我的收藏",
    template="boards/_me_bookmarks.html",
    loader=bookmarks_section,
    page="me",
)

PROVIDES = (TOPICS, POSTS, FIGURES, BOOKMARKS)
