"""Policy predicates for moderation: review queue, flags, sanctions, word list, audit log.

Scope rule: site moderators and site admins moderate everywhere; a moderator (or org admin)
of an org moderates that org's subtree only; a board moderator moderates their boards.
Nobody moderates their own content or sanctions themselves.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from tortoise.expressions import Q

from forum.policy.core import (
    ADMIN_ROLES,
    EVERYTHING,
    NOTHING,
    Viewer,
    can_admin_site,
    in_subtree,
    under_paths,
)
from forum.policy.decision import Decision, decide, refused
from forum.policy.disclosures import DisclosureLike, can_answer_feedback, can_see_disclosure

__all__ = [
    "MODERATOR_ROLES",
    "ContentRef",
    "SanctionTargetRef",
    "can_flag_content",
    "can_lift_sanction",
    "can_manage_words",
    "can_moderate_content",
    "can_moderate_scope",
    "can_pin_site_wide",
    "can_post_or_speak",
    "can_sanction_author",
    "can_sanction_user",
    "can_see_feedback",
    "can_see_held_content",
    "can_view_audit",
    "can_view_audit_entry",
    "can_view_review_queue",
    "is_confirmed_member",
    "is_exempt_from_new_member_rules",
    "is_site_moderator",
    "moderation_paths",
    "visible_review_items",
    "visible_sanctions",
]

SUSPENDED = "您的账号已被封禁"
SILENCED = "您已被禁言，禁言期间可以浏览，但不能发帖或发言"

# Roles that moderate the subtree of the org they are held in.
MODERATOR_ROLES = frozenset({"moderator", *ADMIN_ROLES})


@dataclass(frozen=True)
class ContentRef:
    """What the policy needs about a piece of user content (post, topic, message, comment)."""

    author_id: int | None
    org_path: str = ""
    board_id: int | None = None


@dataclass(frozen=True)
class SanctionTargetRef:
    """The account to sanction: its user id and its member org path ("" if not a member)."""

    user_id: int
    org_path: str = ""


def is_site_moderator(viewer: Viewer) -> bool:
    return not viewer.suspended and (viewer.is_site_admin or viewer.is_site_moderator)


def moderation_paths(viewer: Viewer) -> tuple[str, ...]:
    """Org subtrees the viewer moderates (empty for site moderators: they see everything)."""
    if viewer.suspended:
        return ()
    return viewer.role_paths(MODERATOR_ROLES)


def can_moderate_scope(viewer: Viewer, org_path: str, board_id: int | None = None) -> bool:
    if viewer.suspended or not viewer.is_authenticated:
        return False
    if is_site_moderator(viewer):
        return True
    if board_id is not None and board_id in viewer.board_moderator_ids:
        return True
    return bool(org_path) and any(in_subtree(org_path, p) for p in moderation_paths(viewer))


def can_pin_site_wide(viewer: Viewer) -> Decision:
    """Pin or unpin a topic for the whole site (home page, top of every board list):
    site moderators and site admins only (board and org moderators pin in their boards)."""
    allowed = viewer.is_authenticated and is_site_moderator(viewer)
    return decide(allowed, "只有全站管理员可以全站置顶或取消全站置顶")


def can_view_review_queue(viewer: Viewer) -> bool:
    """Site moderators, org moderators and admins, board moderators; never a suspended
    account (it moderates nothing, `can_moderate_scope`)."""
    if viewer.suspended:
        return False
    return is_site_moderator(viewer) or bool(moderation_paths(viewer) or viewer.board_moderator_ids)


def visible_review_items(viewer: Viewer) -> Q:
    """Review queue rows (`org_path`, `board_id`) the viewer moderates."""
    if is_site_moderator(viewer):
        return EVERYTHING
    if viewer.suspended:
        return NOTHING
    clause = under_paths(moderation_paths(viewer), "org_path")
    if viewer.board_moderator_ids:
        clause |= Q(board_id__in=sorted(viewer.board_moderator_ids))
    return clause


def visible_sanctions(viewer: Viewer) -> Q:
    """Sanction rows (`org_path` of the sanctioned member) in the viewer's moderation scope."""
    if is_site_moderator(viewer):
        return EVERYTHING
    return under_paths(moderation_paths(viewer), "org_path")


def can_moderate_content(viewer: Viewer, content: ContentRef) -> Decision:
    """Approve, hide, delete, edit: in scope and never on one's own content."""
    if content.author_id is not None and content.author_id == viewer.user_id:
        return refused("不能处理自己发布的内容，请交由其他管理员处理")
    in_scope = can_moderate_scope(viewer, content.org_path, content.board_id)
    return decide(in_scope, "该内容不在您的管理范围内")


