"""Build the policy `Viewer` once per request or websocket connection."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Awaitable, Callable

from forum.models import AuthSession, Member, OrgRole, User
from forum.policy import ANONYMOUS, RoleGrant, Viewer

# Parts may register loaders that add their own facts (sanctions, board moderator grants).
# Each receives the viewer built so far and returns an updated one (dataclasses.replace).
ViewerExtension = Callable[[Viewer], Awaitable[Viewer]]
_extensions: list[ViewerExtension] = []


def register_viewer_extension(extension: ViewerExtension) -> None:
    if extension not in _extensions:
        _extensions.append(extension)


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


async def load_viewer(session_id: str | None) -> Viewer:
    """The viewer behind a session id; anonymous when it is missing, expired or revoked."""
    if not session_id:
        return ANONYMOUS
    session = (
        await AuthSession.filter(
            id=session_id, revoked_at__isnull=True, expires_at__gt=utcnow(), user__is_active=True
        )
        .select_related("user")
        .first()
    )
    if session is None:
        return ANONYMOUS
    return await viewer_for_user(session.user_id, session_id=session.id)


async def viewer_for_user(user_id: int, *, session_id: str | None = None) -> Viewer:
    member = await Member.filter(user_id=user_id).select_related("user", "org", "host_org").first()
    roles = await OrgRole.filter(user_id=user_id, ended_at__isnull=True).select_related("org")
    user = member.user if member is not None else None
    if user is None:
        user = await User.get(id=user_id)
    grants = tuple(
        RoleGrant(role=str(r.role), org_id=r.org_id, org_path=r.org.path if r.org else None)
        for r in roles
    )
    viewer = Viewer(
        user_id=user.id,
        username=user.username,
        display_name=user.display_name,
        session_id=session_id,
        roles=grants,
    )
    if member is not None:
        org = member.org
        # A member's "org tree" for seeing fellow members: their branch (a group's parent).
        home_path = org.path
        if str(org.kind) == "group" and org.parent_id is not None:
            home_path = org.path.rstrip("/").rsplit("/", 1)[0] + "/"
        viewer = dataclasses.replace(
            viewer,
            member_id=member.id,
            status=str(member.status),
            org_id=org.id,
            org_path=org.path,
            home_path=home_path,
            on_probation_sanction=member.on_probation_sanction,
            membership_suspended=member.membership_suspended,
            floating=member.floating,
            host_org_path=member.host_org.path if member.host_org else None,
        )
    for extension in _extensions:
        viewer = await extension(viewer)
    return viewer
