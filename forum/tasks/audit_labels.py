"""The tasks part's audit codes and targets in Chinese, and how to name its targets."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from forum.audit import AuditLabels, AuditNames, int_ids
from forum.tasks.models import Task, TaskAssignment

LABELS = AuditLabels(
    "tasks",
    actions={
        "task.assigned": "下达任务",
        "task.submitted": "提交任务办理情况",
        "task.completed": "办结任务",
        "task.accepted": "验收任务",
        "task.returned": "退回任务",
    },
    targets={"task": "任务", "task_assignment": "任务办理"},
)


async def _task_names(ids: Sequence[str]) -> Mapping[str, str]:
    rows = await Task.filter(id__in=int_ids(ids)).values("id", "title")
    return {str(r["id"]): r["title"] for r in rows}


async def _assignment_names(ids: Sequence[str]) -> Mapping[str, str]:
    rows = await TaskAssignment.filter(id__in=int_ids(ids)).values(
        "id", "receiver_name", "task__title"
    )
    return {str(r["id"]): f"{r['task__title']}（{r['receiver_name']}）" for r in rows}


PROVIDES = (
    LABELS,
    AuditNames("task", _task_names),
    AuditNames("task_assignment", _assignment_names),
)
