"""Jinja2 environment shared by every package, with Chinese date filters and policy access."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
from pathlib import Path
from typing import Any

import jinja2
import markupsafe
from starlette.requests import HTTPConnection, Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.templating import Jinja2Templates

from forum import answers, markup, policy
from forum.clock import utcnow, zone
from forum.http import viewer_of, wants_json
from forum.models import ORG_KIND_LABELS, ROLE_LABELS, STATUS_LABELS
from forum.security.middleware import csrf_token
from forum.settings import get_settings
from forum.staticfiles import STATIC_DIR

ROOT = Path(__file__).resolve().parent.parent
# The kernel's templates first, then every part's and service's own `templates/` (each keeps
# its templates in a subfolder named after it, so the order decides nothing). Only this
# project's packages are searched (installed, ROOT is site-packages).
PACKAGES = ("forum", "realtime", "moderation", "transparency")
TEMPLATE_DIRS = [
    ROOT / "forum" / "templates",
    *(
        d
        for package in PACKAGES
        for d in sorted([*ROOT.glob(f"{package}/templates"), *ROOT.glob(f"{package}/*/templates")])
        if d != ROOT / "forum" / "templates"
    ),
]


def local(value: dt.datetime) -> dt.datetime:
    return value.astimezone(zone())


def format_datetime(value: dt.datetime | None) -> str:
    """2026年11月26日 14:30 in the configured zone (Asia/Shanghai by default)."""
    if value is None:
        return ""
    return _format_datetime(value)


@functools.lru_cache(maxsize=8192)
def _format_datetime(value: dt.datetime) -> str:
    # A pure function of the instant (the zone is fixed per process): a topic page formats
    # the same post times on every view, so remember the strings.
    return local(value).strftime("%Y年%m月%d日 %H:%M")


def format_date(value: dt.date | dt.datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = local(value).date()
    return f"{value.year}年{value.month}月{value.day}日"


def relative_time(value: dt.datetime | None, now: dt.datetime | None = None) -> str:
    """3分钟前 for recent activity; the full date beyond a week."""
    if value is None:
        return ""
    now = now or utcnow()
    seconds = int((now - value).total_seconds())
    if seconds < 60:
        return "刚刚"
    if seconds < 3600:
        return f"{seconds // 60}分钟前"
    if seconds < 86400:
        return f"{seconds // 3600}小时前"
    if seconds < 7 * 86400:
        return f"{seconds // 86400}天前"
    return format_date(value)


@functools.cache
def static_version(path: str) -> str:
    """Content hash for cache-busting /static URLs."""
    file = STATIC_DIR / path
    try:
        return hashlib.sha256(file.read_bytes()).hexdigest()[:10]
    except OSError:
        return "0"


def static_url(path: str) -> str:
    return f"/static/{path}?v={static_version(path)}"


class _PolicyProxy:
    """`can.manage_org(org)` in templates: policy predicates bound to the viewer.

    Templates only ask; they never restate a rule.
    """

    def __init__(self, viewer: policy.Viewer) -> None:
        self._viewer = viewer

    def __getattr__(self, name: str) -> Any:
        # Called once per predicate and request: the bound predicate is kept on the instance,
        # so a loop asking `can.edit_post(...)` for every post skips this lookup.
        predicate = functools.partial(getattr(policy, "can_" + name), self._viewer)
        setattr(self, name, predicate)
        return predicate


def sanitized_html(html: str) -> markupsafe.Markup:
    """Stored HTML that reached the template through a dict or a JSON snapshot (meeting
    messages, archived minutes) rather than a `*_html` model field: sanitize it again at
    display instead of trusting it with `|safe`. Cheap with nh3, and idempotent on HTML that
    `markup.render` already produced."""
    return markupsafe.Markup(markup.sanitize(html))  # noqa: S704 - nh3 output is the allow-list


def field_error(kept: answers.Kept, name: str, form: str | None = None) -> markupsafe.Markup:
    """The refused form's message at its field: `{{ field_error("title") }}` after the input,
    which names it with `{{ invalid("title") }}` (aria-invalid, aria-describedby)."""
    message = kept.error(name, form)
    if not message:
        return markupsafe.Markup("")
    return markupsafe.Markup('<p class="field-error" id="{}-error">{}</p>').format(name, message)


def invalid_attrs(kept: answers.Kept, name: str, form: str | None = None) -> markupsafe.Markup:
    if not kept.error(name, form):
        return markupsafe.Markup("")
    return markupsafe.Markup(' aria-invalid="true" aria-describedby="{}-error"').format(name)


def _environment() -> jinja2.Environment:
    settings = get_settings()
    # Production: templates never change under a running process, so skip the mtime check
    # on every `get_template` (each page, layout and per-item include), and keep compiled
    # templates in a bytecode cache so new workers start without recompiling.
    bytecode_cache = None
    if settings.production:
        cache_dir = settings.data_dir / "jinja-cache"
        try:
            cache_dir.mkdir(parents=True, exist_ok=True)
            bytecode_cache = jinja2.FileSystemBytecodeCache(str(cache_dir))
        except OSError:  # pragma: no cover - a read-only data dir: compile in memory
            bytecode_cache = None
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(d) for d in TEMPLATE_DIRS]),
        autoescape=jinja2.select_autoescape(["html", "htm", "xml"]),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=not settings.production,
        bytecode_cache=bytecode_cache,
        cache_size=800,
    )
    env.filters["datetime"] = format_datetime
    env.filters["date"] = format_date
    env.filters["ago"] = relative_time
    env.filters["sanitized"] = sanitized_html
    env.globals["static"] = static_url
    env.globals["nav_links"] = policy.nav_links
    env.globals["ROLE_LABELS"] = ROLE_LABELS
    env.globals["STATUS_LABELS"] = STATUS_LABELS
    env.globals["ORG_KIND_LABELS"] = ORG_KIND_LABELS
    return env


templates = Jinja2Templates(env=_environment())


def render(
    request: Request, name: str, context: dict[str, Any] | None = None, *, status_code: int = 200
) -> HTMLResponse:
    viewer = viewer_of(request)
    kept = answers.kept_of(request)
    ctx: dict[str, Any] = {
        "viewer": viewer,
        "can": _PolicyProxy(viewer),
        "csrf_token": csrf_token(request.session),
        "nav": request.scope.get("nav", ""),
        # Every action answers (forum.answers): the flashes, and a refused form's input.
        "flashes": answers.take_flashes(request),
        "old": kept.old,
        "old_list": kept.old_list,
        "checked": kept.checked,
        "selected": kept.selected,
        "field_error": functools.partial(field_error, kept),
        "invalid": functools.partial(invalid_attrs, kept),
    }
    ctx.update(context or {})
    return templates.TemplateResponse(request, name, ctx, status_code=status_code)


ERROR_TITLES = {
    400: "请求有误",
    403: "没有权限",
    404: "页面不存在",
    405: "不支持的请求方式",
    409: "操作冲突",
    413: "内容过大",
    429: "操作过于频繁",
    500: "服务器出错了",
    503: "服务暂不可用",
}


async def error_response(
    conn: HTTPConnection,
    status: int,
    message: str,
    *,
    headers: dict[str, str] | None = None,
    field: str | None = None,
) -> Response:
    """The one error page: JSON under /api/ (with the input `field` the message is about,
    when there is one), a Chinese HTML page elsewhere."""
    if wants_json(conn) or "session" not in conn.scope:
        body: dict[str, object] = {"error": message, "status": status}
        if field:
            body["field"] = field
        return JSONResponse(body, status, headers=headers)
    request = conn if isinstance(conn, Request) else Request(conn.scope)
    response = render(
        request,
        "forum/error.html",
        {"status": status, "title": ERROR_TITLES.get(status, "出错了"), "message": message},
        status_code=status,
    )
    if headers:
        response.headers.update(headers)
    return response
