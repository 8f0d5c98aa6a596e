"""The minutes (会议记录) of an ended meeting: the page and its Markdown and HTML exports."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from forum.http import attachment_disposition, dated_filename, viewer_of
from forum.policy import Viewer, can_see_minutes, ensure_visible
from forum.templating import local, render
from realtime.meetings import minutes as minutes_mod
from realtime.meetings.models import Meeting, Minutes, MinutesCorrection
from realtime.meetings.pages._common import CONTEXT, meeting_of, page


async def _minutes_context(viewer: Viewer, meeting: Meeting) -> dict[str, Any]:
    ensure_visible(can_see_minutes(viewer, meeting))
    minutes = await Minutes.get(meeting_id=meeting.id)
    corrections = await MinutesCorrection.filter(minutes_id=minutes.id).order_by("id")
    return {
        "meeting": meeting,
        "minutes": minutes,
        "record": minutes.record,
        "corrections": corrections,
    }


async def minutes_page(request: Request) -> Response:
    meeting = await meeting_of(request)
    context = await _minutes_context(viewer_of(request), meeting)
    return page(
        request, "meetings/minutes.html", {**context, "result_line": minutes_mod.result_line}
    )


async def minutes_markdown(request: Request) -> Response:
    meeting = await meeting_of(request)
    context = await _minutes_context(viewer_of(request), meeting)
    body = minutes_mod.to_markdown(context["record"], context["minutes"], context["corrections"])
    return PlainTextResponse(
        body,
        media_type="text/markdown; charset=utf-8",
        headers={"Content-Disposition": _minutes_disposition(meeting, "md")},
    )


async def minutes_html(request: Request) -> Response:
    meeting = await meeting_of(request)
    context = await _minutes_context(viewer_of(request), meeting)
    response = render(
        request,
        "meetings/minutes_export.html",
        {**CONTEXT, **context, "result_line": minutes_mod.result_line},
    )
    response.headers["Content-Disposition"] = _minutes_disposition(meeting, "html")
    return response


def _minutes_disposition(meeting: Meeting, ext: str) -> str:
    """`第四季度支部党员大会会议记录-2026-12-02.md`: the meeting's local date, extension last."""
    day = local(meeting.scheduled_at).date()
    return attachment_disposition(
        dated_filename(f"{meeting.title}会议记录", ext, day),
        dated_filename(f"meeting-{meeting.id}-minutes", ext, day),
    )
