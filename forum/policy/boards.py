"""Policy for boards, topics and posts: the grant matrix and everything decided from it.

A board's matrix gives, per verb (see, read, start_topic, reply, attach, moderate), the
minimum membership status and the org scope (anyone / logged_in / org_subtree / org_only).
Denies always win: suspended accounts write nothing and read only what visitors read,
silenced accounts write nothing, a grant may exclude members under discipline (留党察看 /
停止党籍), and a hidden board (or a hidden ancestor) is invisible to all but its moderators
and admins. Moderators: board admins, site moderators (every board), board moderator grants
(`viewer.board_moderator_ids`) and the matrix's own `moderate` row.

Queries attach a `BoardAccess` snapshot to every board, topic and post they return, so the
predicates stay sync and pure; the same snapshot travels with realtime events.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from forum.models import STATUS_RANK
from forum.policy.core import ADMIN_ROLES, ANONYMOUS, Viewer, can_admin_site, in_subtree
from forum.policy.decision import Decision, decide, refused
from forum.policy.moderation import can_see_held_content

__all__ = [
    "BOARD_SCOPES",
    "BOARD_VERBS",
    "BoardAccess",
    "GrantRule",
    "can_accept_post",
    "can_admin_board",
    "can_attach_board",
    "can_close_topic",
    "can_compose",
    "can_create_board",
    "can_create_boards",
    "can_delete_attachment",
    "can_delete_post",
    "can_edit_post",
    "can_hide_post",
    "can_hide_topic",
    "can_like_post",
    "can_moderate_board",
    "can_moderate_topic",
    "can_pin_topic",
    "can_quote_post",
    "can_read_attachment",
    "can_read_board",
    "can_read_topic",
    "can_receive_topic_event",
    "can_reply_board",
    "can_reply_topic",
    "can_see_board",
    "can_see_post_body",
    "can_see_revisions",
    "can_start_topic",
    "readable_board_ids",
]

BOARD_VERBS = ("see", "read", "start_topic", "reply", "attach", "moderate")
BOARD_SCOPES = ("anyone", "logged_in", "org_subtree", "org_only")


@dataclass(frozen=True)
class GrantRule:
    min_status: str = "public"
    scope: str = "anyone"
    deny_sanctioned: bool = False


@dataclass(frozen=True)
class BoardAccess:
    """What the policy needs to know about a board, loaded once per request."""

    board_id: int
    kind: str = "discussion"
    org_id: int | None = None
    org_path: str | None = None  # None: a site-wide board
    hidden: bool = False  # the board itself or any ancestor is hidden
    grants: Mapping[str, GrantRule] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "board_id": self.board_id,
            "kind": self.kind,
            "org_id": self.org_id,
            "org_path": self.org_path,
            "hidden": self.hidden,
            "grants": {
                verb: [rule.min_status, rule.scope, rule.deny_sanctioned]
                for verb, rule in self.grants.items()
            },
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> BoardAccess:
        return cls(
            board_id=int(data["board_id"]),
            kind=str(data.get("kind", "discussion")),
            org_id=data.get("org_id"),
            org_path=data.get("org_path"),
            hidden=bool(data.get("hidden", False)),
            grants={
                str(verb): GrantRule(str(rule[0]), str(rule[1]), bool(rule[2]))
                for verb, rule in dict(data.get("grants", {})).items()
            },
        )


class TopicFacts(Protocol):
    author_id: int
    closed: bool
    hidden: bool
    held: bool
    access: BoardAccess


class PostFacts(Protocol):
    author_id: int
    number: int
    hidden: bool
    deleted: bool
    held: bool


def _rank(viewer: Viewer) -> int:
    # 停止党籍 suspends the rights of membership: the matrix sees the person as the public.
    if viewer.membership_suspended:
        return 0
    return STATUS_RANK.get(viewer.status, 0)


def _viewer_paths(viewer: Viewer) -> tuple[str, ...]:
    """The orgs a viewer takes part in: their own and, for floating members, the host."""
    paths = [viewer.org_path] if viewer.org_path else []
    if viewer.floating and viewer.host_org_path:
        paths.append(viewer.host_org_path)
    return tuple(paths)


def _scope_ok(viewer: Viewer, scope: str, access: BoardAccess) -> bool:
    if scope == "anyone":
        return True
    if scope == "logged_in":
        return viewer.is_authenticated
    if not viewer.is_member:
        return False
    if access.org_path is None:  # a site board: "members of the org" means any member
        return True
    if scope == "org_subtree":
        return any(in_subtree(path, access.org_path) for path in _viewer_paths(viewer))
    if scope == "org_only":
        return access.org_path in _viewer_paths(viewer)
    return False


def _granted(viewer: Viewer, access: BoardAccess, verb: str) -> bool:
    # Callers settle the account first: `can_moderate_board` refuses suspended accounts and
    # `_may` asks for a write verb only of a viewer who may write at all.
    if viewer.suspended:
        viewer = ANONYMOUS  # a suspended account reads only what visitors read
    rule = access.grants.get(verb)
    if rule is None:
        return False
    if rule.deny_sanctioned and (viewer.on_probation_sanction or viewer.membership_suspended):
        return False
    if _rank(viewer) < STATUS_RANK.get(rule.min_status, len(STATUS_RANK)):
        return False
    return _scope_ok(viewer, rule.scope, access)


def _can_write(viewer: Viewer) -> bool:
    return viewer.is_authenticated and not viewer.silenced and not viewer.suspended


# Board-level answers are asked many times per request (a topic page asks up to eight
# predicates per post, each starting from "may this viewer read / moderate the board").
# `Viewer` and `BoardAccess` are immutable snapshots built per request, so the answer for
# one (viewer, access) pair never changes: remember it by identity. Entries hold the pair
# itself, so an id cannot be reused while its entry exists; a new request builds new
# snapshots and never hits an old entry. Bounded: cleared when full.
_MEMO: dict[tuple[str, int, int], tuple[Viewer, BoardAccess, bool]] = {}
_MEMO_LIMIT = 4096

BoardPredicate = Callable[[Viewer, BoardAccess], bool]


def _per_snapshot(predicate: BoardPredicate) -> BoardPredicate:
    name = predicate.__name__

    @functools.wraps(predicate)
    def remembered(viewer: Viewer, access: BoardAccess) -> bool:
        key = (name, id(viewer), id(access))
        hit = _MEMO.get(key)
        if hit is not None and hit[0] is viewer and hit[1] is access:
            return hit[2]
        answer = predicate(viewer, access)
        if len(_MEMO) >= _MEMO_LIMIT:
            _MEMO.clear()
        _MEMO[key] = (viewer, access, answer)
        return answer

    return remembered


# --- boards -------------------------------------------------------------------------


def can_create_board(viewer: Viewer, org: Any | None) -> bool:
    """Site boards by site admins; an org's boards by the admins of that org's subtree."""
    if org is None:
        return can_admin_site(viewer)
    return can_admin_site(viewer) or (
        not viewer.suspended and viewer.has_role_over(ADMIN_ROLES, org.path)
    )


def can_create_boards(viewer: Viewer) -> bool:
    """Whether to offer "new board" at all (site admins, or admins of some org)."""
    return not viewer.suspended and (can_admin_site(viewer) or bool(viewer.admin_paths))


def can_admin_board(viewer: Viewer, access: BoardAccess) -> bool:
    """Edit the board, its matrix and its moderators."""
    if viewer.suspended:
        return False
    if can_admin_site(viewer):
        return True
    return access.org_path is not None and viewer.has_role_over(ADMIN_ROLES, access.org_path)


@_per_snapshot
def can_moderate_board(viewer: Viewer, access: BoardAccess) -> bool:
    if viewer.suspended or not viewer.is_authenticated:
        return False
    return (
        can_admin_board(viewer, access)
        # Site moderators moderate every board (issue 5: "site moderators see all"), the same
        # scope the review queue gives them in forum/policy/moderation.py.
        or viewer.is_site_moderator
        # A "moderator" role held in an org moderates that subtree's boards.
        or (
            access.org_path is not None
            and viewer.has_role_over(frozenset({"moderator"}), access.org_path)
        )
        or access.board_id in viewer.board_moderator_ids
        or _granted(viewer, access, "moderate")
    )


@_per_snapshot
def can_see_board(viewer: Viewer, access: BoardAccess) -> bool:
    if can_moderate_board(viewer, access):
        return True
    if access.hidden:
        return False
    return _granted(viewer, access, "see")


@_per_snapshot
def can_read_board(viewer: Viewer, access: BoardAccess) -> bool:
    if can_moderate_board(viewer, access):
        return True
    return can_see_board(viewer, access) and _granted(viewer, access, "read")


def _may(viewer: Viewer, access: BoardAccess, verb: str) -> bool:
    if not can_read_board(viewer, access) or not _can_write(viewer):
        return False
    return can_moderate_board(viewer, access) or _granted(viewer, access, verb)


def can_compose(viewer: Viewer) -> bool:
    """The composer's helpers (preview, @mention suggestions): anyone who may write at all.
    Every signed-in account that is not silenced or suspended may reply somewhere (the site
    boards take replies from everyone logged in); each draft or post still asks its board."""
    return _can_write(viewer)


def can_start_topic(viewer: Viewer, access: BoardAccess) -> bool:
    return _may(viewer, access, "start_topic")


def can_reply_board(viewer: Viewer, access: BoardAccess) -> bool:
    return _may(viewer, access, "reply")


def can_attach_board(viewer: Viewer, access: BoardAccess) -> bool:
    return _may(viewer, access, "attach")


def readable_board_ids(viewer: Viewer, accesses: Iterable[BoardAccess]) -> list[int]:
    """Ids of the boards whose topics this viewer may read (for query-level filters)."""
    return [a.board_id for a in accesses if can_read_board(viewer, a)]


# --- topics -------------------------------------------------------------------------


def can_moderate_topic(viewer: Viewer, topic: TopicFacts) -> bool:
    return can_moderate_board(viewer, topic.access)


def can_read_topic(viewer: Viewer, topic: TopicFacts) -> bool:
    if not can_read_board(viewer, topic.access):
        return False
    if not topic.hidden:
        return True
    return can_moderate_board(viewer, topic.access) or can_see_held_content(viewer, topic)


def can_reply_topic(viewer: Viewer, topic: TopicFacts) -> Decision:
    if not can_read_topic(viewer, topic) or not can_reply_board(viewer, topic.access):
        return refused("您不能在此版块回复")
    closed = topic.closed and not can_moderate_board(viewer, topic.access)
    return decide(not closed, "主题已关闭，无法回复")


def can_pin_topic(viewer: Viewer, topic: TopicFacts) -> bool:
    return can_moderate_topic(viewer, topic)


def can_close_topic(viewer: Viewer, topic: TopicFacts) -> bool:
    return can_moderate_topic(viewer, topic)


def can_hide_topic(viewer: Viewer, topic: TopicFacts) -> bool:
    return can_moderate_topic(viewer, topic)


# --- posts --------------------------------------------------------------------------


def can_see_post_body(viewer: Viewer, topic: TopicFacts, post: PostFacts) -> bool:
    """Hidden and deleted posts show a placeholder, except to moderators (hidden only)."""
    if not can_read_topic(viewer, topic) or post.deleted:
        return False
    if not post.hidden:
        return True
    return can_moderate_topic(viewer, topic) or can_see_held_content(viewer, post)


def _own(viewer: Viewer, post: PostFacts) -> bool:
    return viewer.user_id is not None and viewer.user_id == post.author_id


def can_edit_post(viewer: Viewer, topic: TopicFacts, post: PostFacts) -> bool:
    if post.deleted or not can_read_topic(viewer, topic):
        return False
    if can_moderate_topic(viewer, topic) and _can_write(viewer):
        return True
    return _own(viewer, post) and _can_write(viewer) and not topic.closed and not post.hidden


def can_delete_post(viewer: Viewer, topic: TopicFacts, post: PostFacts) -> bool:
    """Own replies while the topic is open; the opening post goes with its topic (moderators)."""
    if post.deleted or not can_read_topic(viewer, topic):
        return False
    if can_moderate_topic(viewer, topic):
        return True
    return _own(viewer, post) and _can_write(viewer) and not topic.closed and post.number > 1


def can_hide_post(viewer: Viewer, topic: TopicFacts, post: PostFacts) -> bool:
    return not post.deleted and can_moderate_topic(viewer, topic)


def can_like_post(viewer: Viewer, topic: TopicFacts, post: PostFacts) -> bool:
    return (
        _can_write(viewer)
        and not _own(viewer, post)
        and can_see_post_body(viewer, topic, post)
        and not post.hidden
    )


def can_quote_post(viewer: Viewer, topic: TopicFacts, post: PostFacts) -> bool:
    """Only published posts: a quote would copy hidden (or held) text into a visible one."""
    if post.hidden:
        return False
    return bool(can_reply_topic(viewer, topic)) and can_see_post_body(viewer, topic, post)


def can_see_revisions(viewer: Viewer, topic: TopicFacts, post: PostFacts) -> bool:
    return can_see_post_body(viewer, topic, post)


def can_accept_post(viewer: Viewer, topic: TopicFacts, post: PostFacts) -> bool:
    """在线咨询: the asker or a moderator marks a reply as the accepted answer."""
    if topic.access.kind != "consultation" or post.number <= 1 or post.hidden or post.deleted:
        return False
    if not can_read_topic(viewer, topic) or not _can_write(viewer):
        return False
    return viewer.user_id == topic.author_id or can_moderate_topic(viewer, topic)


# --- attachments --------------------------------------------------------------------


class AttachmentFacts(Protocol):
    uploader_id: int
    deleted: bool
    access: BoardAccess


def can_read_attachment(
    viewer: Viewer,
    attachment: AttachmentFacts,
    topic: TopicFacts | None = None,
    post: PostFacts | None = None,
) -> bool:
    """A file is as visible as the post that carries it (moderators see hidden and deleted
    posts' files); before it is linked to a post only its uploader and the moderators see it."""
    if not can_read_board(viewer, attachment.access):
        return False
    moderator = can_moderate_board(viewer, attachment.access)
    if attachment.deleted:
        return moderator
    if topic is None or post is None:
        return moderator or (
            viewer.user_id is not None and viewer.user_id == attachment.uploader_id
        )
    if moderator:
        return can_read_board(viewer, topic.access)
    return can_see_post_body(viewer, topic, post)


def can_delete_attachment(viewer: Viewer, attachment: AttachmentFacts) -> bool:
    return not attachment.deleted and can_moderate_board(viewer, attachment.access)


# --- realtime -----------------------------------------------------------------------


def can_receive_topic_event(viewer: Viewer, audience: Mapping[str, Any]) -> bool:
    """Delivery filter for `topic:{id}` events: the same answers as the topic page."""
    board = audience.get("board")
    if not isinstance(board, Mapping):
        return False
    access = BoardAccess.from_dict(board)
    if not can_read_board(viewer, access):
        return False
    moderator = can_moderate_board(viewer, access)
    if audience.get("topic_hidden") and not moderator:
        return False
    return not audience.get("post_hidden") or moderator
