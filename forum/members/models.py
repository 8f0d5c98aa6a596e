"""Directory models: record history, development, transfers, floating members, imports.

Counts (members per org, by status, ...) are never stored: statistics are computed live.
The resident ID number never appears in plaintext in any of these tables.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Any

from tortoise import fields, models

if TYPE_CHECKING:  # importing them at runtime would register them in this app
    from forum.models import Member, Org, User


class MemberChange(models.Model):
    """One change to a member record: who, when, what (before/after, ID numbers masked)."""

    id = fields.IntField(primary_key=True)
    member: fields.ForeignKeyRelation[Member] = fields.ForeignKeyField(
        "forum.Member", related_name="changes", on_delete=fields.CASCADE
    )
    member_id: int
    actor: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "forum.User", related_name="member_changes", null=True, on_delete=fields.SET_NULL
    )
    actor_id: int | None
    actor_name = fields.CharField(max_length=32, default="")
    # created, updated, status, transfer, floating, development, imported
    kind = fields.CharField(max_length=16)
    summary = fields.CharField(max_length=200, default="")
    before: dict[str, Any] | None = fields.JSONField(null=True)  # type: ignore[assignment]
    after: dict[str, Any] | None = fields.JSONField(null=True)  # type: ignore[assignment]
    effective_on = fields.DateField(null=True)  # the milestone date, when the change is one
    # The plenary vote that decided a status change (meetings live on another branch: no FK).
    vote_id = fields.IntField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "member_changes"
        indexes = (("member_id", "id"),)


class ContactKind(StrEnum):
    introducer = "introducer"
    trainer = "trainer"


class DevelopmentContact(models.Model):
    """An introducer (入党介绍人) or trainer (培养联系人) of a member in development."""

    id = fields.IntField(primary_key=True)
    member: fields.ForeignKeyRelation[Member] = fields.ForeignKeyField(
        "forum.Member", related_name="development_contacts", on_delete=fields.CASCADE
    )
    member_id: int
    person: fields.ForeignKeyRelation[Member] = fields.ForeignKeyField(
        "forum.Member", related_name="development_duties", on_delete=fields.CASCADE
    )
    person_id: int
    kind = fields.CharEnumField(ContactKind, max_length=16)
    assigned_on = fields.DateField()
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "member_development_contacts"
        unique_together = (("member_id", "person_id", "kind"),)


class DevelopmentReview(models.Model):
    """A six-monthly review (考察) of an activist or development target."""

    id = fields.IntField(primary_key=True)
    member: fields.ForeignKeyRelation[Member] = fields.ForeignKeyField(
        "forum.Member", related_name="development_reviews", on_delete=fields.CASCADE
    )
    member_id: int
    reviewed_on = fields.DateField()
    summary = fields.CharField(max_length=500, default="")
    reviewer: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "forum.User", related_name="development_reviews", null=True, on_delete=fields.SET_NULL
    )
    reviewer_id: int | None
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "member_development_reviews"
        indexes = (("member_id", "reviewed_on"),)


class TransferState(StrEnum):
    requested = "requested"
    approved = "approved"
    letter_issued = "letter_issued"
    accepted = "accepted"
    placed = "placed"
    completed = "completed"  # receipt returned to the outgoing side
    rejected = "rejected"
    withdrawn = "withdrawn"
    expired = "expired"


TRANSFER_STATE_LABELS: dict[str, str] = {
    "requested": "已申请",
    "approved": "转出方已同意",
    "letter_issued": "已开具介绍信",
    "accepted": "接收方已接收",
    "placed": "已编入支部",
    "completed": "已回执",
    "rejected": "已退回",
    "withdrawn": "已撤回",
    "expired": "介绍信已过期",
}


class Transfer(models.Model):
    """A transfer of membership relation (组织关系接转): the slip both sides see."""

    id = fields.IntField(primary_key=True)
    member: fields.ForeignKeyRelation[Member] = fields.ForeignKeyField(
        "forum.Member", related_name="transfers", on_delete=fields.CASCADE
    )
    member_id: int
    from_org: fields.ForeignKeyRelation[Org] = fields.ForeignKeyField(
        "forum.Org", related_name="transfers_out", on_delete=fields.RESTRICT
    )
    from_org_id: int
    to_org: fields.ForeignKeyRelation[Org] = fields.ForeignKeyField(
        "forum.Org", related_name="transfers_in", on_delete=fields.RESTRICT
    )
    to_org_id: int
    placed_org: fields.ForeignKeyNullableRelation[Org] = fields.ForeignKeyField(
        "forum.Org", related_name="transfers_placed", null=True, on_delete=fields.SET_NULL
    )
    placed_org_id: int | None
    state = fields.CharEnumField(TransferState, max_length=16, default=TransferState.requested)
    reason = fields.CharField(max_length=200, default="")
    rejection_reason = fields.CharField(max_length=200, default="")
    letter_number = fields.CharField(max_length=32, null=True, unique=True)
    letter_issued_on = fields.DateField(null=True)
    letter_expires_on = fields.DateField(null=True)
    requested_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "forum.User", related_name="transfers_requested", null=True, on_delete=fields.SET_NULL
    )
    requested_by_id: int | None
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "member_transfers"
        indexes = (
            ("from_org_id", "state"),
            ("to_org_id", "state"),
            ("member_id", "state"),
            ("state", "letter_expires_on"),
        )

    @property
    def state_label(self) -> str:
        return TRANSFER_STATE_LABELS[str(self.state)]


class FloatingDirection(StrEnum):
    outflow = "outflow"
    inflow = "inflow"


class FloatingRecord(models.Model):
    """A floating member registration (流动党员): activity certificate, host org, period."""

    id = fields.IntField(primary_key=True)
    member: fields.ForeignKeyRelation[Member] = fields.ForeignKeyField(
        "forum.Member", related_name="floating_records", on_delete=fields.CASCADE
    )
    member_id: int
    direction = fields.CharEnumField(FloatingDirection, max_length=8)
    certificate_number = fields.CharField(max_length=32)
    host_org: fields.ForeignKeyNullableRelation[Org] = fields.ForeignKeyField(
        "forum.Org", related_name="floating_records", null=True, on_delete=fields.SET_NULL
    )
    host_org_id: int | None
    host_place = fields.CharField(max_length=64, default="")
    starts_on = fields.DateField()
    ends_on = fields.DateField()
    ended_at = fields.DatetimeField(null=True)
    registered_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "forum.User", related_name="floating_registrations", null=True, on_delete=fields.SET_NULL
    )
    registered_by_id: int | None
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "member_floating_records"
        indexes = (("member_id", "ended_at"), ("host_org_id", "ended_at"))


class ImportBatch(models.Model):
    """An uploaded member spreadsheet: its validated rows (encrypted), report and progress."""

    id = fields.IntField(primary_key=True)
    org: fields.ForeignKeyRelation[Org] = fields.ForeignKeyField(
        "forum.Org", related_name="member_imports", on_delete=fields.CASCADE
    )
    org_id: int
    created_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "forum.User", related_name="member_imports", null=True, on_delete=fields.SET_NULL
    )
    created_by_id: int | None
    filename = fields.CharField(max_length=128, default="")
    # The parsed rows, sealed with forum.crypto (they hold ID numbers).
    payload_encrypted = fields.TextField()
    report: dict[str, Any] | None = fields.JSONField(null=True)  # type: ignore[assignment]
    total_rows = fields.IntField(default=0)
    valid_rows = fields.IntField(default=0)
    processed = fields.IntField(default=0)
    imported = fields.IntField(default=0)
    # validated, running, done, failed
    state = fields.CharField(max_length=12, default="validated")
    error = fields.CharField(max_length=300, default="")
    created_at = fields.DatetimeField(auto_now_add=True)
    finished_at = fields.DatetimeField(null=True)

    class Meta:
        table = "member_import_batches"
        indexes = (("org_id", "id"),)


class ProbationExtension(models.Model):
    """The one extension of probation (6-12 months) a branch plenary may decide."""

    id = fields.IntField(primary_key=True)
    member: fields.OneToOneRelation[Member] = fields.OneToOneField(
        "forum.Member", related_name="probation_extension", on_delete=fields.CASCADE
    )
    member_id: int
    months = fields.SmallIntField()
    decided_on = fields.DateField()
    vote_id = fields.IntField()
    created_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "forum.User", related_name="probation_extensions", null=True, on_delete=fields.SET_NULL
    )
    created_by_id: int | None
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "member_probation_extensions"
