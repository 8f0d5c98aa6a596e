"""Meeting lists (all, and an org's with its overdue flags) and scheduling a meeting."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from starlette.requests import Request
from starlette.responses import Response

from forum.answers import done, keep_in_place
from forum.core_queries import get_org_for
from forum.errors import ActionError
from forum.http import int_param, lines, read_form, text_field, viewer_of
from forum.policy import can_schedule_meeting, ensure_visible
from forum.settings import get_settings
from forum.templating import local
from realtime.meetings import actions, queries
from realtime.meetings.pages._common import page


async def meeting_list(request: Request) -> Response:
    viewer = viewer_of(request)
    lists = await queries.meetings_for(viewer)
    return page(request, "meetings/list.html", {"lists": lists, "org": None, "flags": []})


async def org_meetings(request: Request) -> Response:
    viewer = viewer_of(request)
    org = await get_org_for(viewer, int_param(request.path_params["org_id"]))
    lists = await queries.meetings_for(viewer, org)
    flags = await queries.overdue_flags(org)
    return page(request, "meetings/list.html", {"lists": lists, "org": org, "flags": flags})


async def new_meeting(request: Request) -> Response:
    viewer = viewer_of(request)
    org = await get_org_for(viewer, int_param(request.path_params["org_id"]))
    ensure_visible(can_schedule_meeting(viewer, org))
    return page(request, "meetings/new.html", {"org": org})


def _parse_local(value: str) -> dt.datetime:
    try:
        naive = dt.datetime.fromisoformat(value)
    except ValueError as exc:
        raise ActionError("请填写有效的会议时间", field="scheduled_at") from exc
    if naive.tzinfo is not None:
        return naive.astimezone(dt.UTC)
    return naive.replace(tzinfo=ZoneInfo(get_settings().timezone)).astimezone(dt.UTC)


async def create_meeting(request: Request) -> Response:
    viewer = viewer_of(request)
    org = await get_org_for(viewer, int_param(request.path_params["org_id"]))
    ensure_visible(can_schedule_meeting(viewer, org))
    form = await read_form(request)
    try:
        meeting = await actions.schedule_meeting(
            viewer,
            org,
            type=str(form.get("type", "")),
            title=text_field(form, "title", "会议名称", max_length=120),
            scheduled_at=_parse_local(text_field(form, "scheduled_at", "会议时间", max_length=40)),
            agenda=lines(str(form.get("agenda", ""))),
            description=str(form.get("description", "")),
            location=text_field(form, "location", "地点", max_length=120, required=False),
            host_usernames=[
                u for u in str(form.get("hosts", "")).replace("，", ",").split(",") if u.strip()
            ],
            publish=form.get("publish") == "1",
        )
    except ActionError as exc:
        # Shown again in place: the input kept, the message at its field.
        keep_in_place(request, exc, form)
        return page(request, "meetings/new.html", {"org": org}, status_code=400)
    when = local(meeting.scheduled_at).strftime("%Y-%m-%d %H:%M")
    if str(meeting.status) == "scheduled":
        message = f"已安排「{meeting.title}」（{when}），会议通知已发给应到人员。"
    else:
        message = f"已安排「{meeting.title}」（{when}），尚未发出会议通知。"
    return done(request, f"/meetings/{meeting.id}", message)
