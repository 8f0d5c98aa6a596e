"""Meeting pages (list, schedule, room, minutes) and the JSON API; every form works without JS."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route

import realtime.meetings.channel as channel
from forum import apispec
from forum.clock import utcnow
from forum.core_queries import get_org_for
from forum.errors import ActionError
from forum.home import HomeSection
from forum.http import (
    attachment_disposition,
    dated_filename,
    int_field,
    int_param,
    lines,
    read_form,
    read_json,
    text_field,
    viewer_of,
)
from forum.models import Member, Org
from forum.policy import (
    MEETING_HOST_ROLES,
    MEETING_RULES,
    Viewer,
    can_record_attendance,
    can_schedule_meeting,
    can_see_minutes,
    ensure,
    ensure_visible,
)
from forum.settings import get_settings
from forum.templating import local, render
from realtime.meetings import actions, qr, queries
from realtime.meetings import minutes as minutes_mod
from realtime.meetings.models import (
    CHECKIN_METHOD_LABELS,
    EXCLUSION_LABELS,
    STATUS_LABELS,
    Meeting,
    Minutes,
    MinutesCorrection,
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
}


def _page(request: Request, name: str, context: dict[str, Any]) -> Response:
    request.scope["nav"] = "meetings"
    return render(request, name, {**CONTEXT, **context})


async def _meeting(request: Request) -> Meeting:
    meeting_id = int_param(request.path_params["meeting_id"])
    return await queries.get_meeting_for(viewer_of(request), meeting_id)


def _back(meeting: Meeting, anchor: str = "") -> RedirectResponse:
    return RedirectResponse(f"/meetings/{meeting.id}{anchor}", status_code=303)


# ---- pages ---------------------------------------------------------------------------------


async def meeting_list(request: Request) -> Response:
    viewer = viewer_of(request)
    lists = await queries.meetings_for(viewer)
    return _page(request, "meetings/list.html", {"lists": lists, "org": None, "flags": []})


async def org_meetings(request: Request) -> Response:
    viewer = viewer_of(request)
    org = await get_org_for(viewer, int_param(request.path_params["org_id"]))
    lists = await queries.meetings_for(viewer, org)
    flags = await queries.overdue_flags(org)
    return _page(request, "meetings/list.html", {"lists": lists, "org": org, "flags": flags})


async def new_meeting(request: Request) -> Response:
    viewer = viewer_of(request)
    org = await get_org_for(viewer, int_param(request.path_params["org_id"]))
    ensure_visible(can_schedule_meeting(viewer, org))
    return _page(request, "meetings/new.html", {"org": org, "error": None, "form": {}})


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
        context = {"org": org, "error": exc.message, "form": dict(form)}
        return render(request, "meetings/new.html", {**CONTEXT, **context}, status_code=400)
    return _back(meeting)


async def meeting_page(request: Request) -> Response:
    viewer = viewer_of(request)
    meeting = await _meeting(request)
    state = await queries.room_state(viewer, meeting)
    qr_state = None
    if can_record_attendance(viewer, meeting):
        qr_state = _qr_state(request, meeting)
    candidates: dict[str, list[Member]] = {}
    if state["host"] and str(meeting.status) == "live":
        candidates = {
            kind: await queries.eligible_candidates(meeting, kind)
            for kind in MEETING_RULES[str(meeting.type)].vote_kinds
        }
    return _page(
        request,
        "meetings/room.html",
        {**state, "candidates": candidates, "org": meeting.org_id, "qr": qr_state},
    )


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
    meeting = await _meeting(request)
    context = await _minutes_context(viewer_of(request), meeting)
    return _page(
        request, "meetings/minutes.html", {**context, "result_line": minutes_mod.result_line}
    )


async def minutes_markdown(request: Request) -> Response:
    meeting = await _meeting(request)
    context = await _minutes_context(viewer_of(request), meeting)
    body = minutes_mod.to_markdown(context["record"], context["minutes"], context["corrections"])
    return PlainTextResponse(
        body,
        media_type="text/markdown; charset=utf-8",
        headers={"Content-Disposition": _minutes_disposition(meeting, "md")},
    )


async def minutes_html(request: Request) -> Response:
    meeting = await _meeting(request)
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


# ---- forms (POST, redirect back) -----------------------------------------------------------


async def post_action(request: Request) -> Response:
    """One endpoint per form: /meetings/{id}/{verb}. Same actions as the websocket."""
    viewer = viewer_of(request)
    meeting = await _meeting(request)
    verb = request.path_params["verb"]
    form = await read_form(request)
    anchor = ""
    if verb == "publish":
        await actions.publish_meeting(viewer, meeting)
    elif verb == "start":
        await actions.start_meeting(viewer, meeting)
    elif verb == "end":
        await actions.end_meeting(viewer, meeting)
    elif verb == "pause":
        await actions.pause_meeting(viewer, meeting, form.get("paused") == "1")
    elif verb == "lock":
        await actions.lock_discussion(viewer, meeting, form.get("locked") == "1")
    elif verb == "leave":
        await actions.request_leave(viewer, meeting, str(form.get("reason", "")))
    elif verb == "checkin":
        await actions.check_in(viewer, meeting)
    elif verb == "record-attendance":
        await actions.record_attendance(
            viewer, meeting, int_param(form.get("member_id")), str(form.get("note", ""))
        )
        anchor = "#roll"
    elif verb == "recorder":
        await actions.name_recorder(viewer, meeting, str(form.get("recorder", "")))
    elif verb == "exclude":
        await actions.exclude_from_roll(
            viewer,
            meeting,
            int_param(form.get("member_id")),
            category=str(form.get("category", "")),
            reason=str(form.get("reason", "")),
            approval=str(form.get("approval", "")),
            decision=str(form.get("decision", "")),
        )
        anchor = "#roll"
    elif verb == "restore":
        await actions.restore_to_roll(viewer, meeting, int_param(form.get("member_id")))
        anchor = "#roll"
    elif verb == "message":
        await actions.post_message(viewer, meeting, str(form.get("body", "")))
        anchor = "#discussion"
    elif verb == "hand":
        await actions.raise_hand(viewer, meeting)
    elif verb == "floor":
        await actions.give_floor(viewer, meeting, int_param(form.get("request_id")))
    elif verb == "mute":
        await actions.mute_participant(
            viewer,
            meeting,
            int_param(form.get("user_id")),
            str(form.get("kind", "mute")),
            str(form.get("reason", "")),
        )
    elif verb == "unmute":
        await actions.unmute_participant(viewer, meeting, int_param(form.get("user_id")))
    elif verb == "remove-message":
        await actions.remove_message(
            viewer, meeting, int_param(form.get("number")), str(form.get("reason", ""))
        )
        anchor = "#discussion"
    elif verb == "next-item":
        await actions.next_agenda_item(viewer, meeting)
    elif verb == "minutes":
        await actions.update_minutes_summary(viewer, meeting, str(form.get("summary", "")))
        return RedirectResponse(f"/meetings/{meeting.id}/minutes", status_code=303)
    elif verb == "archive":
        await actions.archive_meeting(viewer, meeting)
        return RedirectResponse(f"/meetings/{meeting.id}/minutes", status_code=303)
    elif verb == "correction":
        await actions.append_correction(viewer, meeting, str(form.get("body", "")))
        return RedirectResponse(f"/meetings/{meeting.id}/minutes", status_code=303)
    else:
        raise ActionError("未知的操作")
    return _back(meeting, anchor)


async def create_vote(request: Request) -> Response:
    viewer = viewer_of(request)
    meeting = await _meeting(request)
    form = await read_form(request)
    kind = str(form.get("kind", ""))
    candidate = form.get("candidate_id")
    await actions.create_vote(
        viewer,
        meeting,
        kind=kind,
        title=text_field(form, "title", "表决事项", max_length=200),
        candidate_id=int_param(candidate) if candidate else None,
        candidate_ids=[int_param(c) for c in form.getlist("candidate_ids")],
        seats=int_field(form, "seats", "应选人数", minimum=1, maximum=999, default=1),
        secret=form.get("secret") == "1",
        denominator=str(form.get("denominator") or "expected"),
    )
    return _back(meeting, "#votes")


async def vote_action(request: Request) -> Response:
    viewer = viewer_of(request)
    meeting = await _meeting(request)
    vote = await queries.get_vote(meeting, int_param(request.path_params["vote_id"]))
    verb = request.path_params["verb"]
    form = await read_form(request)
    if verb == "open":
        await actions.open_vote(viewer, meeting, vote)
    elif verb == "close":
        await actions.close_vote(viewer, meeting, vote)
    elif verb == "ballot":
        await actions.cast_ballot(
            viewer,
            meeting,
            vote,
            choice=str(form.get("choice", "")) or None,
            selected=[int_param(c) for c in form.getlist("selected")],
        )
    elif verb == "count":
        await actions.record_in_person_count(
            viewer,
            meeting,
            vote,
            yes=int_field(form, "yes", "赞成人数", minimum=0, maximum=100_000, default=0),
            no=int_field(form, "no", "反对人数", minimum=0, maximum=100_000, default=0),
            abstain=int_field(form, "abstain", "弃权人数", minimum=0, maximum=100_000, default=0),
        )
    elif verb == "opinion":
        await actions.enter_written_opinion(
            viewer,
            meeting,
            vote,
            int_param(form.get("member_id")),
            str(form.get("choice", "")),
            str(form.get("note", "")),
        )
    else:
        raise ActionError("未知的操作")
    return _back(meeting, "#votes")


# ---- QR check-in ---------------------------------------------------------------------------


def _qr_code(request: Request) -> str:
    return str(request.query_params.get("code", ""))[:64]


async def qr_checkin_page(request: Request) -> Response:
    """The page a scanned code opens: confirm with one tap (a CSRF-checked POST)."""
    viewer = viewer_of(request)
    if not viewer.is_authenticated:
        next_url = quote(f"/meetings/{request.path_params['meeting_id']}/checkin/qr?code=")
        return RedirectResponse(
            f"/login?next={next_url}{quote(_qr_code(request))}", status_code=303
        )
    meeting = await _meeting(request)
    code, error = _qr_code(request), None
    try:
        qr.verify(code, meeting.id, utcnow())
    except ActionError as exc:
        error = exc.message
    return _qr_page(request, meeting, code, error, status_code=200 if error is None else 400)


def _qr_page(
    request: Request, meeting: Meeting, code: str, error: str | None, *, status_code: int = 200
) -> Response:
    request.scope["nav"] = "meetings"
    context = {**CONTEXT, "meeting": meeting, "code": code, "error": error}
    return render(request, "meetings/qr_checkin.html", context, status_code=status_code)


async def qr_checkin(request: Request) -> Response:
    viewer = viewer_of(request)
    meeting = await _meeting(request)
    form = await read_form(request)
    code = str(form.get("code", ""))[:64]
    try:
        await actions.check_in_by_qr(viewer, meeting, code)
    except ActionError as exc:
        return _qr_page(request, meeting, code, exc.message, status_code=exc.status_code)
    return _back(meeting, "#attendance")


async def qr_code(request: Request) -> Response:
    """The host screen's current code (inline SVG), fetched again as it rotates."""
    viewer = viewer_of(request)
    meeting = await _meeting(request)
    ensure_visible(can_record_attendance(viewer, meeting))
    return JSONResponse(_qr_state(request, meeting))


