"""Every action answers, with one mechanism each, used by every part.

- **Success messages.** `done(request, url, "已保存")` redirects (303) and leaves a flash in
  the session; the next page shows it in the layout's `aria-live` region. Works without JS.
- **Done in place.** `done(..., in_place={...})` answers a script's post (the
  `X-Grassroots-In-Place: 1` header, sent by `static/js/people.js` for forms marked
  `data-inplace`) with the message and the new state as JSON and no flash: the script
  updates the button and announces the message. Any other post gets the 303 and the flash.
- **Errors in place.** An `ActionError` / `Conflict` / `RateLimited` raised by an HTML form
  post that the handler does not catch goes back (303) to the page the form was on (the
  same-origin `Referer`) with the input kept (`KeptForm`, server-side: a post body does not fit
  a cookie) and the message at the field. Templates read the kept input with
  `old("title", default)` / `checked(...)` / `selected(...)` and show the message with
  `field_error("title")`. Handlers that re-render their form themselves keep doing so, and a
  request without a usable `Referer` (API clients, tests) gets the error page as before.
- **Confirmation.** An irreversible step calls `ask_confirmation(request, message)`: without
  `confirmed=1` in the form it answers with a confirm page that re-posts the same fields; with
  JS, `static/js/app.js` shows a dialog for forms marked `data-confirm` and adds the field. The
  JSON API is never asked.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import urlsplit

from starlette.datastructures import FormData, UploadFile
from starlette.requests import HTTPConnection, Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send
from tortoise import fields, models

from forum.clock import utcnow
from forum.errors import ActionError, DomainError, RateLimited
from forum.http import is_local_path, read_form, wants_json

Level = Literal["success", "info", "error"]

FLASH_KEY = "_flash"
KEPT_KEY = "_kept"
KEPT_SCOPE = "grassroots.kept"
# The hidden field that names one of several forms on a page.
FORM_NAME = "_form"
# The confirm page carries the page the step started on, for a refusal after confirming.
BACK_FIELD = "_back"
MAX_FLASHES = 5
MAX_FLASH_CHARS = 300
# Kept input lives a short while: long enough to come back to the form, not to linger.
KEPT_TTL = dt.timedelta(hours=1)
# Never kept or re-posted as a value a page could show.
SECRET_FIELDS = ("password", "csrf_token", "confirmed", BACK_FIELD)
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


class KeptForm(models.Model):
    """The input of a refused form, until the page it came from is shown again."""

    id = fields.UUIDField(primary_key=True)
    path = fields.CharField(max_length=500)
    values: Any = fields.JSONField()
    message = fields.TextField()
    field = fields.CharField(max_length=64, default="")
    created_at = fields.DatetimeField()

    class Meta:
        table = "forum_kept_forms"
        indexes = (("created_at",),)


@dataclass(frozen=True)
class Flash:
    level: Level
    text: str
    # The form field the message belongs to ("" for the page): the summary links to it.
    field: str = ""


# -- success messages --------------------------------------------------------------------


def flash(request: HTTPConnection, text: str, level: Level = "success", *, field: str = "") -> None:
    """A message for the next page this browser shows (kept in the signed session cookie)."""
    queued = list(request.session.get(FLASH_KEY, []))[-(MAX_FLASHES - 1) :]
    queued.append([level, text[:MAX_FLASH_CHARS], field])
    request.session[FLASH_KEY] = queued


IN_PLACE_HEADER = "x-grassroots-in-place"


def done(
    request: HTTPConnection, url: str, text: str, *, in_place: Mapping[str, Any] | None = None
) -> Response:
    """The answer to a successful form post: go to `url` and say what happened. A step
    that can be taken in place (`in_place`: the new state, e.g. `{"on": True, "label":
    "取消收藏"}`) answers a script's post with that state and the message as JSON."""
    if in_place is not None and request.headers.get(IN_PLACE_HEADER) == "1":
        return JSONResponse({"message": text, **in_place})
    flash(request, text)
    return RedirectResponse(url, status_code=303)


def take_flashes(request: HTTPConnection) -> list[Flash]:
    """The queued messages, once: showing them removes them."""
    if "session" not in request.scope or FLASH_KEY not in request.session:
        return []
    raw = request.session.pop(FLASH_KEY, [])
    return [
        Flash(item[0], str(item[1]), str(item[2]))
        for item in (raw if isinstance(raw, list) else [])
        if isinstance(item, list) and len(item) == 3 and item[0] in ("success", "info", "error")
    ]


# -- errors in place ---------------------------------------------------------------------


def _is_form_post(request: HTTPConnection) -> bool:
    if request.scope.get("method") != "POST" or "session" not in request.scope:
        return False
    if wants_json(request):
        return False
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    return content_type in FORM_TYPES


def back_path(request: HTTPConnection) -> str | None:
    """Where the form was: the `Referer` when it is a page of this site, else None."""
    referer = request.headers.get("referer", "")
    if not referer:
        return None
    parts = urlsplit(referer)
    if parts.netloc and parts.netloc != request.headers.get("host", ""):
        return None
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    return path if is_local_path(path) else None


def _confirmed_from(form: object) -> str | None:
    """A form posted from the confirm page goes back to the page the step started on."""
    if not isinstance(form, FormData):
        return None
    back = form.get(BACK_FIELD)
    return back if isinstance(back, str) and is_local_path(back) else None


def _keepable(form: FormData) -> dict[str, str | list[str]]:
    values: dict[str, str | list[str]] = {}
    for name, value in form.multi_items():
        if isinstance(value, UploadFile) or any(s in name for s in SECRET_FIELDS):
            continue
        if name in values:
            current = values[name]
            values[name] = [*current, value] if isinstance(current, list) else [current, value]
        else:
            values[name] = value
    return values


