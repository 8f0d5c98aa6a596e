"""A branch's yearly review: the round, each member reviewed, the 互评 comments, and the
secret 民主测评 kept as (who has handed in a sheet) + (counts per member and grade): no row
links a rater to a grade, or to the member they rated."""

from __future__ import annotations

from tortoise import fields, models

from forum.models import Member, Org
from forum.policy import DISPOSALS, GRADES


class ReviewRound(models.Model):
    id = fields.IntField(primary_key=True)
    org: fields.ForeignKeyRelation[Org] = fields.ForeignKeyField(
        "forum.Org", related_name="review_rounds", on_delete=fields.RESTRICT
    )
    org_id: int
    org_path = fields.CharField(max_length=255)
    year = fields.SmallIntField()
    state = fields.CharField(max_length=10, default="open")  # open -> rated -> decided
    subjects = fields.IntField(default=0)
    sheets = fields.IntField(default=0)  # 测评表 handed in
    decided_by = fields.CharField(max_length=200, default="")  # 支部党员大会 / 支委会 + date
    created_by_id = fields.IntField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    rated_at = fields.DatetimeField(null=True)
    decided_at = fields.DatetimeField(null=True)

    class Meta:
        table = "review_rounds"
        unique_together = (("org_id", "year"),)


class ReviewSubject(models.Model):
    """One member reviewed in a round (the list is fixed when the round opens)."""

    id = fields.IntField(primary_key=True)
    round: fields.ForeignKeyRelation[ReviewRound] = fields.ForeignKeyField(
        "reviews.ReviewRound", related_name="reviewed", on_delete=fields.CASCADE
    )
    round_id: int
    member: fields.ForeignKeyRelation[Member] = fields.ForeignKeyField(
        "forum.Member", related_name="reviews", on_delete=fields.RESTRICT
    )
    member_id: int
    user_id = fields.IntField(null=True)
    name = fields.CharField(max_length=32)
    org_id = fields.IntField()  # the member's org (a 党小组 or the branch): 互评 stays inside
    status = fields.CharField(max_length=24)  # membership status when the round opened
    self_review = fields.TextField(default="")
    self_reviewed_at = fields.DatetimeField(null=True)
    grade = fields.CharField(max_length=12, default="")
    disposal = fields.CharField(max_length=10, default="")
    disposal_note = fields.CharField(max_length=500, default="")
    disposal_at = fields.DatetimeField(null=True)

    class Meta:
        table = "review_subjects"
        unique_together = (("round_id", "member_id"),)

    @property
    def grade_label(self) -> str:
        return GRADES.get(self.grade, "")

    @property
    def disposal_label(self) -> str:
        return DISPOSALS.get(self.disposal, "")


class PeerComment(models.Model):
    """互评: one comment per rater per member (signed: 互评 is open, 测评 is not)."""

    id = fields.IntField(primary_key=True)
    subject: fields.ForeignKeyRelation[ReviewSubject] = fields.ForeignKeyField(
        "reviews.ReviewSubject", related_name="comments", on_delete=fields.CASCADE
    )
    subject_id: int
    author_member_id = fields.IntField()
    author_name = fields.CharField(max_length=32)
    body = fields.TextField()
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "review_peer_comments"
        unique_together = (("subject_id", "author_member_id"),)


class RatingSheet(models.Model):
    """Who has handed in a 测评表 (one per rater per round). The grades are not here."""

    id = fields.IntField(primary_key=True)
    round: fields.ForeignKeyRelation[ReviewRound] = fields.ForeignKeyField(
        "reviews.ReviewRound", related_name="rating_sheets", on_delete=fields.CASCADE
    )
    round_id: int
    rater_member_id = fields.IntField()

    class Meta:
        table = "review_rating_sheets"
        unique_together = (("round_id", "rater_member_id"),)


class RatingTally(models.Model):
    """How many sheets gave a member a grade."""

    id = fields.IntField(primary_key=True)
    subject: fields.ForeignKeyRelation[ReviewSubject] = fields.ForeignKeyField(
        "reviews.ReviewSubject", related_name="tallies", on_delete=fields.CASCADE
    )
    subject_id: int
    grade = fields.CharField(max_length=12)
    count = fields.IntField(default=0)

    class Meta:
        table = "review_rating_tallies"
        unique_together = (("subject_id", "grade"),)
