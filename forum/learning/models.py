"""Study library, courses, assignments, progress, quizzes and 学时 (Tortoise label `learning`).

Cross-app foreign keys point toward `forum` (Org, User). `org_path` is copied from the org for
subtree filters. 学时 are stored in tenths (`hours_tenths`: 15 is 1.5 学时) so sums stay exact.
"""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields, models


class ResourceKind(StrEnum):
    article = "article"
    video = "video"
    audio = "audio"
    image = "image"
    pdf = "pdf"
    link = "link"


KIND_LABELS: dict[str, str] = {
    "article": "文章",
    "video": "视频",
    "audio": "音频",
    "image": "图片",
    "pdf": "PDF 文档",
    "link": "链接",
}


class PublishState(StrEnum):
    draft = "draft"
    pending = "pending"
    published = "published"
    withdrawn = "withdrawn"


STATE_LABELS: dict[str, str] = {
    "draft": "草稿",
    "pending": "待审批",
    "published": "已发布",
    "withdrawn": "已撤回",
}


class Category(models.Model):
    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=32, unique=True)
    sort_order = fields.IntField(default=100)

    class Meta:
        table = "learning_categories"

    def __str__(self) -> str:
        return self.name


class Resource(models.Model):
    """One item of the library. Media bytes live content-addressed on disk (`media_key`)."""

    id = fields.IntField(primary_key=True)
    org: fields.ForeignKeyRelation[models.Model] = fields.ForeignKeyField(
        "forum.Org", related_name="learning_resources", on_delete=fields.RESTRICT
    )
    org_id: int
    org_path = fields.CharField(max_length=255)
    kind = fields.CharEnumField(ResourceKind, max_length=12)
    state = fields.CharEnumField(PublishState, max_length=12, default=PublishState.draft)
    title = fields.CharField(max_length=120)
    summary = fields.CharField(max_length=300, default="")
    body_raw = fields.TextField(default="")
    body_html = fields.TextField(default="")
    render_version = fields.IntField(default=0)
    search_text = fields.TextField(default="")  # title, summary, tags and body (the search)
    url = fields.CharField(max_length=500, default="")  # links only
    media_key = fields.CharField(max_length=80, default="")
    media_type = fields.CharField(max_length=60, default="")
    media_size = fields.BigIntField(default=0)
    media_sha256 = fields.CharField(max_length=64, default="")
    cover_key = fields.CharField(max_length=80, default="")
    duration_seconds = fields.IntField(default=0)  # media length, or the reading time
    pages = fields.IntField(default=0)  # PDFs
    author = fields.CharField(max_length=64, default="")
    source = fields.CharField(max_length=64, default="")
    category: fields.ForeignKeyNullableRelation[Category] = fields.ForeignKeyField(
        "learning.Category", related_name="resources", null=True, on_delete=fields.SET_NULL
    )
    category_id: int | None
    tags: list[str] = fields.JSONField(default=list)  # type: ignore[assignment]
    views = fields.IntField(default=0)
    created_by: fields.ForeignKeyNullableRelation[models.Model] = fields.ForeignKeyField(
        "forum.User", related_name="learning_drafted", null=True, on_delete=fields.SET_NULL
    )
    created_by_id: int | None
    approved_by_id = fields.IntField(null=True)
    published_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "learning_resources"
        indexes = (("state", "published_at"), ("org_id", "state"), ("state", "views"))

    def __str__(self) -> str:
        return self.title


class Course(models.Model):
    """An ordered set of lessons. The quiz (if it has questions) must be passed to finish."""

    id = fields.IntField(primary_key=True)
    org: fields.ForeignKeyRelation[models.Model] = fields.ForeignKeyField(
        "forum.Org", related_name="learning_courses", on_delete=fields.RESTRICT
    )
    org_id: int
    org_path = fields.CharField(max_length=255)
    state = fields.CharEnumField(PublishState, max_length=12, default=PublishState.draft)
    title = fields.CharField(max_length=120)
    description = fields.TextField(default="")
    # 发展对象培训 and similar: completing it lands in the development file.
    training = fields.BooleanField(default=False)
    pass_mark = fields.IntField(default=60)  # percent
    max_attempts = fields.IntField(default=3)
    paper_size = fields.IntField(default=5)
    created_by_id = fields.IntField(null=True)
    published_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "learning_courses"
        indexes = (("state", "published_at"),)

    def __str__(self) -> str:
        return self.title


class Lesson(models.Model):
    id = fields.IntField(primary_key=True)
    course: fields.ForeignKeyRelation[Course] = fields.ForeignKeyField(
        "learning.Course", related_name="lessons"
    )
    course_id: int
    resource: fields.ForeignKeyRelation[Resource] = fields.ForeignKeyField(
        "learning.Resource", related_name="lessons", on_delete=fields.RESTRICT
    )
    resource_id: int
    position = fields.IntField(default=0)
    hours_tenths = fields.IntField(default=10)

    class Meta:
        table = "learning_lessons"
        unique_together = (("course_id", "resource_id"),)


