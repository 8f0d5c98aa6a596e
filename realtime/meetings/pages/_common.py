"""What every meeting page shares: the template context and the meeting of the path."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from forum.answers import done
from forum.http import int_param, viewer_of
from forum.policy import MEETING_RULES
from forum.templating import render
from realtime.meetings import minutes as minutes_mod
from realtime.meetings import queries, verbs
from realtime.meetings.models import (
    CHECKIN_METHOD_LABELS,
    EXCLUSION_LABELS,
    STATUS_LABELS,
    Meeting,
)
from realtime.meetings.votes import CHOICE_LABELS, KIND_LABELS

CONTEXT = {
    "MEETING_RULES": MEETING_RULES,
    "MEETING_STATUS_LABELS": STATUS_LABELS,
    "VOTE_KIND_LABELS": KIND_LABELS,
    "CHOICE_LABELS": CHOICE_LABELS,
    "EXCLUSION_LABELS": EXCLUSION_LABELS,
    "CHECKIN_METHOD_LABELS": CHECKIN_METHOD_LABELS,
    "ATTENDANCE_LABELS": minutes_mod.ATTENDANCE_LABELS,
    "attendance_detail": minutes_mod.attendance_detail,
    "people_lines": minutes_mod.people_lines,
    # The verb table, for forms that post a verb: `data-confirm="{{ VERBS.end.confirm }}"`.
    "VERBS": verbs.VERBS,
}


def page(
    request: Request, name: str, context: dict[str, Any], *, status_code: int = 200
) -> Response:
    request.scope["nav"] = "meetings"
    return render(request, name, {**CONTEXT, **context}, status_code=status_code)


async def meeting_of(request: Request) -> Meeting:
    meeting_id = int_param(request.path_params["meeting_id"])
    return await queries.get_meeting_for(viewer_of(request), meeting_id)


def back(request: Request, meeting: Meeting, anchor: str, message: str) -> Response:
    """Back to the room (`#roll`), or to one of its sub-pages (`/minutes`), saying what
    happened (no message: a plain 303)."""
    url = f"/meetings/{meeting.id}{anchor}"
    if not message:
        return RedirectResponse(url, status_code=303)
    return done(request, url, message)
