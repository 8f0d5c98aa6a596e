"""The audit log's table: one privileged action, written in the action's transaction.

The model keeps its historical Tortoise app label `moderation` (see `forum.settings.MODEL_APPS`),
so the migrations that created it stay where they are.
"""

from __future__ import annotations

from typing import Any

from tortoise import fields, models


class AuditEntry(models.Model):
    """One privileged action, written in the same transaction as the action and never changed."""

    id = fields.BigIntField(primary_key=True)
    created_at = fields.DatetimeField(auto_now_add=True, db_index=True)
    actor: fields.ForeignKeyNullableRelation[models.Model] = fields.ForeignKeyField(
        "forum.User", related_name="audit_entries", null=True, on_delete=fields.RESTRICT
    )
    actor_id: int | None
    actor_name = fields.CharField(max_length=32, default="")
    action = fields.CharField(max_length=64, db_index=True)
    target_type = fields.CharField(max_length=32)
    target_id = fields.CharField(max_length=64, default="")
    # Path of the org the target belongs to, so auditors can filter by their scope.
    org_path = fields.CharField(max_length=255, default="", db_index=True)
    before: dict[str, Any] | None = fields.JSONField(null=True)  # type: ignore[assignment]
    after: dict[str, Any] | None = fields.JSONField(null=True)  # type: ignore[assignment]
    reason = fields.TextField(default="")
    ip = fields.CharField(max_length=64, default="")

    @property
    def actor_label(self) -> str:
        """Who acted, as a page shows it: the username, or 系统 when the platform acted itself
        (a filter hold, a threshold, an expiry; the reserved name `system` is not shown)."""
        return self.actor_name if self.actor_id is not None else "系统"

    class Meta:
        table = "audit_entries"
        indexes = (("target_type", "target_id"), ("org_path", "id"))
