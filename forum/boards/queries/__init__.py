"""Read paths for boards, one concept per module: every list is keyset-paginated and makes a
fixed number of queries.

Callers import the package (`from forum.boards import queries; queries.topic_view(...)`);
the public reads are re-exported here.
"""

from __future__ import annotations

from forum.boards.queries.attachments import get_attachment_for
from forum.boards.queries.boards import (
    BoardIndex,
    BoardList,
    BoardRow,
    board_index,
    board_list,
    board_moderators,
    creatable_orgs,
    get_board_for,
)
from forum.boards.queries.held import HeldItem, held_items
from forum.boards.queries.notifications import notifications, unread_notification_count
from forum.boards.queries.posts import PostItem, TopicView, get_post, revisions, topic_view
from forum.boards.queries.search import search_posts
from forum.boards.queries.topics import (
    TopicPage,
    TopicRow,
    TopicSummary,
    board_topics,
    get_topic_for,
    parse_topic_cursor,
    topic_with_access,
)

__all__ = [
    "BoardIndex",
    "BoardList",
    "BoardRow",
    "HeldItem",
    "PostItem",
    "TopicPage",
    "TopicRow",
    "TopicSummary",
    "TopicView",
    "board_index",
    "board_list",
    "board_moderators",
    "board_topics",
    "creatable_orgs",
    "get_attachment_for",
    "get_board_for",
    "get_post",
    "get_topic_for",
    "held_items",
    "notifications",
    "parse_topic_cursor",
    "revisions",
    "search_posts",
    "topic_view",
    "topic_with_access",
    "unread_notification_count",
]
