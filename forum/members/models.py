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


class InflowState(StrEnum):
    pending = "pending"
    confirmed = "confirmed"
    declined = "declined"
    withdrawn = "withdrawn"


INFLOW_STATE_LABELS = {
    "pending": "待流出地确认",
    "confirmed": "已确认",
    "declined": "已退回",
    "withdrawn": "已撤回",
}


class FloatingInflow(models.Model):
    """A host org's request to register a floating member from elsewhere (流入登记).

    The host types an ID number; whether it belongs to anyone is kept from the host until
    the member's home side (which issued the 活动证) confirms. Only that confirmation writes
    to the member's record. `member` is the match found at request time (None when the
    number is unknown); the host never sees it before confirmation.
    """

    id = fields.IntField(primary_key=True)
    host_org: fields.ForeignKeyRelation[Org] = fields.ForeignKeyField(
        "forum.Org", related_name="floating_inflows", on_delete=fields.RESTRICT
    )
    host_org_id: int
    member: fields.ForeignKeyNullableRelation[Member] = fields.ForeignKeyField(
        "forum.Member", related_name="floating_inflows", null=True, on_delete=fields.CASCADE
    )
    member_id: int | None
    id_number_hint = fields.CharField(max_length=18)
    certificate_number = fields.CharField(max_length=32)
    starts_on = fields.DateField()
    ends_on = fields.DateField()
    state = fields.CharEnumField(InflowState, max_length=12, default=InflowState.pending)
    requested_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "forum.User", related_name="floating_inflow_requests", null=True, on_delete=fields.SET_NULL
    )
    requested_by_id: int | None
    decided_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "forum.User", related_name="floating_inflow_decisions", null=True, on_delete=fields.SET_NULL
    )
    decided_by_id: int | None
    decided_at = fields.DatetimeField(null=True)
    decline_reason = fields.CharField(max_length=500, default="")
    record: fields.ForeignKeyNullableRelation[FloatingRecord] = fields.ForeignKeyField(
        "directory.FloatingRecord", related_name="inflow", null=True, on_delete=fields.SET_NULL
    )
    record_id: int | None
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "member_floating_inflows"
        indexes = (("host_org_id", "state"), ("member_id", "state"))

    @property
    def state_label(self) -> str:
        return INFLOW_STATE_LABELS[str(self.state)]


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


class StatusDecisionKind(StrEnum):
    admission = "admission"  # 接收预备党员
    conversion = "conversion"  # 转正
    extension = "extension"  # 延长预备期
    cancellation = "cancellation"  # 取消预备党员资格


class StatusDecisionState(StrEnum):
    pending = "pending"
    approved = "approved"
    rejected = "rejected"


STATUS_DECISION_STATE_LABELS = {
    "pending": "待上级党委审批",
    "approved": "已批准",
    "rejected": "未批准",
}


class StatusDecision(models.Model):
    """A plenary's decision on a member's status, waiting for the superior committee.

    The branch cites the closed, passed vote (`vote_id`, in the meetings part: no FK) and the
    day it passed (`voted_on`); only the committee's approval changes the member's status.
    A vote decides one step once (unique).
    """

    id = fields.IntField(primary_key=True)
    member: fields.ForeignKeyRelation[Member] = fields.ForeignKeyField(
        "forum.Member", related_name="status_decisions", on_delete=fields.CASCADE
    )
    member_id: int
    kind = fields.CharEnumField(StatusDecisionKind, max_length=16)
    vote_id = fields.IntField(unique=True)
    voted_on = fields.DateField()
    months = fields.SmallIntField(null=True)  # an extension's length
    reason = fields.CharField(max_length=200, default="")
    committee: fields.ForeignKeyRelation[Org] = fields.ForeignKeyField(
        "forum.Org", related_name="status_decisions_due", on_delete=fields.RESTRICT
    )
    committee_id: int
    state = fields.CharEnumField(
        StatusDecisionState, max_length=12, default=StatusDecisionState.pending
    )
    requested_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "forum.User",
        related_name="status_decisions_requested",
        null=True,
        on_delete=fields.SET_NULL,
    )
    requested_by_id: int | None
    decided_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "forum.User", related_name="status_decisions_decided", null=True, on_delete=fields.SET_NULL
    )
    decided_by_id: int | None
    decided_on = fields.DateField(null=True)  # the committee's approval (or rejection) day
    late = fields.BooleanField(default=False)  # approved more than three months after the vote
    decision_note = fields.CharField(max_length=200, default="")
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "member_status_decisions"
        indexes = (("member_id", "state"), ("committee_id", "state"))

    @property
    def state_label(self) -> str:
        return STATUS_DECISION_STATE_LABELS[str(self.state)]


