"""Server-side sessions of the core accounts: revoking them, and telling their sockets."""

from __future__ import annotations

from forum import publisher
from forum.clock import utcnow
from forum.models import AuthSession


async def revoke_user_sessions(user_id: int, *, keep: str | None = None) -> list[str]:
    """Revoke every live session of a user (password change, suspension), except `keep`.
    Call inside the action's transaction; after commit, `announce_revoked` the ids."""
    query = AuthSession.filter(user_id=user_id, revoked_at__isnull=True)
    if keep is not None:
        query = query.exclude(id=keep)
    ids = [str(s) for s in await query.values_list("id", flat=True)]
    if ids:
        await AuthSession.filter(id__in=ids).update(revoked_at=utcnow())
    return ids


async def announce_revoked(user_id: int, session_ids: list[str]) -> None:
    """After commit: the user's open websockets on these sessions close."""
    for session_id in session_ids:
        await publisher.session_revoked(user_id, session_id)
