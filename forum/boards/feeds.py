"""Atom feeds for boards that visitors may read (the policy decides, as for the pages)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from forum import markup
from forum.boards import queries
from forum.boards.models import Post
from forum.http import int_param
from forum.policy import ANONYMOUS, can_read_board, ensure_visible
from forum.settings import get_settings
from forum.templating import templates

FEED_SIZE = 20


async def board_feed(request: Request) -> Response:
    """Latest topics of a public board; boards closed to visitors are 404 (even when logged in)."""
    board = await queries.get_board_for(ANONYMOUS, int_param(request.path_params["board_id"]))
    ensure_visible(can_read_board(ANONYMOUS, board.access))
    page = await queries.board_topics(ANONYMOUS, board, None)
    topics = [row.topic for row in page.pinned + page.rows][:FEED_SIZE]
    openings = {
        p.topic_id: markup.excerpt(p.body_html, 300)
        for p in await Post.filter(topic_id__in=[t.id for t in topics], number=1)
    }
    base = get_settings().public_base_url  # never the request's Host header
    updated = max((t.last_activity_at for t in topics), default=board.created_at)
    body = templates.get_template("boards/feed.xml").render(
        board=board, topics=topics, openings=openings, base=base, updated=updated
    )
    return Response(body, media_type="application/atom+xml; charset=utf-8")
