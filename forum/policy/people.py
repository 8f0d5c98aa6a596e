"""Policy for people pages: profiles (`/u/{username}`) and their cards, the content lists on
them, bookmarks and who liked a post.

A profile shows an account, not a record. What it says about the person follows the
directory's field rules (`can_see_member_field`): the card fields (org, group, status) only
to the viewer's own org tree and to the admins whose scope covers the member; an org role
only where the directory would show a member of that org; nothing from the record (phone,
ID number, discipline, floating...) ever. Visitors and suspended accounts see the display
name and the content they may read, nothing else. A deactivated account is missing (404)
except to site admins. Content lists (topics, posts, bookmarks) are filtered at query level
with a `ContentScope`: the same answers as `can_read_topic` and `can_see_post_body`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from forum.policy.boards import (
    BoardAccess,
    PostFacts,
    TopicFacts,
    can_moderate_board,
    can_read_board,
    can_read_topic,
    can_see_post_body,
)
from forum.policy.core import (
    HasPath,
    Viewer,
    can_admin_site,
    can_manage_org,
    can_see_member,
    in_subtree,
)
from forum.policy.directory import can_see_member_field

if TYPE_CHECKING:
    from forum.models import Member

__all__ = [
    "PROFILE_FIELDS",
    "ContentScope",
    "ProfileFacts",
    "can_bookmark_post",
    "can_bookmark_topic",
    "can_see_likers",
    "can_see_profile",
    "can_see_profile_field",
    "can_see_profile_role",
    "content_scope",
]

# What a profile and its card may show, in page order. `record` is the link to the
# directory record (/members/{id}), shown to those who may open it.
PROFILE_FIELDS = ("display_name", "joined", "org", "group", "status", "record")
# Fields that come from the member record: the directory's card rules decide them.
_CARD_FIELDS = frozenset({"org", "group", "status"})


class ProfileFacts(Protocol):
    user_id: int
    is_active: bool
    member: Member | None  # with `org` loaded


class RoleFacts(Protocol):
    role: str
    org: HasPath | None  # None: a site-wide role


def _signed_in(viewer: Viewer) -> bool:
    return viewer.is_authenticated and not viewer.suspended


def _own(viewer: Viewer, profile: ProfileFacts) -> bool:
    return viewer.user_id is not None and viewer.user_id == profile.user_id


def can_see_profile(viewer: Viewer, profile: ProfileFacts) -> bool:
    """Every active account has a profile page (its display name is already on its posts);
    a deactivated one only to site admins."""
    return profile.is_active or can_admin_site(viewer)


def can_see_profile_field(viewer: Viewer, profile: ProfileFacts, field: str) -> bool:
    if not can_see_profile(viewer, profile) or field not in PROFILE_FIELDS:
        return False
    if field == "display_name":
        return True
    if not _signed_in(viewer):  # visitors and suspended accounts: the name only
        return False
    if field == "joined":
        return True
    member = profile.member
    if member is None:
        return False
    if field == "record":
        return can_see_member(viewer, member)
    return field in _CARD_FIELDS and can_see_member_field(viewer, member, field)


def can_see_profile_role(viewer: Viewer, profile: ProfileFacts, grant: RoleFacts) -> bool:
    """An org role shows where the directory would show a member of that org (the viewer's
    org tree, an admin's scope); a site-wide role (站点管理员, 版主) to every signed-in viewer,
    who needs to know whom to ask."""
    if not can_see_profile(viewer, profile) or not _signed_in(viewer):
        return False
    if _own(viewer, profile) or grant.org is None:
        return True
    path = grant.org.path
    in_tree = viewer.home_path is not None and in_subtree(path, viewer.home_path)
    return in_tree or can_manage_org(viewer, grant.org)


# --- content on people pages ------------------------------------------------------------


@dataclass(frozen=True)
class ContentScope:
    """The board content a viewer reads, as the facts a list query turns into WHERE clauses:
    topics of `readable` boards that are not hidden, hidden ones too where the viewer
    `moderates`, and the viewer's own held items (`held_author`); posts likewise, never
    deleted ones. The same answers as `can_read_topic` and `can_see_post_body`."""

    readable: tuple[int, ...]
    moderated: tuple[int, ...]
    held_author: int | None

    @property
    def empty(self) -> bool:
        return not self.readable


def content_scope(viewer: Viewer, accesses: Iterable[BoardAccess]) -> ContentScope:
    boards = list(accesses)
    readable = tuple(a.board_id for a in boards if can_read_board(viewer, a))
    moderated = tuple(a.board_id for a in boards if can_moderate_board(viewer, a))
    author = viewer.user_id if viewer.user_id is not None and not viewer.suspended else None
    return ContentScope(readable, tuple(b for b in moderated if b in readable), author)


def can_bookmark_topic(viewer: Viewer, topic: TopicFacts) -> bool:
    """A bookmark is private: any signed-in account that reads the topic (silenced too)."""
    return _signed_in(viewer) and can_read_topic(viewer, topic)


def can_bookmark_post(viewer: Viewer, topic: TopicFacts, post: PostFacts) -> bool:
    return _signed_in(viewer) and can_see_post_body(viewer, topic, post)


def can_see_likers(viewer: Viewer, topic: TopicFacts, post: PostFacts) -> bool:
    """Who liked a post: whoever may read the post itself."""
    return can_see_post_body(viewer, topic, post)