class SanctionState(StrEnum):
    recorded = "recorded"  # 警告, 严重警告, 撤销党内职务: on the record, nothing to end
    active = "active"  # 留党察看 running
    restored = "restored"  # 留党察看 ended: rights restored
    expelled = "expelled"  # 留党察看 ended in 开除党籍, or 开除党籍 itself


SANCTION_STATE_LABELS = {
    "recorded": "已记录",
    "active": "察看期中",
    "restored": "已恢复党员权利",
    "expelled": "已开除党籍",
}


class Sanction(models.Model):
    """A disciplinary sanction (党纪处分) with its decision and approval (domain.md §9)."""

    id = fields.IntField(primary_key=True)
    member: fields.ForeignKeyRelation[Member] = fields.ForeignKeyField(
        "forum.Member", related_name="sanctions", on_delete=fields.CASCADE
    )
    member_id: int
    kind = fields.CharField(max_length=16)  # forum.policy.SANCTION_KINDS
    years = fields.SmallIntField(null=True)  # 留党察看: 1 or 2
    decision_number = fields.CharField(max_length=64)
    deciding_body = fields.CharField(max_length=64)
    decided_on = fields.DateField()
    approving_body = fields.CharField(max_length=64, default="")
    approved_on = fields.DateField(null=True)  # None when imposed directly by a committee
    starts_on = fields.DateField()  # takes effect: the approval, or the decision
    ends_on = fields.DateField(null=True)  # 留党察看 only
    state = fields.CharEnumField(SanctionState, max_length=12)
    outcome_on = fields.DateField(null=True)
    outcome_decision = fields.CharField(max_length=64, default="")
    recorded_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "forum.User", related_name="sanctions_recorded", null=True, on_delete=fields.SET_NULL
    )
    recorded_by_id: int | None
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "member_sanctions"
        indexes = (("member_id", "state"),)

    @property
    def state_label(self) -> str:
        return SANCTION_STATE_LABELS[str(self.state)]


class SuspensionState(StrEnum):
    active = "active"
    restored = "restored"
    removed = "removed"  # 除名


SUSPENSION_STATE_LABELS = {"active": "停止党籍中", "restored": "已恢复党籍", "removed": "已除名"}


class MembershipSuspension(models.Model):
    """停止党籍 of a member out of contact for over six months, approved by the superior
    committee; restored on return, or removed (除名) after two years (domain.md §9)."""

    id = fields.IntField(primary_key=True)
    member: fields.ForeignKeyRelation[Member] = fields.ForeignKeyField(
        "forum.Member", related_name="suspensions", on_delete=fields.CASCADE
    )
    member_id: int
    reason = fields.CharField(max_length=200)
    decision_number = fields.CharField(max_length=64)
    approving_body = fields.CharField(max_length=64)
    approved_on = fields.DateField()  # takes effect
    state = fields.CharEnumField(SuspensionState, max_length=12, default=SuspensionState.active)
    ended_on = fields.DateField(null=True)
    end_note = fields.CharField(max_length=200, default="")
    recorded_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "forum.User", related_name="suspensions_recorded", null=True, on_delete=fields.SET_NULL
    )
    recorded_by_id: int | None
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "member_suspensions"
        indexes = (("member_id", "state"),)

    @property
    def state_label(self) -> str:
        return SUSPENSION_STATE_LABELS[str(self.state)]


class DuplicateState(StrEnum):
    open = "open"
    merged = "merged"  # one record kept, the other marked 重复档案
    dismissed = "dismissed"  # checked: two people, not a duplicate

    @property
    def label(self) -> str:
        return {"open": "待核查", "merged": "已合并", "dismissed": "已排除"}[self.value]