def _qr_state(request: Request, meeting: Meeting) -> dict[str, Any]:
    code = qr.issue(meeting.id, utcnow())
    url = qr.scan_url(str(request.base_url), meeting.id, code)
    return {
        "svg_html": qr.svg(url),  # segno's output for our own URL: no user input in it
        "url": url,
        "expires_at": qr.expires_at(code).isoformat(),
        "rotate_seconds": qr.ROTATE_SECONDS,
    }


# ---- JSON API ------------------------------------------------------------------------------

STATE_SCHEMA = apispec.schema(
    "MeetingState",
    {
        "type": "object",
        "required": ["id", "status", "attendance", "messages", "votes"],
        "properties": {
            "id": {"type": "integer"},
            "status": {"type": "string"},
            "attendance": {"type": "object"},
            "messages": {"type": "array", "items": {"type": "object"}},
            "votes": {"type": "array", "items": {"type": "object"}},
        },
    },
)


def serialize_state(state: dict[str, Any]) -> dict[str, Any]:
    meeting: Meeting = state["meeting"]
    current = state["current_item"]
    return {
        "id": meeting.id,
        "title": meeting.title,
        "type": str(meeting.type),
        "status": str(meeting.status),
        "paused": meeting.paused,
        "discussion_locked": meeting.discussion_locked,
        "role": state["role"],
        "host": state["host"],
        "checked_in": state["seat"].checked_in,
        "muted": state["seat"].muted,
        "current_item": {"id": current.id, "title": current.title} if current else None,
        "agenda": [{"id": a.id, "position": a.position, "title": a.title} for a in state["agenda"]],
        "attendance": state["attendance"].as_dict(),
        "messages": state["messages"],
        "queue": state["queue"],
        "votes": state["votes"],
        "present_user_ids": state["present_user_ids"],
    }


