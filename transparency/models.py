"""Party-affairs disclosure (党务公开): items, revisions, reviews, feedback and read receipts.

Published content is append-only: every published text is a `DisclosureRevision` row that is
never updated. `Disclosure.body_*` is the working copy (drafts) and mirrors the latest
revision once published, so lists need no join.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from tortoise import fields, models

if TYPE_CHECKING:
    from forum.models import Org, User


class Scope(StrEnum):
    public = "public"
    all_members = "all_members"
    org_subtree = "org_subtree"
    targeted = "targeted"


SCOPE_LABELS: dict[str, str] = {
    "public": "向社会公开",
    "all_members": "在全党公开",
    "org_subtree": "本单位公开",
    "targeted": "对特定组织和人员公开",
}


class State(StrEnum):
    draft = "draft"
    proposed = "proposed"
    reviewed = "reviewed"
    approved = "approved"
    published = "published"
    rejected = "rejected"
    withdrawn = "withdrawn"


STATE_LABELS: dict[str, str] = {
    "draft": "草稿",
    "proposed": "已提出，待审核",
    "reviewed": "已审核，待审批",
    "approved": "已审批，待发布",
    "published": "已发布",
    "rejected": "已退回",
    "withdrawn": "已撤回",
}

# The disclosure catalogue (domain.md §4), seeded by the migration; editable per installation.
DEFAULT_CATEGORIES: tuple[tuple[str, str], ...] = (
    ("higher_decisions", "贯彻落实上级决策部署"),
    ("plans", "工作计划与进展"),
    ("study", "学习教育与“三会一课”"),
    ("elections", "换届选举"),
    ("org_setup", "组织设置"),
    ("member_development", "党员发展"),
    ("democratic_review", "民主评议党员"),
    ("life_meetings", "组织生活会"),
    ("dues", "党费收缴使用管理"),
    ("discipline", "党风廉政与纪律"),
    ("other", "其他事项"),
)

# The secrecy review (保密审查) checklist the reviewer must confirm, item by item.
REVIEW_CHECKLIST: tuple[tuple[str, str], ...] = (
    ("no_secrets", "不涉及国家秘密、工作秘密"),
    ("no_privacy", "不含个人隐私（身份证号、联系电话、家庭住址等）"),
    ("accurate", "内容准确，数据已核实"),
    ("scope_fit", "公开范围、时间和形式恰当"),
)


class DisclosureCategory(models.Model):
    """An entry of the disclosure catalogue."""

    id = fields.IntField(primary_key=True)
    key = fields.CharField(max_length=32, unique=True)
    name = fields.CharField(max_length=32)
    sort_order = fields.IntField(default=0)
    is_active = fields.BooleanField(default=True, db_default=True)

    class Meta:
        table = "transparency_categories"
        indexes = (("is_active", "sort_order"),)

    def __str__(self) -> str:
        return self.name


class Disclosure(models.Model):
    """One disclosure item (党务公开事项) and its workflow state."""

    id = fields.IntField(primary_key=True)
    title = fields.CharField(max_length=120)
    category: fields.ForeignKeyRelation[DisclosureCategory] = fields.ForeignKeyField(
        "transparency.DisclosureCategory", related_name="disclosures", on_delete=fields.RESTRICT
    )
    category_id: int
    org: fields.ForeignKeyRelation[Org] = fields.ForeignKeyField(
        "forum.Org", related_name="disclosures", on_delete=fields.RESTRICT
    )
    org_id: int
    scope = fields.CharEnumField(Scope, max_length=16)
    state = fields.CharEnumField(State, max_length=16, default=State.draft)
    # The org whose approval the authority rule requires (set when proposed).
    approver_org: fields.ForeignKeyNullableRelation[Org] = fields.ForeignKeyField(
        "forum.Org", related_name="disclosures_to_approve", null=True, on_delete=fields.RESTRICT
    )
    approver_org_id: int | None
    publish_from = fields.DatetimeField()
    until = fields.DatetimeField(null=True)
    attachments: list[dict[str, str]] = fields.JSONField(default=list)  # type: ignore[assignment]
    body_raw = fields.TextField()
    body_html = fields.TextField()
    render_version = fields.SmallIntField(default=1)
    # Title + body of the current text, the column the search index covers.
    search_text = fields.TextField(default="")
    revision_count = fields.SmallIntField(default=0)
    created_by: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "forum.User", related_name="disclosures_created", on_delete=fields.RESTRICT
    )
    created_by_id: int
    proposed_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "forum.User", related_name="disclosures_proposed", null=True, on_delete=fields.RESTRICT
    )
    proposed_by_id: int | None
    reviewed_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "forum.User", related_name="disclosures_reviewed", null=True, on_delete=fields.RESTRICT
    )
    reviewed_by_id: int | None
    approved_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "forum.User", related_name="disclosures_approved", null=True, on_delete=fields.RESTRICT
    )
    approved_by_id: int | None
    published_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "forum.User", related_name="disclosures_published", null=True, on_delete=fields.RESTRICT
    )
    published_by_id: int | None
    proposed_at = fields.DatetimeField(null=True)
    reviewed_at = fields.DatetimeField(null=True)
    approved_at = fields.DatetimeField(null=True)
    published_at = fields.DatetimeField(null=True)
    rejected_at = fields.DatetimeField(null=True)
    rejected_from = fields.CharField(max_length=16, default="")
    reject_reason = fields.TextField(default="")
    withdrawn_at = fields.DatetimeField(null=True)
    withdraw_reason = fields.TextField(default="")
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    targets: fields.ReverseRelation[DisclosureTarget]
    revisions: fields.ReverseRelation[DisclosureRevision]

    class Meta:
        table = "transparency_disclosures"
        indexes = (
            # boards: listed states by scope, newest first (keyset on publish_from, id)
            ("state", "scope", "publish_from", "id"),
            # an org's items (org filter uses org_id IN subtree ids)
            ("org_id", "state", "publish_from"),
            ("category_id", "state", "publish_from"),
            # the approval inbox and the publisher's drafts
            ("approver_org_id", "state"),
            ("created_by_id", "state"),
        )

    def __str__(self) -> str:
        return self.title

    @property
    def state_label(self) -> str:
        return STATE_LABELS[str(self.state)]

    @property
    def scope_label(self) -> str:
        return SCOPE_LABELS[str(self.scope)]

    @property
    def org_path(self) -> str:
        return self.org.path

    @property
    def approver_org_path(self) -> str | None:
        return self.approver_org.path if self.approver_org is not None else None

    @property
    def target_org_ids(self) -> list[int]:
        return [t.org_id for t in self.targets if t.org_id is not None]

    @property
    def target_user_ids(self) -> list[int]:
        return [t.user_id for t in self.targets if t.user_id is not None]

    def expired(self, now: dt.datetime) -> bool:
        return self.until is not None and self.until <= now

    def snapshot(self) -> dict[str, Any]:
        """What the audit log keeps of the item at a transition."""
        return {
            "state": str(self.state),
            "scope": str(self.scope),
            "title": self.title,
            "approver_org_id": self.approver_org_id,
            "revision": self.revision_count,
        }


class DisclosureTarget(models.Model):
    """An org (with its subtree) or a person a targeted item is disclosed to."""

    id = fields.IntField(primary_key=True)
    disclosure: fields.ForeignKeyRelation[Disclosure] = fields.ForeignKeyField(
        "transparency.Disclosure", related_name="targets", on_delete=fields.CASCADE
    )
    disclosure_id: int
    org: fields.ForeignKeyNullableRelation[Org] = fields.ForeignKeyField(
        "forum.Org", related_name="disclosure_targets", null=True, on_delete=fields.RESTRICT
    )
    org_id: int | None
    user: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "forum.User", related_name="disclosure_targets", null=True, on_delete=fields.RESTRICT
    )
    user_id: int | None

    class Meta:
        table = "transparency_targets"
        indexes = (("org_id", "disclosure_id"), ("user_id", "disclosure_id"))


class DisclosureRevision(models.Model):
    """One published text of an item, never updated. Number 1 is the first publication."""

    id = fields.IntField(primary_key=True)
    disclosure: fields.ForeignKeyRelation[Disclosure] = fields.ForeignKeyField(
        "transparency.Disclosure", related_name="revisions", on_delete=fields.RESTRICT
    )
    disclosure_id: int
    number = fields.SmallIntField()
    title = fields.CharField(max_length=120)
    body_raw = fields.TextField()
    body_html = fields.TextField()
    render_version = fields.SmallIntField(default=1)
    note = fields.CharField(max_length=500, default="")
    author: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "forum.User", related_name="disclosure_revisions", on_delete=fields.RESTRICT
    )
    author_id: int
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "transparency_revisions"
        unique_together = (("disclosure_id", "number"),)


class DisclosureReview(models.Model):
    """The secrecy review: which checklist items the reviewer confirmed, and when."""

    id = fields.IntField(primary_key=True)
    disclosure: fields.ForeignKeyRelation[Disclosure] = fields.ForeignKeyField(
        "transparency.Disclosure", related_name="reviews", on_delete=fields.RESTRICT
    )
    disclosure_id: int
    reviewer: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "forum.User", related_name="disclosure_reviews", on_delete=fields.RESTRICT
    )
    reviewer_id: int
    confirmed: list[str] = fields.JSONField(default=list)  # type: ignore[assignment]
    note = fields.CharField(max_length=500, default="")
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "transparency_reviews"
        indexes = (("disclosure_id", "id"),)


class Feedback(models.Model):
    """意见反馈: a reader's question or comment, the issuing org's answer, and a public flag."""

    id = fields.IntField(primary_key=True)
    disclosure: fields.ForeignKeyRelation[Disclosure] = fields.ForeignKeyField(
        "transparency.Disclosure", related_name="feedback", on_delete=fields.RESTRICT
    )
    disclosure_id: int
    author: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "forum.User", related_name="disclosure_feedback", on_delete=fields.RESTRICT
    )
    author_id: int
    body_raw = fields.TextField()
    body_html = fields.TextField()
    render_version = fields.SmallIntField(default=1)
    answer_raw = fields.TextField(default="")
    answer_html = fields.TextField(default="")
    answered_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "forum.User", related_name="disclosure_answers", null=True, on_delete=fields.RESTRICT
    )
    answered_by_id: int | None
    answered_at = fields.DatetimeField(null=True)
    is_public = fields.BooleanField(default=False, db_default=False)
    # Moderation state (flags, review queue): hidden pending review or soft-deleted, both
    # restorable. Hidden items show only to moderators of the disclosure's org subtree.
    hidden = fields.BooleanField(default=False, db_default=False)
    deleted = fields.BooleanField(default=False, db_default=False)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "transparency_feedback"
        indexes = (("disclosure_id", "is_public", "id"), ("disclosure_id", "author_id"))


class ReadReceipt(models.Model):
    """First time a person in the scope opened a member-scope item."""

    id = fields.IntField(primary_key=True)
    disclosure: fields.ForeignKeyRelation[Disclosure] = fields.ForeignKeyField(
        "transparency.Disclosure", related_name="receipts", on_delete=fields.RESTRICT
    )
    disclosure_id: int
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "forum.User", related_name="disclosure_receipts", on_delete=fields.RESTRICT
    )
    user_id: int
    read_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "transparency_receipts"
        unique_together = (("disclosure_id", "user_id"),)
        indexes = (("disclosure_id", "id"),)
