"""Moderation models: sanctions, watched words, flags, the review queue, notices, steering, pins."""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields, models


class SanctionKind(StrEnum):
    warn = "warn"
    silence = "silence"
    suspend = "suspend"


SANCTION_LABELS: dict[str, str] = {"warn": "警告", "silence": "禁言", "suspend": "封禁"}


class Sanction(models.Model):
    """A warning, silence or suspension of one account, lifted early or expiring at `ends_at`."""

    id = fields.IntField(primary_key=True)
    user: fields.ForeignKeyRelation[models.Model] = fields.ForeignKeyField(
        "forum.User", related_name="sanctions", on_delete=fields.RESTRICT
    )
    user_id: int
    kind = fields.CharEnumField(SanctionKind, max_length=16)
    reason = fields.TextField()
    # Org path of the sanctioned member (empty when the account has no member record).
    org_path = fields.CharField(max_length=255, default="")
    starts_at = fields.DatetimeField()
    ends_at = fields.DatetimeField(null=True)
    created_by: fields.ForeignKeyNullableRelation[models.Model] = fields.ForeignKeyField(
        "forum.User", related_name="sanctions_given", null=True, on_delete=fields.SET_NULL
    )
    created_by_id: int | None
    created_at = fields.DatetimeField(auto_now_add=True)
    lifted_at = fields.DatetimeField(null=True)
    lifted_by: fields.ForeignKeyNullableRelation[models.Model] = fields.ForeignKeyField(
        "forum.User", related_name="sanctions_lifted", null=True, on_delete=fields.SET_NULL
    )
    lifted_by_id: int | None
    lift_reason = fields.TextField(default="")

    class Meta:
        table = "moderation_sanctions"
        indexes = (("user_id", "kind", "ends_at"), ("org_path", "id"))

    @property
    def label(self) -> str:
        return SANCTION_LABELS[str(self.kind)]


class WordAction(StrEnum):
    block = "block"
    replace = "replace"  # type: ignore[assignment]  # shadows str.replace
    review = "review"
    flag = "flag"


WORD_ACTION_LABELS: dict[str, str] = {
    "block": "禁止发布",
    "replace": "替换为星号",
    "review": "送审核",
    "flag": "标记",
}


class WatchedWord(models.Model):
    """One entry of the sensitive-word list and what to do when it matches."""

    id = fields.IntField(primary_key=True)
    word = fields.CharField(max_length=64)
    # The matching key: NFKC, case-folded, without spaces, punctuation or invisible characters.
    normalized = fields.CharField(max_length=64, unique=True)
    action = fields.CharEnumField(WordAction, max_length=16)
    category = fields.CharField(max_length=32, default="敏感内容")
    created_at = fields.DatetimeField(auto_now_add=True)
    created_by: fields.ForeignKeyNullableRelation[models.Model] = fields.ForeignKeyField(
        "forum.User", related_name="watched_words", null=True, on_delete=fields.SET_NULL
    )
    created_by_id: int | None

    class Meta:
        table = "moderation_watched_words"


class WordListVersion(models.Model):
    """A single row whose `version` grows on every word-list change (cache check for workers)."""

    id = fields.IntField(primary_key=True)
    version = fields.BigIntField(default=0)

    class Meta:
        table = "moderation_word_list_version"


class FlagReason(StrEnum):
    off_topic = "off_topic"
    inappropriate = "inappropriate"
    spam = "spam"
    sensitive = "sensitive"
    other = "other"


FLAG_REASON_LABELS: dict[str, str] = {
    "off_topic": "偏离主题",
    "inappropriate": "内容不当",
    "spam": "垃圾广告",
    "sensitive": "敏感内容",
    "other": "其他",
}


