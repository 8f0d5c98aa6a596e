"""Request kinds (data), requests and their threads."""

from __future__ import annotations

from tortoise import fields, models

from forum.files import StoredFileRow
from forum.models import Org, User


class ServiceKind(models.Model):
    """A kind of request, offered everywhere (no org) or only in the subtree of its org (added
    by the admins there); handled by the branch of the requester, or by its org."""

    id = fields.IntField(primary_key=True)
    org: fields.ForeignKeyNullableRelation[Org] = fields.ForeignKeyField(
        "forum.Org", related_name="service_kinds", null=True, on_delete=fields.RESTRICT
    )
    org_id: int | None
    org_path = fields.CharField(max_length=255, default="")  # "" for site-wide kinds
    key = fields.CharField(max_length=48)
    name = fields.CharField(max_length=60)
    description = fields.CharField(max_length=300, default="")
    # [{"name": "purpose", "label": "用途", "required": true}, ...]
    fields_spec: list[dict[str, object]] = fields.JSONField(default=list)  # type: ignore[assignment]
    handled_by = fields.CharField(max_length=12, default="branch")
    time_limit_days = fields.IntField(default=5)
    open_to_public = fields.BooleanField(default=False)  # 入党申请 from a 群众 account
    active = fields.BooleanField(default=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "service_kinds"
        unique_together = (("org_path", "key"),)


class ServiceRequest(models.Model):
    id = fields.IntField(primary_key=True)
    kind: fields.ForeignKeyRelation[ServiceKind] = fields.ForeignKeyField(
        "affairs.ServiceKind", related_name="requests", on_delete=fields.RESTRICT
    )
    kind_id: int
    requester: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "forum.User", related_name="service_requests", on_delete=fields.CASCADE
    )
    requester_id: int
    org: fields.ForeignKeyRelation[Org] = fields.ForeignKeyField(
        "forum.Org", related_name="service_requests", on_delete=fields.RESTRICT
    )
    org_id: int  # the org handling it now
    org_path = fields.CharField(max_length=255, db_index=True)
    first_org_id = fields.IntField()  # where it was filed
    state = fields.CharField(max_length=12, default="submitted")
    title = fields.CharField(max_length=120)
    data: dict[str, str] = fields.JSONField(default=dict)  # type: ignore[assignment]
    due_at = fields.DatetimeField()
    created_at = fields.DatetimeField(auto_now_add=True)
    accepted_at = fields.DatetimeField(null=True)
    closed_at = fields.DatetimeField(null=True)
    return_reason = fields.CharField(max_length=300, default="")
    rating = fields.IntField(null=True)
    rating_comment = fields.CharField(max_length=300, default="")

    class Meta:
        table = "service_requests"
        indexes = (("org_path", "state"), ("requester_id", "id"), ("org_id", "state", "due_at"))


class ServiceMessage(models.Model):
    """The thread: messages between requester and handlers, and each step as a line."""

    id = fields.IntField(primary_key=True)
    request: fields.ForeignKeyRelation[ServiceRequest] = fields.ForeignKeyField(
        "affairs.ServiceRequest", related_name="messages", on_delete=fields.CASCADE
    )
    request_id: int
    author: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "forum.User", related_name="service_messages", null=True, on_delete=fields.SET_NULL
    )
    author_id: int | None
    step = fields.CharField(max_length=16, default="")  # "" for a message
    body = fields.CharField(max_length=2000)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "service_messages"
        indexes = (("request_id", "id"),)


class ServiceAttachment(StoredFileRow):
    """A file attached to a request or to a message of its thread (stored by `forum.files`)."""

    id = fields.IntField(primary_key=True)
    request: fields.ForeignKeyRelation[ServiceRequest] = fields.ForeignKeyField(
        "affairs.ServiceRequest", related_name="attachments", on_delete=fields.CASCADE
    )
    request_id: int
    message: fields.ForeignKeyNullableRelation[ServiceMessage] = fields.ForeignKeyField(
        "affairs.ServiceMessage", related_name="attachments", null=True, on_delete=fields.SET_NULL
    )
    message_id: int | None
    uploader: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "forum.User", related_name="service_attachments", null=True, on_delete=fields.SET_NULL
    )
    uploader_id: int | None

    class Meta:
        table = "service_attachments"
        indexes = (("request_id", "id"),)
