"""Topic steering (move, merge, split): the board's moderators, never on their own posts.

Another moderator handles a moderator's own topic or replies, as with every moderation
decision (`can_moderate_content`).
"""

from __future__ import annotations

from collections.abc import Iterable

from forum.policy.boards import BoardAccess, TopicFacts, can_moderate_board
from forum.policy.core import Viewer
from forum.policy.decision import Decision, decide, refused
from forum.policy.moderation import HasAuthor

__all__ = ["can_move_topic_to", "can_split_posts", "can_steer_topic"]


def can_steer_topic(viewer: Viewer, topic: TopicFacts) -> Decision:
    """Move a topic away or merge it into another one."""
    if topic.author_id == viewer.user_id:
        return refused("不能处理自己发起的主题，请交由其他版主处理")
    return decide(can_moderate_board(viewer, topic.access), "您不是该版块的版主")


def can_move_topic_to(viewer: Viewer, board: BoardAccess) -> Decision:
    """The destination of a move: the mover moderates it too."""
    return decide(can_moderate_board(viewer, board), "您不是目标版块的版主")


def can_split_posts(viewer: Viewer, topic: TopicFacts, posts: Iterable[HasAuthor]) -> Decision:
    """Split replies out into a new topic in the same board."""
    if any(p.author_id == viewer.user_id for p in posts):
        return refused("所选回帖中有您自己的回帖，请交由其他版主处理")
    return decide(can_moderate_board(viewer, topic.access), "您不是该版块的版主")
