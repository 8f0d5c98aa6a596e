"""我的待办 from disclosures: items waiting for the viewer's review, approval or publication
(the same inboxes as /disclosures/work, by the same policy filters)."""

from __future__ import annotations

from forum.policy import Viewer
from forum.todo import EMPTY, TodoBatch, TodoItem, TodoSource
from transparency.queries import work_queue

_STEPS = (("to_review", "审核"), ("to_approve", "审批"), ("to_publish", "发布"))


async def load(viewer: Viewer, limit: int) -> TodoBatch:
    queue = await work_queue(viewer)
    if not queue.total:
        return EMPTY
    items = [
        TodoItem(title=f"{verb}：{d.title}", href=f"/disclosures/{d.id}", detail=d.org.name)
        for attr, verb in _STEPS
        for d in getattr(queue, attr)
    ]
    return TodoBatch(queue.total, tuple(items[:limit]), more_href="/disclosures/work")


SOURCE = TodoSource("disclosures.work", order=25, label="党务公开待办", load=load)
