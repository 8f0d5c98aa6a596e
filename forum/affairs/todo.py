"""我的待办 from 党员服务: open requests held by an org the viewer leads themself (the
handler's queue), oldest deadline first."""

from __future__ import annotations

from forum.affairs.models import ServiceRequest
from forum.policy import ADMIN_ROLES, Viewer
from forum.templating import local
from forum.todo import EMPTY, TodoBatch, TodoItem, TodoSource

OPEN = ("submitted", "accepted", "in_progress")
LABELS = {"submitted": "受理", "accepted": "办理", "in_progress": "办结"}


async def load(viewer: Viewer, limit: int) -> TodoBatch:
    if viewer.suspended:
        return EMPTY
    org_ids = sorted(
        {g.org_id for g in viewer.roles if g.role in ADMIN_ROLES and g.org_id is not None}
    )
    if not org_ids:
        return EMPTY
    query = ServiceRequest.filter(org_id__in=org_ids, state__in=list(OPEN))
    count = await query.count()
    if not count or not limit:
        return TodoBatch(count)
    rows = await query.select_related("org").order_by("due_at", "id").limit(limit)
    items = tuple(
        TodoItem(
            title=f"{LABELS[r.state]}：{r.title}",
            href=f"/affairs/{r.id}",
            detail=r.org.name,
            due=local(r.due_at).date(),
        )
        for r in rows
    )
    return TodoBatch(count, items, more_href=f"/affairs/queue/{org_ids[0]}")


SOURCE = TodoSource("affairs.queue", order=22, label="党员服务待办", load=load)
