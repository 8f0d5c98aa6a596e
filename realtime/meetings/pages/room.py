"""The meeting room: its page, its forms (one endpoint per verb of the part's verb table)
and QR check-in (the scanned link's confirm page and the host screen's rotating code)."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response

from forum.answers import ask_confirmation
from forum.clock import utcnow
from forum.errors import ActionError
from forum.http import read_form, viewer_of
from forum.models import Member
from forum.policy import MEETING_RULES, can_record_attendance, ensure_visible
from forum.templating import render
from realtime.meetings import qr, queries, verbs
from realtime.meetings import votes as rules
from realtime.meetings.models import Meeting
from realtime.meetings.pages._common import CONTEXT, back, meeting_of, page

# The room's regions, each one partial template (`meetings/room/_{name}.html`) whose root
# element has the id `region-{name}`; `GET /meetings/{id}/regions?names=...` re-renders them.
REGIONS = ("status", "host", "agenda", "attendance", "queue", "discussion", "votes", "roll")


async def meeting_page(request: Request) -> Response:
    meeting = await meeting_of(request)
    return page(request, "meetings/room.html", await _room_context(request, meeting))


async def room_regions(request: Request) -> Response:
    """`GET /meetings/{id}/regions?names=votes,roll`: the named regions of the room, rendered
    for this viewer exactly as the page renders them (same state, same policy questions), for
    the live room to morph in place of its own. Visibility is the page's (`meeting_of`)."""
    meeting = await meeting_of(request)
    raw = str(request.query_params.get("names", ""))
    names = [n for n in dict.fromkeys(raw.split(",")) if n] or list(REGIONS)
    unknown = [n for n in names if n not in REGIONS]
    if unknown:
        raise ActionError("未知的会场区域", field="names")
    context = {**CONTEXT, **(await _room_context(request, meeting))}
    html = {
        # The same `render` as a page (viewer, `can.*`, CSRF token), kept as a string.
        name: bytes(render(request, f"meetings/room/_{name}.html", context).body).decode()
        for name in names
    }
    body = {
        "regions": html,
        "status": str(meeting.status),
        "last_event_id": context["last_event_id"],
        "present_user_ids": context["present_user_ids"],
    }
    return JSONResponse(body, headers={"Cache-Control": "no-store"})


async def _room_context(request: Request, meeting: Meeting) -> dict[str, Any]:
    viewer = viewer_of(request)
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
    # One picker for the questions that name one member, each member once.
    named = {m.id: m for kind in rules.PERSON_KINDS for m in candidates.get(kind, [])}
    people = sorted(named.values(), key=lambda m: (str(m.status), m.name, m.id))
    return {
        **state,
        "candidates": candidates,
        "person_candidates": people,
        "org": meeting.org_id,
        "qr": qr_state,
    }


async def post_verb(request: Request) -> Response:
    """`POST /meetings/{id}/{verb}`: the verb's arguments from the form, then back to the
    room with the verb's message; the same verbs, spelled the same, as the JSON API and the
    websocket. An irreversible verb (`confirm` in the table) is checked, then asked, here
    for every form that posts it."""
    verb = verbs.get_verb(request.path_params["verb"])
    meeting = await meeting_of(request)
    viewer = viewer_of(request)
    args = verbs.from_form(verb, await read_form(request))
    if verb.confirm:
        if verb.check is not None:
            await verb.check(viewer, meeting, args)
        ask = await ask_confirmation(request, verb.confirm, confirm_label=verb.confirm_label)
        if ask is not None:
            return ask
    answer = await verb.run(viewer, meeting, args)
    return back(request, meeting, verb.back, verb.done_text(args, answer))


# ---- QR check-in ---------------------------------------------------------------------------


async def qr_checkin_page(request: Request) -> Response:
    """The page a scanned code opens: confirm with one tap (a CSRF-checked POST)."""
    viewer = viewer_of(request)
    code = str(request.query_params.get("code", ""))
    if not viewer.is_authenticated:
        next_url = quote(f"/meetings/{request.path_params['meeting_id']}/checkin/qr?code=")
        return RedirectResponse(f"/login?next={next_url}{quote(code)}", status_code=303)
    meeting = await meeting_of(request)
    error = None
    try:
        qr.verify(code, meeting.id, utcnow())  # an over-long code is refused, never cut
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
    """The confirm page's POST: the `check_in_qr` verb, its refusal shown on the same page."""
    verb = verbs.VERBS["check_in_qr"]
    meeting = await meeting_of(request)
    form = await read_form(request)
    code = form.get("code")
    args = verbs.from_form(verb, form)
    try:
        answer = await verb.run(viewer_of(request), meeting, args)
    except ActionError as exc:
        shown = code if isinstance(code, str) else ""
        return _qr_page(request, meeting, shown, exc.message, status_code=exc.status_code)
    return back(request, meeting, verb.back, verb.done_text(args, answer))


async def qr_code(request: Request) -> Response:
    """The host screen's current code (inline SVG), fetched again as it rotates."""
    viewer = viewer_of(request)
    meeting = await meeting_of(request)
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
