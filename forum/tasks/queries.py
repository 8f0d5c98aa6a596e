"""Reads of the tasks part: the tasks an org's leaders assigned, the tasks waiting on the
viewer (as an org's leader or as a member), one task with what the viewer may see of it."""

from __future__ import annotations

from dataclasses import dataclass

from tortoise.expressions import Subquery

from forum.clock import today
from forum.errors import NotFound
from forum.models import Org
from forum.policy import (
    Viewer,
    can_manage_org,
    can_see_task,
    ensure_visible,
    is_task_receiver,
    managed_orgs,
    task_receiver_rows,
)
from forum.tasks.models import Task, TaskAssignment, TaskFile

PAGE_SIZE = 30
OPEN = ("pending", "returned")


@dataclass
class TaskView:
    task: Task
    org: Org
    manages: bool  # the viewer is on the assigning side (sees every receiver, decides)
    mine: list[TaskAssignment]  # the receivers the viewer answers for
    rows: list[TaskAssignment]  # every receiver (assigning side) or `mine`
    counts: dict[str, int]

    @property
    def overdue(self) -> bool:
        return self.task.deadline < today()


async def get_task_for(viewer: Viewer, task_id: int) -> TaskView:
    task = await Task.filter(id=task_id).select_related("org").first()
    if task is None:
        raise NotFound()
    mine = await TaskAssignment.filter(task_receiver_rows(viewer), task_id=task.id).order_by("id")
    mine = [a for a in mine if is_task_receiver(viewer, a)]
    ensure_visible(can_see_task(viewer, task, list(mine)))
    manages = can_manage_org(viewer, task.org)
    rows = (
        await TaskAssignment.filter(task_id=task.id).order_by("receiver_path", "id")
        if manages
        else list(mine)
    )
    counts: dict[str, int] = {}
    if manages:
        for a in rows:
            counts[a.state] = counts.get(a.state, 0) + 1
    return TaskView(task, task.org, manages, list(mine), list(rows), counts)


async def assigned_by_me(
    viewer: Viewer, before: int | None = None
) -> tuple[list[Task], int | None]:
    """Tasks assigned by orgs the viewer manages, newest first (keyset on id)."""
    query = Task.filter(org__id__in=Subquery(Org.filter(managed_orgs(viewer)).values("id")))
    if before is not None:
        query = query.filter(id__lt=before)
    rows = await query.select_related("org").order_by("-id").limit(PAGE_SIZE + 1)
    cursor = rows[PAGE_SIZE - 1].id if len(rows) > PAGE_SIZE else None
    return rows[:PAGE_SIZE], cursor


async def waiting_on_me(
    viewer: Viewer, *, open_only: bool = False, before: int | None = None, limit: int = PAGE_SIZE
) -> tuple[list[TaskAssignment], int | None]:
    """Receivers the viewer answers for, newest task first (keyset on the row id)."""
    query = TaskAssignment.filter(task_receiver_rows(viewer), task__closed_at__isnull=True)
    if open_only:
        query = query.filter(state__in=list(OPEN))
    if before is not None:
        query = query.filter(id__lt=before)
    rows = await query.select_related("task", "task__org").order_by("-id").limit(limit + 1)
    cursor = rows[limit - 1].id if len(rows) > limit else None
    return rows[:limit], cursor


async def answers_to_review(viewer: Viewer, limit: int) -> tuple[int, list[TaskAssignment]]:
    """Submitted answers to tasks of orgs the viewer manages, oldest first."""
    query = TaskAssignment.filter(
        state="submitted",
        task__org_id__in=Subquery(Org.filter(managed_orgs(viewer)).values("id")),
    )
    count = await query.count()
    rows = (
        await query.select_related("task").order_by("submitted_at", "id").limit(limit)
        if limit and count
        else []
    )
    return count, list(rows)


async def assignable_orgs(viewer: Viewer) -> list[Org]:
    """Orgs the viewer may assign from (those they manage that have something below)."""
    rows = await Org.filter(managed_orgs(viewer), is_active=True).exclude(kind="group")
    return sorted(rows, key=lambda o: o.path)[:200]


async def orgs_below(org: Org) -> list[Org]:
    return (
        await Org.filter(path__startswith=org.path, is_active=True)
        .exclude(id=org.id)
        .order_by("path")
        .limit(500)
    )


async def files_of(view: TaskView) -> dict[int, list[TaskFile]]:
    """The files the viewer may see, by assignment id (0: the task's own)."""
    visible = [0, *(a.id for a in view.rows)]
    out: dict[int, list[TaskFile]] = {}
    for f in await TaskFile.filter(task_id=view.task.id).order_by("id").limit(500):
        key = f.assignment_id or 0
        if key in visible:
            out.setdefault(key, []).append(f)
    return out


async def file_for(viewer: Viewer, task_id: int, file_id: int) -> TaskFile:
    """A file of a task the viewer sees: the task's own, or a submission of a receiver the
    viewer answers for or assigned to (404 otherwise)."""
    view = await get_task_for(viewer, task_id)
    found = await TaskFile.get_or_none(id=file_id, task_id=view.task.id)
    if found is None or (
        found.assignment_id is not None and found.assignment_id not in {a.id for a in view.rows}
    ):
        raise NotFound()
    return found