class HasAuthor(Protocol):
    @property
    def author_id(self) -> int | None: ...


def can_flag_content(viewer: Viewer, content: HasAuthor) -> Decision:
    """Any logged-in account may report others' content (a post, topic, message, ...)."""
    if not viewer.is_authenticated:
        return refused("请先登录")
    if viewer.suspended:
        return refused(SUSPENDED)
    return decide(content.author_id != viewer.user_id, "不能举报自己发布的内容")


def can_sanction_user(viewer: Viewer, target: SanctionTargetRef) -> Decision:
    """Accounts without a member record can only be sanctioned by site moderators."""
    if target.user_id == viewer.user_id:
        return refused("不能处理自己的账号")
    if not target.org_path:
        in_scope = is_site_moderator(viewer)
    else:
        in_scope = can_moderate_scope(viewer, target.org_path)
    return decide(in_scope, "该账号不在您的管理范围内")


def can_sanction_author(viewer: Viewer, author_id: int | None, org_path: str | None) -> Decision:
    """Warn, silence or suspend the author of an item from the item itself (the post menu):
    the account rule above, for an author whose member org path is known ("" = no record).
    `org_path=None` (not loaded for this viewer) refuses."""
    if author_id is None or org_path is None:
        return refused("无法处理该作者")
    return can_sanction_user(viewer, SanctionTargetRef(user_id=author_id, org_path=org_path))


def can_lift_sanction(viewer: Viewer, target: SanctionTargetRef) -> Decision:
    return can_sanction_user(viewer, target)


def can_post_or_speak(viewer: Viewer) -> Decision:
    """Write anything anywhere (posts, topics, meeting messages): signed in, and neither
    suspended (封禁) nor silenced (禁言: reading stays open)."""
    if not viewer.is_authenticated:
        return refused("请先登录")
    if viewer.suspended:
        return refused(SUSPENDED)
    return decide(not viewer.silenced, SILENCED)


def can_manage_words(viewer: Viewer) -> bool:
    return can_admin_site(viewer)


def can_view_audit(viewer: Viewer) -> bool:
    return can_admin_site(viewer) or (not viewer.suspended and bool(viewer.admin_paths))


def can_view_audit_entry(viewer: Viewer, org_path: str) -> bool:
    if can_admin_site(viewer):
        return True
    if viewer.suspended or not org_path:
        return False
    return any(in_subtree(org_path, p) for p in viewer.admin_paths)


def is_confirmed_member(viewer: Viewer) -> bool:
    """The account is linked to a membership record (电子档案) and so was confirmed by an org:
    records are created and linked to accounts only by org staff (the members part), never
    by the account itself. 停止党籍 suspends that standing."""
    return viewer.member_id is not None and not viewer.membership_suspended


def is_exempt_from_new_member_rules(viewer: Viewer, *, trust_confirmed: bool) -> bool:
    """Who skips the new-member rules (premoderation, link and mention caps, the longer
    posting cooldown) whatever the account's age: moderators, and with `trust_confirmed`
    (setting `FORUM_TRUST_CONFIRMED_MEMBERS`, on by default) confirmed members. Everyone
    else (群众, freshly registered accounts) is judged by age and approved posts."""
    if not viewer.is_authenticated or viewer.suspended:
        return False
    if is_site_moderator(viewer) or can_view_review_queue(viewer):
        return True
    return trust_confirmed and is_confirmed_member(viewer)


class HeldLike(Protocol):
    @property
    def author_id(self) -> int | None: ...
    @property
    def held(self) -> bool: ...


def can_see_held_content(viewer: Viewer, content: HeldLike) -> bool:
    """An author sees their own item while it waits for review (marked 等待审核); to
    everyone else it stays hidden (moderators see it through their own rules)."""
    own = viewer.user_id is not None and content.author_id == viewer.user_id
    return own and content.held and not viewer.suspended


class FeedbackLike(Protocol):
    author_id: int
    is_public: bool
    hidden: bool
    deleted: bool


def can_see_feedback(viewer: Viewer, d: DisclosureLike, feedback: FeedbackLike) -> bool:
    """One piece of feedback on a disclosure: public feedback, one's own, or the issuing
    org's staff and the subtree's moderators; once hidden or deleted by moderation, only
    those moderators. (`transparency.queries.item_context` applies the same rule as a list
    filter.)"""
    if not can_see_disclosure(viewer, d):
        return False
    moderator = can_moderate_scope(viewer, d.org_path)
    if (feedback.hidden or feedback.deleted) and not moderator:
        return False
    own = viewer.user_id is not None and feedback.author_id == viewer.user_id
    return feedback.is_public or own or moderator or can_answer_feedback(viewer, d)