class Assignment(models.Model):
    """必学: a course or a resource an org requires of (part of) its subtree by a deadline."""

    id = fields.IntField(primary_key=True)
    org: fields.ForeignKeyRelation[models.Model] = fields.ForeignKeyField(
        "forum.Org", related_name="learning_assignments", on_delete=fields.RESTRICT
    )
    org_id: int
    org_path = fields.CharField(max_length=255)
    course: fields.ForeignKeyNullableRelation[Course] = fields.ForeignKeyField(
        "learning.Course", related_name="assignments", null=True, on_delete=fields.RESTRICT
    )
    course_id: int | None
    resource: fields.ForeignKeyNullableRelation[Resource] = fields.ForeignKeyField(
        "learning.Resource", related_name="assignments", null=True, on_delete=fields.RESTRICT
    )
    resource_id: int | None
    title = fields.CharField(max_length=120)
    # Who: statuses in the subtree (empty: every status), and/or named accounts.
    statuses: list[str] = fields.JSONField(default=list)  # type: ignore[assignment]
    user_ids: list[int] = fields.JSONField(default=list)  # type: ignore[assignment]
    whole_subtree = fields.BooleanField(default=True)
    deadline = fields.DatetimeField()
    reminded_at = fields.DatetimeField(null=True)
    created_by_id = fields.IntField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "learning_assignments"
        indexes = (("org_path", "deadline"),)


class Progress(models.Model):
    """The study of one resource by one member: where they are and what the server counted."""

    id = fields.IntField(primary_key=True)
    user: fields.ForeignKeyRelation[models.Model] = fields.ForeignKeyField(
        "forum.User", related_name="learning_progress"
    )
    user_id: int
    resource: fields.ForeignKeyRelation[Resource] = fields.ForeignKeyField(
        "learning.Resource", related_name="progress"
    )
    resource_id: int
    position = fields.FloatField(default=0)  # where to resume (seconds, or page)
    furthest = fields.FloatField(default=0)  # furthest point reached by watching
    counted_seconds = fields.IntField(default=0)
    pages_read = fields.IntField(default=0)
    tab = fields.CharField(max_length=40, default="")  # the tab holding the clock
    last_beat_at = fields.DatetimeField(null=True)
    last_beat_live = fields.BooleanField(default=False)  # was the last beat visible + active
    completed_at = fields.DatetimeField(null=True)
    version = fields.IntField(default=0)  # optimistic concurrency for heartbeats
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "learning_progress"
        unique_together = (("user_id", "resource_id"),)


class CourseCompletion(models.Model):
    """A finished course: the 学时 it earned, in the year it was finished."""

    id = fields.IntField(primary_key=True)
    user: fields.ForeignKeyRelation[models.Model] = fields.ForeignKeyField(
        "forum.User", related_name="learning_completions"
    )
    user_id: int
    course: fields.ForeignKeyRelation[Course] = fields.ForeignKeyField(
        "learning.Course", related_name="completions"
    )
    course_id: int
    hours_tenths = fields.IntField()
    year = fields.IntField()
    completed_at = fields.DatetimeField()

    class Meta:
        table = "learning_completions"
        unique_together = (("user_id", "course_id"),)
        indexes = (("year", "user_id"),)


class QuestionKind(StrEnum):
    single = "single"
    multiple = "multiple"
    truefalse = "truefalse"


QUESTION_LABELS: dict[str, str] = {"single": "单选题", "multiple": "多选题", "truefalse": "判断题"}


class Question(models.Model):
    id = fields.IntField(primary_key=True)
    course: fields.ForeignKeyRelation[Course] = fields.ForeignKeyField(
        "learning.Course", related_name="questions"
    )
    course_id: int
    kind = fields.CharEnumField(QuestionKind, max_length=12)
    text = fields.CharField(max_length=300)
    options: list[str] = fields.JSONField(default=list)  # type: ignore[assignment]
    answer: list[int] = fields.JSONField(default=list)  # type: ignore[assignment]  # option indexes

    class Meta:
        table = "learning_questions"


class QuizAttempt(models.Model):
    id = fields.IntField(primary_key=True)
    course: fields.ForeignKeyRelation[Course] = fields.ForeignKeyField(
        "learning.Course", related_name="attempts"
    )
    course_id: int
    user: fields.ForeignKeyRelation[models.Model] = fields.ForeignKeyField(
        "forum.User", related_name="learning_attempts"
    )
    user_id: int
    question_ids: list[int] = fields.JSONField(default=list)  # type: ignore[assignment]
    answers: dict[str, list[int]] = fields.JSONField(default=dict)  # type: ignore[assignment]
    score = fields.IntField(null=True)  # percent, once submitted
    passed = fields.BooleanField(default=False)
    started_at = fields.DatetimeField(auto_now_add=True)
    submitted_at = fields.DatetimeField(null=True)

    class Meta:
        table = "learning_quiz_attempts"
        indexes = (("course_id", "user_id"),)
