"""The audit log: `record()` is called inside the transaction of every privileged action."""

from __future__ import annotations

from typing import Any

from forum.auditlog import AuditEntry
from forum.policy import Viewer


async def record(
    actor: Viewer,
    action: str,
    target_type: str,
    target_id: int | str,
    *,
    org_path: str = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    reason: str = "",
) -> AuditEntry:
    """Append one entry. Call it inside the action's `in_transaction()` block."""
    return await AuditEntry.create(
        actor_id=actor.user_id,
        actor_name=actor.username,
        action=action,
        target_type=target_type,
        target_id=str(target_id),
        org_path=org_path,
        before=before,
        after=after,
        reason=reason,
        ip=actor.ip,
    )
