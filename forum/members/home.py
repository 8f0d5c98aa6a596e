"""Home section for admins: conversions falling due and transfer slips waiting on them."""

from __future__ import annotations

import datetime as dt
from typing import Any

from tortoise.expressions import Q

from forum.clock import today
from forum.home import HomeSection
from forum.members.development import add_months, conversion_due, extensions_for
from forum.members.models import Transfer
from forum.models import Member
from forum.policy import Viewer

HORIZON_DAYS = 30


async def due_section(viewer: Viewer) -> dict[str, Any] | None:
    paths = viewer.admin_paths
    if not paths or viewer.suspended:
        return None
    in_scope = Q(org__path__startswith=paths[0])
    out_side = Q(from_org__path__startswith=paths[0], state__in=["requested", "approved"])
    in_side = Q(to_org__path__startswith=paths[0], state__in=["letter_issued", "accepted"])
    for path in paths[1:]:
        in_scope |= Q(org__path__startswith=path)
        out_side |= Q(from_org__path__startswith=path, state__in=["requested", "approved"])
        in_side |= Q(to_org__path__startswith=path, state__in=["letter_issued", "accepted"])
    # Probation ends a year after admission: due within the horizon, or already overdue.
    cutoff = add_months(today() + dt.timedelta(days=HORIZON_DAYS), -12)
    members = (
        await Member.filter(in_scope, status="probationary", probation_at__lte=cutoff)
        .select_related("org")
        .order_by("probation_at")
        .limit(20)
    )
    extensions = await extensions_for([m.id for m in members])
    horizon = today() + dt.timedelta(days=HORIZON_DAYS)
    due = [(m, conversion_due(m, extensions.get(m.id, 0))) for m in members]
    due = [(m, day) for m, day in due if day is not None and day <= horizon]
    waiting = await Transfer.filter(out_side | in_side).count()
    if not due and not waiting:
        return None
    return {
        "due": due,
        "waiting_transfers": waiting,
        "today": today(),
    }


DUE = HomeSection(
    "members.due",
    order=40,
    title="党员工作待办",
    template="members/_home_due.html",
    loader=due_section,
    group="todo",
)
