"""The boards part's routes: the forum's HTML pages, one module per concept under `pages/`,
the JSON API under `api/`, and topic steering (`steering_routes`); with the provisions that
go with them: moderator viewer facts, the compose forms' body limits, and the home and /me
sections (with the author's drafts on /me)."""

from __future__ import annotations

from typing import Any

from starlette.routing import BaseRoute, Route

from forum import inbox
from forum.boards import actions, queries
from forum.boards.api import routes as api_routes
from forum.boards.extensions import (
    apply_board_moderator_ids,
    board_moderator_column,
    load_board_moderator_ids,
)
from forum.boards.feeds import board_feed
from forum.boards.pages import (
    attachments,
    boards,
    composer,
    grants,
    moderators,
    people,
    posts,
    search,
    topics,
)
from forum.boards.steering_routes import routes as steering_routes
from forum.home import HomeSection
from forum.pagecache import CacheablePage
from forum.policy import Viewer
from forum.security.bodylimit import BodyLimit, form_files_limit
from forum.settings import get_settings
from forum.viewer import ViewerFacts

# Visitors' pages served from the page cache (forum/pagecache.py): the board list and the
# topic pages (any ?page=), the same for everyone without a session.
CACHEABLE = (
    CacheablePage("boards.list", r"/forum"),
    CacheablePage("boards.topic", r"/t/\d+"),
)
MODERATOR_FACTS = ViewerFacts(
    "boards.moderators",
    load_board_moderator_ids,
    column=board_moderator_column,
    apply=apply_board_moderator_ids,
)

# Forms that may carry files, and the upload API: a larger body limit than the app's default.
_COMPOSE_PATHS = r"/forum/b/\d+/new|/t/\d+/reply|/t/\d+/\d+/edit"
COMPOSE_LIMIT = form_files_limit("boards.compose", _COMPOSE_PATHS)
UPLOAD_LIMIT = BodyLimit(
    "boards.upload",
    r"/api/v1/boards/\d+/attachments",
    lambda: get_settings().attachment_max_bytes + 64 * 1024,
    actions.attachment_limit_message,
)


async def home_section(viewer: Viewer) -> dict[str, Any] | None:
    lists = await queries.board_list(viewer)
    rows = [r for r in lists.site + lists.mine if r.unread] or (lists.site + lists.mine)[:4]
    return {"board_rows": rows[:6]}


HOME = HomeSection(
    "boards", order=20, title="论坛", template="boards/_home.html", loader=home_section
)


async def held_section(viewer: Viewer) -> dict[str, Any] | None:
    """/me: the author's own posts waiting for review (none: no section)."""
    items = await queries.held_items(viewer)
    return {"held": items} if items else None


HELD = HomeSection(
    "boards_held",
    order=20,
    title="等待审核的帖子",
    template="boards/_profile_held.html",
    loader=held_section,
    page="me",
)


async def drafts_section(viewer: Viewer) -> dict[str, Any] | None:
    """/me: the author's unsent drafts, each linking to its composer (none: no section)."""
    items = await queries.my_drafts(viewer)
    return {"drafts": items} if items else None


DRAFTS = HomeSection(
    "boards_drafts",
    order=21,
    title="我的草稿",
    template="boards/_profile_drafts.html",
    loader=drafts_section,
    page="me",
)

routes: list[BaseRoute] = [
    Route(
        "/attachments/{attachment_id:int}/{filename:str}",
        attachments.serve_attachment,
        methods=["GET"],
    ),
    Route(
        "/attachments/{attachment_id:int}/delete", attachments.delete_attachment, methods=["POST"]
    ),
    Route("/me/bookmarks", people.my_bookmarks, methods=["GET"]),
    Route("/me/bookmarks/{bookmark_id:int}/delete", people.remove_bookmark, methods=["POST"]),
    Route("/forum", boards.board_list, methods=["GET"]),
    Route("/forum/search", search.search, methods=["GET"]),
    # The inbox moved to the kernel (/notifications); the old addresses still answer.
    Route("/forum/notifications", inbox.page, methods=["GET"]),
    Route("/forum/notifications/read", inbox.read_all, methods=["POST"]),
    Route("/forum/drafts/discard", composer.discard_draft, methods=["POST"]),
    Route("/forum/b/{board_id:int}", boards.board_page, methods=["GET"]),
    Route("/forum/b/{board_id:int}/new", topics.new_topic, methods=["GET", "POST"]),
    Route("/forum/boards/new", boards.new_board, methods=["GET", "POST"]),
    Route("/forum/b/{board_id:int}/grants", grants.grants, methods=["GET", "POST"]),
    Route("/forum/b/{board_id:int}/moderators", moderators.add_moderator, methods=["POST"]),
    Route(
        "/forum/b/{board_id:int}/moderators/{grant_id:int}/delete",
        moderators.remove_moderator,
        methods=["POST"],
    ),
    Route("/forum/b/{board_id:int}/feed.atom", board_feed, methods=["GET"]),
    Route("/t/{topic_id:int}", topics.topic_page, methods=["GET"]),
    Route("/t/{topic_id:int}/unread", topics.first_unread, methods=["GET"]),
    Route("/t/{topic_id:int}/reply", posts.reply, methods=["GET", "POST"]),
    Route("/t/{topic_id:int}/{action:str}", topics.topic_action, methods=["POST"]),
    Route("/t/{topic_id:int}/{number:int}", posts.post_link, methods=["GET"]),
    Route("/t/{topic_id:int}/{number:int}/edit", posts.edit, methods=["GET", "POST"]),
    Route("/t/{topic_id:int}/{number:int}/history", posts.history, methods=["GET"]),
    Route("/t/{topic_id:int}/{number:int}/likes", people.likers, methods=["GET"]),
    Route("/t/{topic_id:int}/{number:int}/{action:str}", posts.post_action, methods=["POST"]),
    *api_routes,
    *steering_routes,
]
