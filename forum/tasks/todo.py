"""我的待办 from tasks: tasks waiting on the viewer's answer, and answers waiting for the
viewer's decision on the assigning side."""

from __future__ import annotations

from forum.policy import Viewer, task_receiver_rows
from forum.tasks import queries
from forum.tasks.models import TaskAssignment
from forum.todo import EMPTY, TodoBatch, TodoItem, TodoSource


async def load_to_answer(viewer: Viewer, limit: int) -> TodoBatch:
    if not viewer.is_authenticated:
        return EMPTY
    count = await TaskAssignment.filter(
        task_receiver_rows(viewer), task__closed_at__isnull=True, state__in=list(queries.OPEN)
    ).count()
    if not count or not limit:
        return TodoBatch(count)
    rows, _ = await queries.waiting_on_me(viewer, open_only=True, limit=limit)
    items = tuple(
        TodoItem(
            title=f"{'重新办理' if a.state == 'returned' else '办理'}：{a.task.title}",
            href=f"/tasks/{a.task_id}#a-{a.id}",
            detail=f"{a.task.org.name}下达 · {a.receiver_name}",
            due=a.task.deadline,
        )
        for a in rows
    )
    return TodoBatch(count, items, more_href="/tasks")


async def load_to_review(viewer: Viewer, limit: int) -> TodoBatch:
    if viewer.suspended or not viewer.admin_paths:
        return EMPTY
    count, rows = await queries.answers_to_review(viewer, limit)
    items = tuple(
        TodoItem(
            title=f"验收：{a.task.title}",
            href=f"/tasks/{a.task_id}#a-{a.id}",
            detail=f"{a.receiver_name}已提交",
            due=a.task.deadline,
        )
        for a in rows
    )
    return TodoBatch(count, items, more_href="/tasks?tab=assigned")


TO_ANSWER = TodoSource("tasks.answer", order=20, label="待办任务", load=load_to_answer)
TO_REVIEW = TodoSource("tasks.review", order=21, label="待验收任务", load=load_to_review)
