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
from forum.boards.queries.drafts import DraftItem, get_draft, my_drafts
from forum.boards.queries.held import HeldItem, held_items
from forum.boards.queries.mentions import Suggestion, suggest_mentions
from forum.boards.queries.people import (
    ActivityItem,
    Liker,
    author_figures,
    author_posts,
    author_topics,
    bookmark_key,
    bookmarked_keys,
    bookmarks,
    likers,
)
from forum.boards.queries.posts import (
    POSTS_PER_PAGE,
    PostItem,
    TopicView,
    get_post,
    revisions,
    topic_view,
)
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
    "POSTS_PER_PAGE",
    "ActivityItem",
    "BoardIndex",
    "BoardList",
    "BoardRow",
    "DraftItem",
    "HeldItem",
    "Liker",
    "PostItem",
    "Suggestion",
    "TopicPage",
    "TopicRow",
    "TopicSummary",
    "TopicView",
    "author_figures",
    "author_posts",
    "author_topics",
    "board_index",
    "board_list",
    "board_moderators",
    "board_topics",
    "bookmark_key",
    "bookmarked_keys",
    "bookmarks",
    "creatable_orgs",
    "get_attachment_for",
    "get_board_for",
    "get_draft",
    "get_post",
    "get_topic_for",
    "held_items",
    "likers",
    "my_drafts",
    "parse_topic_cursor",
    "revisions",
    "search_posts",
    "suggest_mentions",
    "topic_view",
    "topic_with_access",
]
