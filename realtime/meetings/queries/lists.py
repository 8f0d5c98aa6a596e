"""Meeting lists: live, upcoming and past meetings, the home section, overdue meeting types."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from tortoise.functions import Max

from forum.clock import utcnow
from forum.models import Org
from forum.policy import MEETING_RULES, NOTHING, Viewer, can_see_meeting, visible_meetings
from realtime.meetings.models import Meeting

LIST_LIMIT = 50


async def meetings_for(viewer: Viewer, org: Org | None = None) -> dict[str, list[Meeting]]:
    """Upcoming, live and archived meetings the viewer may see (optionally of one org)."""
    clause = visible_meetings(viewer)
    lists: dict[str, list[Meeting]] = {"live": [], "upcoming": [], "past": []}
    if clause is NOTHING:
        return lists
    base = Meeting.filter(clause)
    if org is not None:
        base = base.filter(org_path__startswith=org.path)
    base = base.select_related("org")
    live = await base.filter(status="live").order_by("-scheduled_at").limit(LIST_LIMIT)
    upcoming = (
        await base.filter(status__in=["draft", "scheduled"])
        .order_by("scheduled_at")
        .limit(LIST_LIMIT)
    )
    past = (
        await base.filter(status__in=["ended", "archived"])
        .order_by("-scheduled_at")
        .limit(LIST_LIMIT)
    )
    lists.update(
        live=[m for m in live if can_see_meeting(viewer, m)],
        upcoming=[m for m in upcoming if can_see_meeting(viewer, m)],
        past=[m for m in past if can_see_meeting(viewer, m)],
    )
    return lists


@dataclass(frozen=True)
class OverdueFlag:
    type: str
    label: str
    last: dt.datetime | None
    due_days: int


async def overdue_flags(org: Org, now: dt.datetime | None = None) -> list[OverdueFlag]:
    """Meeting types of this org not held within their usual frequency (one grouped query)."""
    now = now or utcnow()
    kinds = {
        name: rule
        for name, rule in MEETING_RULES.items()
        if rule.org_kind == str(org.kind) and rule.frequency_days > 0
    }
    if not kinds:
        return []
    rows = (
        await Meeting.filter(org_id=org.id, status__in=["live", "ended", "archived"])
        .annotate(last=Max("scheduled_at"))
        .group_by("type")
        .values("type", "last")
    )
    last = {str(r["type"]): r["last"] for r in rows}
    flags = []
    for name, rule in kinds.items():
        held = last.get(name)
        if held is None or (now - held).days > rule.frequency_days:
            flags.append(OverdueFlag(name, rule.label, held, rule.frequency_days))
    return flags


async def upcoming_for_home(viewer: Viewer) -> list[Meeting]:
    lists = await meetings_for(viewer)
    return (lists["live"] + [m for m in lists["upcoming"] if str(m.status) != "draft"])[:5]
