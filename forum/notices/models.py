"""A notice and its recipients (one row each, with the receipt)."""

from __future__ import annotations

from tortoise import fields, models

from forum.files import StoredFileRow
from forum.models import User


class Notice(models.Model):
    id = fields.IntField(primary_key=True)
    org: fields.ForeignKeyRelation[models.Model] = fields.ForeignKeyField(
        "forum.Org", related_name="notices", on_delete=fields.RESTRICT
    )
    org_id: int
    org_path = fields.CharField(max_length=255, db_index=True)
    title = fields.CharField(max_length=120)
    body_raw = fields.TextField()
    body_html = fields.TextField()
    render_version = fields.IntField(default=0)
    # The audience as chosen: member statuses and role names (empty: everyone in the subtree).
    statuses: list[str] = fields.JSONField(default=list)  # type: ignore[assignment]
    roles: list[str] = fields.JSONField(default=list)  # type: ignore[assignment]
    requires_receipt = fields.BooleanField(default=False)
    receipt_deadline = fields.DatetimeField(null=True)
    expires_at = fields.DatetimeField(null=True)
    author: fields.ForeignKeyNullableRelation[models.Model] = fields.ForeignKeyField(
        "forum.User", related_name="notices_published", null=True, on_delete=fields.SET_NULL
    )
    author_id: int | None
    recipient_count = fields.IntField(default=0)
    confirmed_count = fields.IntField(default=0)
    reminders_sent = fields.IntField(default=0)
    published_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "notices"
        indexes = (("org_path", "id"),)


class NoticeRecipient(models.Model):
    id = fields.IntField(primary_key=True)
    notice: fields.ForeignKeyRelation[Notice] = fields.ForeignKeyField(
        "notices.Notice", related_name="recipients", on_delete=fields.CASCADE
    )
    notice_id: int
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "forum.User", related_name="notices_received", on_delete=fields.CASCADE
    )
    user_id: int
    confirmed_at = fields.DatetimeField(null=True)
    reminded_at = fields.DatetimeField(null=True)

    class Meta:
        table = "notice_recipients"
        unique_together = (("notice_id", "user_id"),)
        indexes = (("user_id", "notice_id"), ("notice_id", "confirmed_at"))


class NoticeAttachment(StoredFileRow):
    """A file published with a notice (stored by `forum.files`): who may read the notice may
    download it."""

    id = fields.IntField(primary_key=True)
    notice: fields.ForeignKeyRelation[Notice] = fields.ForeignKeyField(
        "notices.Notice", related_name="attachments", on_delete=fields.CASCADE
    )
    notice_id: int

    class Meta:
        table = "notice_attachments"
        indexes = (("notice_id", "id"),)
