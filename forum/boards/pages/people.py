"""The forum's people pages: who liked a post, and one's own bookmarks (/me/bookmarks)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from forum.answers import done
from forum.boards import actions, queries
from forum.boards.pages._common import page, post_of, topic_of
from forum.http import int_param, no_store, read_form, viewer_of
from forum.policy import can_see_likers, ensure_visible
from forum.templating import render

BOOKMARKS_PER_PAGE = 20


async def likers(request: Request) -> Response:
    """The names of those who liked a post: a page, or (`?fragment=1`) the list alone for
    the post's <details> (static/js/people.js)."""
    viewer = viewer_of(request)
    topic = await topic_of(request)
    post = await post_of(request, topic)
    ensure_visible(can_see_likers(viewer, topic, post))
    names, total = await queries.likers(post)
    context = {"topic": topic, "post": post, "likers": names, "total": total}
    if request.query_params.get("fragment") == "1":
        return await page(request, "boards/_likers.html", context)
    return await page(request, "boards/likers.html", context)


async def my_bookmarks(request: Request) -> Response:
    viewer = viewer_of(request)
    if not viewer.is_authenticated:
        return RedirectResponse("/login?next=/me/bookmarks", status_code=303)
    before = request.query_params.get("before") or None
    items = await queries.bookmarks(viewer, before, BOOKMARKS_PER_PAGE)
    request.scope["nav"] = "me"
    return no_store(render(request, "boards/bookmarks.html", {"data": items}))


async def remove_bookmark(request: Request) -> Response:
    await read_form(request)
    viewer = viewer_of(request)
    await actions.remove_bookmark(viewer, int_param(request.path_params["bookmark_id"]))
    return done(request, "/me/bookmarks", "已取消收藏。")
