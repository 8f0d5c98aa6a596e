"""The meetings part's routes: pages (lists, schedule, room, minutes) and the JSON API, one
module per concept under `pages/` and `api.py`; the room's forms post to one endpoint per
verb of the part's verb table (`realtime.meetings.verbs`)."""

from __future__ import annotations

from typing import Any

from starlette.routing import BaseRoute, Route

from forum.home import HomeSection
from forum.models import Org
from forum.policy import MEETING_HOST_ROLES, Viewer
from realtime.meetings import api, queries
from realtime.meetings.models import STATUS_LABELS
from realtime.meetings.pages import minutes, room, schedule

# ---- home ----------------------------------------------------------------------------------


async def _home_loader(viewer: Viewer) -> dict[str, Any] | None:
    if not viewer.is_authenticated:
        return None
    meetings = await queries.upcoming_for_home(viewer)
    flags = []
    if viewer.role_paths(MEETING_HOST_ROLES):
        for org_id in {g.org_id for g in viewer.roles if g.role in MEETING_HOST_ROLES}:
            if org_id is None:
                continue
            org = await Org.get_or_none(id=org_id)
            if org is not None:
                flags += [(org, flag) for flag in await queries.overdue_flags(org)]
    if not meetings and not flags:
        return {"meetings": [], "flags": [], "labels": STATUS_LABELS}
    return {"meetings": meetings, "flags": flags, "labels": STATUS_LABELS}


HOME = HomeSection(
    "meetings",
    order=10,
    title="近期会议",
    template="meetings/_home.html",
    loader=_home_loader,
    group="agenda",
)


routes: list[BaseRoute] = [
    Route("/meetings", schedule.meeting_list, methods=["GET"]),
    Route("/orgs/{org_id:int}/meetings", schedule.org_meetings, methods=["GET"]),
    Route("/orgs/{org_id:int}/meetings/new", schedule.new_meeting, methods=["GET"]),
    Route("/orgs/{org_id:int}/meetings", schedule.create_meeting, methods=["POST"]),
    Route("/meetings/{meeting_id:int}", room.meeting_page, methods=["GET"]),
    Route("/meetings/{meeting_id:int}/minutes", minutes.minutes_page, methods=["GET"]),
    Route("/meetings/{meeting_id:int}/minutes.md", minutes.minutes_markdown, methods=["GET"]),
    Route("/meetings/{meeting_id:int}/minutes.html", minutes.minutes_html, methods=["GET"]),
    Route("/meetings/{meeting_id:int}/checkin/qr", room.qr_checkin_page, methods=["GET"]),
    Route("/meetings/{meeting_id:int}/checkin/qr", room.qr_checkin, methods=["POST"]),
    Route("/meetings/{meeting_id:int}/qr", room.qr_code, methods=["GET"]),
    Route("/meetings/{meeting_id:int}/regions", room.room_regions, methods=["GET"]),
    Route("/meetings/{meeting_id:int}/{verb:str}", room.post_verb, methods=["POST"]),
    Route("/api/v1/meetings/{meeting_id:int}", api.api_state, methods=["GET"]),
    Route("/api/v1/meetings/{meeting_id:int}/actions", api.api_action, methods=["POST"]),
]