@apispec.operation(
    "/api/v1/meetings/{meeting_id}",
    "GET",
    summary="Live room state of a meeting (the reload target of the websocket)",
    tag="meetings",
    response=STATE_SCHEMA,
    path_params=("meeting_id",),
)
async def api_state(request: Request) -> Response:
    viewer = viewer_of(request)
    meeting = await _meeting(request)
    return JSONResponse(serialize_state(await queries.room_state(viewer, meeting)))


@apispec.operation(
    "/api/v1/meetings/{meeting_id}/actions",
    "POST",
    summary="Perform a room action (same frames as the websocket `action`)",
    tag="meetings",
    path_params=("meeting_id",),
    body={
        "type": "object",
        "required": ["action"],
        "additionalProperties": False,
        "properties": {
            "action": {"type": "string", "enum": sorted(channel.ACTIONS)},
            "data": {"type": "object"},
        },
    },
)
async def api_action(request: Request) -> Response:
    viewer = viewer_of(request)
    meeting_id = int_param(request.path_params["meeting_id"])
    body = await read_json(request)
    if set(body) - {"action", "data"} or not isinstance(body.get("action"), str):
        raise ActionError("请求体须为 {action, data}")
    data = body.get("data", {})
    if not isinstance(data, dict):
        raise ActionError("data 必须是对象", field="data")
    ensure(viewer.is_authenticated)
    return JSONResponse(await channel.on_action(viewer, meeting_id, body["action"], data))


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
)


