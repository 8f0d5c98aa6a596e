"""Navigation: which top-level links a viewer gets. Templates render exactly this list, so
nobody sees a link that answers 404 for them, and nobody misses a tool they may use.
"""

from __future__ import annotations

from dataclasses import dataclass

from forum.policy.core import Viewer, can_admin_site
from forum.policy.directory import directory_scope_paths
from forum.policy.disclosures import can_manage_disclosure_catalogue, can_work_on_disclosures
from forum.policy.learning import can_study
from forum.policy.moderation import can_manage_words, can_view_audit, can_view_review_queue

__all__ = [
    "NavLink",
    "can_administer_some_org",
    "can_open_manage_hub",
    "can_open_moderation",
    "can_use_directory",
    "can_use_member_tools",
    "nav_links",
]


@dataclass(frozen=True)
class NavLink:
    key: str  # matches the page's `nav` (the active item)
    href: str
    label: str
    # In the phone tab bar (six tabs at most, product.md); the others sit in the phone header.
    tab: bool = True
    # Shows the 待办 count (filled after load from /api/v1/todo/count by static/js/app.js).
    todo_count: bool = False
    # Shown as this icon (static/icons) where space is short: the phone header.
    icon: str = ""


def can_use_directory(viewer: Viewer) -> bool:
    """The member directory lists someone for the viewer: members see their org tree,
    admins their scope. A logged-in non-member with no admin role would only see an empty
    list."""
    if not viewer.is_authenticated:
        return False
    scope = directory_scope_paths(viewer)
    return scope is None or bool(scope)


def can_administer_some_org(viewer: Viewer) -> bool:
    return not viewer.suspended and bool(viewer.admin_paths)


def can_use_member_tools(viewer: Viewer) -> bool:
    """The directory's admin tabs (统计, 发展党员, 流动党员, 导入): each page then checks the
    org it is asked about."""
    return can_admin_site(viewer) or can_administer_some_org(viewer)


def can_open_moderation(viewer: Viewer) -> bool:
    """The 内容管理 dashboard (/moderation) has at least one tool for the viewer."""
    return can_view_review_queue(viewer) or can_view_audit(viewer) or can_manage_words(viewer)


def can_open_manage_hub(viewer: Viewer) -> bool:
    """The 管理 hub (/manage) lists at least one tool: every tool registered there is
    guarded by one of these predicates (tests/unit/test_nav_policy.py checks it)."""
    return (
        can_admin_site(viewer)
        or can_administer_some_org(viewer)
        or can_work_on_disclosures(viewer)
        or can_manage_disclosure_catalogue(viewer)
        or can_open_moderation(viewer)
    )


_PUBLIC = (
    NavLink("home", "/", "首页"),
    NavLink("forum", "/forum", "论坛"),
    NavLink("meetings", "/meetings", "组织生活"),
    NavLink("disclosures", "/disclosures", "党务公开"),
)


def nav_links(viewer: Viewer) -> tuple[NavLink, ...]:
    """The header navigation and the phone tab bar, in order."""
    links = list(_PUBLIC)
    if can_use_directory(viewer):
        links.append(NavLink("members", "/members", "党员"))
    if can_study(viewer):
        links.append(NavLink("learning", "/learning", "学习", tab=False, icon="file-text"))
    if viewer.is_authenticated:
        links.append(NavLink("me", "/me", "我的"))
        links.append(
            NavLink("todo", "/todo", "待办", tab=False, todo_count=True, icon="circle-check")
        )
    if can_open_manage_hub(viewer):
        links.append(NavLink("admin", "/manage", "管理", tab=False, icon="settings"))
    return tuple(links)
