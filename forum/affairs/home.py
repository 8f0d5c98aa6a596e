"""The home page section: the service hall's three doors, my open requests, and for handlers
the open and overdue counts of their queues."""

from __future__ import annotations

from typing import Any

from forum.affairs.models import ServiceRequest
from forum.clock import utcnow
from forum.home import HomeSection
from forum.policy import Viewer, can_handle_service_request, service_overdue

OPEN = ("submitted", "accepted", "in_progress")


async def load(viewer: Viewer) -> dict[str, Any] | None:
    if not viewer.is_authenticated or viewer.user_id is None:
        return None
    mine = await ServiceRequest.filter(requester_id=viewer.user_id, state__in=OPEN).count()
    queues: list[tuple[int, str, int, int]] = []
    if viewer.admin_paths:
        now = utcnow()
        rows = (
            await ServiceRequest.filter(state__in=OPEN)
            .select_related("org")
            .order_by("org_id")
            .limit(500)
        )
        counts: dict[int, list[Any]] = {}
        for r in rows:
            if can_handle_service_request(viewer, r):
                entry = counts.setdefault(r.org_id, [r.org.name, 0, 0])
                entry[1] += 1
                entry[2] += service_overdue(r, now)
        queues = [(org_id, name, n, late) for org_id, (name, n, late) in counts.items()]
    return {"mine": mine, "queues": queues}


HOME = HomeSection("affairs", 16, "党员服务", "affairs/_home.html", load, group="todo")