routes: list[BaseRoute] = [
    Route("/meetings", meeting_list, methods=["GET"]),
    Route("/orgs/{org_id:int}/meetings", org_meetings, methods=["GET"]),
    Route("/orgs/{org_id:int}/meetings/new", new_meeting, methods=["GET"]),
    Route("/orgs/{org_id:int}/meetings", create_meeting, methods=["POST"]),
    Route("/meetings/{meeting_id:int}", meeting_page, methods=["GET"]),
    Route("/meetings/{meeting_id:int}/minutes", minutes_page, methods=["GET"]),
    Route("/meetings/{meeting_id:int}/minutes.md", minutes_markdown, methods=["GET"]),
    Route("/meetings/{meeting_id:int}/minutes.html", minutes_html, methods=["GET"]),
    Route("/meetings/{meeting_id:int}/votes", create_vote, methods=["POST"]),
    Route("/meetings/{meeting_id:int}/checkin/qr", qr_checkin_page, methods=["GET"]),
    Route("/meetings/{meeting_id:int}/checkin/qr", qr_checkin, methods=["POST"]),
    Route("/meetings/{meeting_id:int}/qr", qr_code, methods=["GET"]),
    Route(
        "/meetings/{meeting_id:int}/votes/{vote_id:int}/{verb:str}", vote_action, methods=["POST"]
    ),
    Route("/meetings/{meeting_id:int}/{verb:str}", post_action, methods=["POST"]),
    Route("/api/v1/meetings/{meeting_id:int}", api_state, methods=["GET"]),
    Route("/api/v1/meetings/{meeting_id:int}/actions", api_action, methods=["POST"]),
]