class Flag(models.Model):
    """One member's report of one item (at most one per member and target)."""

    id = fields.IntField(primary_key=True)
    target_kind = fields.CharField(max_length=32)
    target_id = fields.IntField()
    user: fields.ForeignKeyRelation[models.Model] = fields.ForeignKeyField(
        "forum.User", related_name="flags", on_delete=fields.CASCADE
    )
    user_id: int
    reason = fields.CharEnumField(FlagReason, max_length=16)
    text = fields.CharField(max_length=500, default="")
    created_at = fields.DatetimeField(auto_now_add=True)
    dismissed_at = fields.DatetimeField(null=True)

    class Meta:
        table = "moderation_flags"
        unique_together = (("target_kind", "target_id", "user_id"),)


class ReviewSource(StrEnum):
    flags = "flags"
    word_filter = "word_filter"
    premoderation = "premoderation"


REVIEW_SOURCE_LABELS: dict[str, str] = {
    "flags": "用户举报",
    "word_filter": "敏感词",
    "premoderation": "新成员待审",
}


class ReviewItem(models.Model):
    """An item waiting for a moderator: flagged, caught by the word filter, or premoderated."""

    id = fields.IntField(primary_key=True)
    target_kind = fields.CharField(max_length=32)
    target_id = fields.IntField()
    source = fields.CharEnumField(ReviewSource, max_length=16)
    org_path = fields.CharField(max_length=255, default="")
    board_id = fields.IntField(null=True)
    author_id = fields.IntField(null=True)
    excerpt = fields.CharField(max_length=300, default="")
    reasons: list[str] = fields.JSONField(default=list)  # type: ignore[assignment]
    flag_count = fields.IntField(default=0)
    hidden_by_review = fields.BooleanField(default=False)
    created_at = fields.DatetimeField(auto_now_add=True)
    resolved_at = fields.DatetimeField(null=True)
    resolved_by_id = fields.IntField(null=True)
    resolution = fields.CharField(max_length=16, default="")

    class Meta:
        table = "moderation_review_items"
        indexes = (("resolved_at", "id"), ("target_kind", "target_id"), ("org_path", "id"))


class Notice(models.Model):
    """A message from the moderators to one account (warning, decision on their content)."""

    id = fields.IntField(primary_key=True)
    user: fields.ForeignKeyRelation[models.Model] = fields.ForeignKeyField(
        "forum.User", related_name="moderation_notices", on_delete=fields.CASCADE
    )
    user_id: int
    title = fields.CharField(max_length=100)
    body = fields.TextField(default="")
    created_at = fields.DatetimeField(auto_now_add=True)
    read_at = fields.DatetimeField(null=True)

    class Meta:
        table = "moderation_notices"
        indexes = (("user_id", "id"),)


class TopicSteering(models.Model):
    """Moderator settings of one topic kept by moderation: slow mode and a timed close.

    `topic_id` is the boards topic id (no FK: the boards app owns topics).
    """

    id = fields.IntField(primary_key=True)
    topic_id = fields.IntField(unique=True)
    slow_mode_seconds = fields.IntField(default=0)
    close_at = fields.DatetimeField(null=True, db_index=True)
    updated_at = fields.DatetimeField(auto_now=True)
    updated_by_id = fields.IntField(null=True)

    class Meta:
        table = "moderation_topic_steering"


class SitePin(models.Model):
    """A topic pinned site-wide by a site moderator, shown at the top of the home page and of
    every board list it is visible in.

    `topic_id` is the boards topic id (no FK: the boards app owns topics). An optional
    `until` ends the pin by itself.
    """

    id = fields.IntField(primary_key=True)
    topic_id = fields.IntField(unique=True)
    pinned_by: fields.ForeignKeyNullableRelation[models.Model] = fields.ForeignKeyField(
        "forum.User", related_name="site_pins", null=True, on_delete=fields.SET_NULL
    )
    pinned_by_id: int | None
    pinned_at = fields.DatetimeField(auto_now_add=True)
    until = fields.DatetimeField(null=True)

    class Meta:
        table = "moderation_site_pins"
        indexes = (("pinned_at", "id"),)
