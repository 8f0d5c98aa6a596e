"""The home page section: my recent notices, those waiting for my receipt first."""

from __future__ import annotations

from typing import Any

from forum.home import HomeSection
from forum.notices import queries
from forum.policy import Viewer


async def load(viewer: Viewer) -> dict[str, Any] | None:
    items = await queries.my_notices(viewer, limit=5)
    if not items:
        return None
    items.sort(key=lambda r: (r.confirmed or not r.notice.requires_receipt, -r.notice.id))
    return {"notices": items}


HOME = HomeSection("notices", 15, "通知公告", "notices/_home.html", load, group="todo")