async def refused_form(request: HTTPConnection, exc: DomainError) -> Response | None:
    """The 303 back to the form, with the input kept and the message at the field; None
    when this is not a browser's form post that can go back (the caller shows the error)."""
    if not isinstance(exc, ActionError | RateLimited) or not isinstance(request, Request):
        return None
    if not _is_form_post(request):
        return None
    form = getattr(request, "_form", None)
    target = _confirmed_from(form) or back_path(request)
    if target is None:
        return None
    values = _keepable(form) if isinstance(form, FormData) else {}
    field = getattr(exc, "field", None) or ""
    now = utcnow()
    await KeptForm.filter(created_at__lt=now - KEPT_TTL).delete()
    kept = await KeptForm.create(
        id=uuid.uuid4(),
        path=urlsplit(target).path[:500],
        values=values,
        message=exc.message,
        field=field,
        created_at=now,
    )
    request.session[KEPT_KEY] = str(kept.id)
    flash(request, exc.message, "error", field=field)
    return RedirectResponse(target, status_code=303)


@dataclass(frozen=True)
class Kept:
    """The refused form's input and message, for the templates of the page it came from.

    Before any form was refused on this page, every question answers its default."""

    values: dict[str, Any]
    message: str = ""
    field: str = ""
    present: bool = False

    def of(self, form: str | None) -> bool:
        """Is this the refused form? A page with several forms names each with a hidden
        `_form` field and asks `old("name", default, form="rename")`."""
        return self.present and (form is None or self.values.get(FORM_NAME) == form)

    def old(self, name: str, default: Any = "", form: str | None = None) -> Any:
        if not self.of(form) or name not in self.values:
            return default
        value = self.values[name]
        return value[-1] if isinstance(value, list) else value

    def old_list(
        self, name: str, default: list[str] | None = None, form: str | None = None
    ) -> list[str]:
        if not self.of(form) or name not in self.values:
            return list(default or [])
        value = self.values[name]
        return list(value) if isinstance(value, list) else [value]

    def checked(
        self, name: str, default: bool = False, value: str = "on", form: str | None = None
    ) -> bool:
        """A kept form left an unticked box out, so a kept form answers from its values."""
        if not self.of(form):
            return default
        return value in self.old_list(name, form=form)

    def selected(
        self, name: str, value: object, default: bool = False, form: str | None = None
    ) -> bool:
        if not self.of(form) or name not in self.values:
            return default
        return str(value) in self.old_list(name, form=form)

    def error(self, name: str, form: str | None = None) -> str:
        return self.message if self.of(form) and self.field == name else ""


NOTHING_KEPT = Kept({})


def keep_in_place(
    request: HTTPConnection, exc: DomainError, values: FormData | Mapping[str, Any]
) -> None:
    """For a handler that re-renders its own refused form (no redirect): the page it renders
    answers `old()` / `field_error()` as it would after going back, and the layout shows the
    message. A posted form keeps what a redirect would keep (never passwords or files)."""
    field = getattr(exc, "field", None) or ""
    kept = (
        _keepable(values)
        if isinstance(values, FormData)
        else {
            name: value if isinstance(value, str | list) else "" if value is None else str(value)
            for name, value in values.items()
            if not any(secret in name for secret in SECRET_FIELDS)
        }
    )
    request.scope[KEPT_SCOPE] = Kept(values=kept, message=exc.message, field=field, present=True)
    flash(request, exc.message, "error", field=field)


async def take_kept(scope: Scope) -> Kept:
    """The kept form for this page, once; a form kept for another page is dropped."""
    session = scope.get("session")
    if not isinstance(session, dict) or KEPT_KEY not in session:
        return NOTHING_KEPT
    kept_id = session.pop(KEPT_KEY)
    try:
        key = uuid.UUID(str(kept_id))
    except ValueError:
        return NOTHING_KEPT
    row = await KeptForm.get_or_none(id=key)
    if row is None:
        return NOTHING_KEPT
    await KeptForm.filter(id=key).delete()
    if row.path != scope.get("path") or not isinstance(row.values, dict):
        return NOTHING_KEPT
    return Kept(values=row.values, message=row.message, field=row.field, present=True)


def kept_of(request: HTTPConnection) -> Kept:
    kept = request.scope.get(KEPT_SCOPE)
    return kept if isinstance(kept, Kept) else NOTHING_KEPT


class KeptFormMiddleware:
    """Loads a kept form before a page is rendered (templates render synchronously). Costs
    one dictionary lookup unless a form was refused just before."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope.get("method") == "GET":
            session = scope.get("session")
            if isinstance(session, dict) and KEPT_KEY in session:
                scope[KEPT_SCOPE] = await take_kept(scope)
        await self.app(scope, receive, send)


# -- confirmation ------------------------------------------------------------------------


async def ask_confirmation(
    request: Request, message: str, *, confirm_label: str = "确认", title: str = "请确认"
) -> Response | None:
    """None when the step may go ahead (confirmed, or the JSON API); else the confirm page."""
    if wants_json(request) or request.method != "POST":
        return None
    form = await read_form(request)
    if form.get("confirmed") == "1":
        return None
    # Imported here: templating imports this module for the layout's context.
    from forum.templating import render

    fields_ = [
        (name, value)
        for name, value in form.multi_items()
        if isinstance(value, str) and name not in ("confirmed", BACK_FIELD)
    ]
    back = _confirmed_from(form) or back_path(request) or "/"
    context = {
        "title": title,
        "message": message,
        "confirm_label": confirm_label,
        "action": request.url.path,
        "fields": fields_,
        "back": back,
    }
    return render(request, "forum/confirm.html", context)
