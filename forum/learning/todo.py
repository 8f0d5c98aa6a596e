"""我的待办 from 在线学习: 必学 assignments the viewer has not finished yet, nearest deadline
first (finished ones leave the list)."""

from __future__ import annotations

from forum.learning import queries
from forum.policy import Viewer
from forum.templating import local
from forum.todo import EMPTY, TodoBatch, TodoItem, TodoSource


async def load(viewer: Viewer, limit: int) -> TodoBatch:
    if viewer.user_id is None or viewer.suspended:
        return EMPTY
    open_ = [
        a
        for a in await queries.my_assignments(viewer)
        if not await queries.assignment_done(viewer.user_id, a)
    ]
    items = tuple(
        TodoItem(
            title=f"必学：{a.title}",
            href=f"/learning/c/{a.course_id}" if a.course_id else f"/learning/r/{a.resource_id}",
            due=local(a.deadline).date(),
        )
        for a in open_[:limit]
    )
    return TodoBatch(len(open_), items, more_href="/learning/me")


SOURCE = TodoSource("learning.assignments", order=18, label="必学内容", load=load)
