"""Tasks assigned down the tree and one row per receiver (an org or a member)."""

from __future__ import annotations

from tortoise import fields, models

from forum.files import StoredFileRow
from forum.models import Member, Org
from forum.policy import TASK_STATE_LABELS


class Task(models.Model):
    id = fields.IntField(primary_key=True)
    org: fields.ForeignKeyRelation[Org] = fields.ForeignKeyField(
        "forum.Org", related_name="tasks_assigned", on_delete=fields.RESTRICT
    )
    org_id: int
    org_path = fields.CharField(max_length=255)  # the assigning org's path (scope checks)
    title = fields.CharField(max_length=100)
    body_raw = fields.TextField(default="")
    body_html = fields.TextField(default="")
    render_version = fields.SmallIntField(default=1)
    deadline = fields.DateField()
    requires_submission = fields.BooleanField(default=True)
    # How the receivers were chosen, for the page: "all", "level:<kind>", "orgs", "members".
    target = fields.CharField(max_length=32)
    receivers = fields.IntField(default=0)  # rows in task_assignments
    accepted = fields.IntField(default=0)  # of which 已完成
    created_by_id = fields.IntField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    closed_at = fields.DatetimeField(null=True)

    class Meta:
        table = "tasks"
        indexes = (("org_path", "id"),)

    @property
    def closed(self) -> bool:
        return self.closed_at is not None


class TaskAssignment(models.Model):
    """One receiver of a task and its answer: pending -> submitted -> accepted, or returned
    (with the reason) and submitted again; without a required submission, pending -> accepted
    when the receiver marks it done."""

    id = fields.IntField(primary_key=True)
    task: fields.ForeignKeyRelation[Task] = fields.ForeignKeyField(
        "tasks.Task", related_name="assignments", on_delete=fields.CASCADE
    )
    task_id: int
    receiver_org: fields.ForeignKeyNullableRelation[Org] = fields.ForeignKeyField(
        "forum.Org", related_name="tasks_received", null=True, on_delete=fields.RESTRICT
    )
    receiver_org_id: int | None
    receiver_member: fields.ForeignKeyNullableRelation[Member] = fields.ForeignKeyField(
        "forum.Member", related_name="tasks_received", null=True, on_delete=fields.RESTRICT
    )
    receiver_member_id: int | None
    receiver_user_id = fields.IntField(null=True)  # the member receiver's account, if any
    receiver_path = fields.CharField(max_length=255)  # the org (or the member's org) path
    receiver_name = fields.CharField(max_length=64)
    state = fields.CharField(max_length=12, default="pending")
    answer_raw = fields.TextField(default="")
    answer_html = fields.TextField(default="")
    render_version = fields.SmallIntField(default=1)
    submitted_at = fields.DatetimeField(null=True)
    submitted_by_id = fields.IntField(null=True)
    decided_at = fields.DatetimeField(null=True)
    decided_by_id = fields.IntField(null=True)
    return_reason = fields.CharField(max_length=200, default="")
    returns = fields.SmallIntField(default=0)
    reminded_at = fields.DatetimeField(null=True)

    class Meta:
        table = "task_assignments"
        unique_together = (("task_id", "receiver_org_id", "receiver_member_id"),)
        indexes = (
            ("receiver_org_id", "state", "task_id"),
            ("receiver_member_id", "state", "task_id"),
            ("task_id", "state"),
        )

    @property
    def state_label(self) -> str:
        return TASK_STATE_LABELS.get(self.state, self.state)


class TaskFile(StoredFileRow):
    """A file of the task itself (`assignment` null: seen by all its receivers) or of one
    receiver's submission (seen by that receiver and the assigning side)."""

    id = fields.IntField(primary_key=True)
    task: fields.ForeignKeyRelation[Task] = fields.ForeignKeyField(
        "tasks.Task", related_name="files", on_delete=fields.CASCADE
    )
    task_id: int
    assignment: fields.ForeignKeyNullableRelation[TaskAssignment] = fields.ForeignKeyField(
        "tasks.TaskAssignment", related_name="files", null=True, on_delete=fields.CASCADE
    )
    assignment_id: int | None
    uploader_id = fields.IntField(null=True)

    class Meta:
        table = "task_files"
        indexes = (("task_id", "assignment_id", "id"),)