class DuplicateCase(models.Model):
    """A record created with an ID number already registered in a record its creator could
    not see. Only `org` (the lowest org above both records; None = the site admin) sees and
    resolves it; the creating side is never told."""

    id = fields.IntField(primary_key=True)
    member: fields.ForeignKeyRelation[Member] = fields.ForeignKeyField(
        "forum.Member", related_name="duplicate_cases", on_delete=fields.CASCADE
    )
    member_id: int  # the new record
    existing: fields.ForeignKeyRelation[Member] = fields.ForeignKeyField(
        "forum.Member", related_name="duplicate_cases_existing", on_delete=fields.CASCADE
    )
    existing_id: int  # the record registered before
    org: fields.ForeignKeyNullableRelation[Org] = fields.ForeignKeyField(
        "forum.Org", related_name="duplicate_cases", null=True, on_delete=fields.SET_NULL
    )
    org_id: int | None
    state = fields.CharEnumField(DuplicateState, max_length=12, default=DuplicateState.open)
    kept_id = fields.IntField(null=True)  # the record kept by a merge
    note = fields.CharField(max_length=200, default="")
    resolved_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "forum.User", related_name="duplicate_cases_resolved", null=True, on_delete=fields.SET_NULL
    )
    resolved_by_id: int | None
    resolved_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "member_duplicate_cases"
        indexes = (("org_id", "state"), ("state", "id"))


class RollExclusionState(StrEnum):
    proposed = "proposed"  # the branch proposed it: waiting for the superior org
    approved = "approved"  # approved: waiting for the plenary's vote
    active = "active"  # passed by the plenary: every new roll leaves the member out of 应到
    rejected = "rejected"  # the superior org did not approve
    ended = "ended"  # the circumstance ended: counted in 应到 again


ROLL_EXCLUSION_STATE_LABELS = {
    "proposed": "待上级党组织批准",
    "approved": "已批准，待党员大会通过",
    "active": "生效中（不计入应到）",
    "rejected": "上级党组织未批准",
    "ended": "已恢复计入应到",
}


class RollExclusion(models.Model):
    """The branch's standing decision that a member is not counted in 应到 (domain.md §3):
    proposed with its reason, approved by the superior org, passed by the plenary (the vote
    is cited: no FK, it lives in the meetings part). In force (`active`) it applies to every
    roll the branch's meetings generate, until the branch ends it."""

    id = fields.IntField(primary_key=True)
    member: fields.ForeignKeyRelation[Member] = fields.ForeignKeyField(
        "forum.Member", related_name="roll_exclusions", on_delete=fields.CASCADE
    )
    member_id: int
    org: fields.ForeignKeyRelation[Org] = fields.ForeignKeyField(
        "forum.Org", related_name="roll_exclusions", on_delete=fields.RESTRICT
    )
    org_id: int  # the branch that decided it
    committee: fields.ForeignKeyRelation[Org] = fields.ForeignKeyField(
        "forum.Org", related_name="roll_exclusions_due", on_delete=fields.RESTRICT
    )
    committee_id: int  # the superior org that approves
    category = fields.CharField(max_length=24)  # a key of forum.decisions.EXCLUSION_LABELS
    reason = fields.CharField(max_length=500)
    state = fields.CharEnumField(
        RollExclusionState, max_length=12, default=RollExclusionState.proposed
    )
    proposed_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "forum.User", related_name="roll_exclusions_proposed", null=True, on_delete=fields.SET_NULL
    )
    proposed_by_id: int | None
    approved_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "forum.User", related_name="roll_exclusions_approved", null=True, on_delete=fields.SET_NULL
    )
    approved_by_id: int | None
    approved_on = fields.DateField(null=True)
    approval_note = fields.CharField(max_length=200, default="")  # 批准文号 or the refusal
    vote_id = fields.IntField(null=True, unique=True)
    voted_on = fields.DateField(null=True)
    ended_on = fields.DateField(null=True)
    end_reason = fields.CharField(max_length=200, default="")
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "member_roll_exclusions"
        indexes = (("member_id", "state"), ("committee_id", "state"), ("org_id", "state"))

    @property
    def state_label(self) -> str:
        return ROLL_EXCLUSION_STATE_LABELS[str(self.state)]
