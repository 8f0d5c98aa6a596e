"""ASGI middleware: security headers, CSRF on every unsafe method, the per-request viewer."""

from __future__ import annotations

import dataclasses
import hmac
import secrets
from collections.abc import Awaitable, Callable, Iterable, MutableMapping
from typing import Any
from urllib.parse import parse_qs, urlsplit

from starlette.exceptions import HTTPException
from starlette.formparsers import MultiPartException
from starlette.requests import HTTPConnection, Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from forum.viewer import load_viewer

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
CSRF_SESSION_KEY = "csrf"
CSRF_FORM_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"

# The most fields a form may carry (`forum.http.read_form` takes no more either).
MAX_FORM_FIELDS = 200
MAX_FORM_FILES = 10
TOO_MANY_FIELDS = (
    f"表单字段过多（最多 {MAX_FORM_FIELDS} 个字段、{MAX_FORM_FILES} 个文件），请刷新页面后重试"
)


# The one-click unsubscribe of RFC 8058 (forum/outbox/routes.py): a mail client posts it with
# no session; the signed token in the path is the credential and it can only turn mail off.
CSRF_EXEMPT_PREFIX = "/unsubscribe/"


def content_security_policy(allowed_origins: Iterable[str]) -> str:
    """The page CSP. Scripts may open websockets only to the site's own origins (the
    configured allowed origins, as ws:// or wss://), not to any host; images come from the
    site itself only (attachments are same-origin; the sanitiser drops other image hosts)."""
    sockets = sorted({_ws_origin(origin) for origin in allowed_origins} - {""})
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self'",
            "font-src 'self'",
            " ".join(["connect-src 'self'", *sockets]),
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


def _ws_origin(origin: str) -> str:
    parts = urlsplit(origin)
    scheme = {"http": "ws", "https": "wss"}.get(parts.scheme.lower())
    if scheme is None or not parts.netloc or any(c in parts.netloc for c in " ;,'\""):
        return ""
    return f"{scheme}://{parts.netloc.lower()}"


ErrorResponder = Callable[[HTTPConnection, int, str], Awaitable[Any]]


def csrf_token(session: MutableMapping[str, Any]) -> str:
    """The session's CSRF token, created on first use (assigned via the dict API)."""
    token = session.get(CSRF_SESSION_KEY)
    if not isinstance(token, str) or len(token) < 32:
        token = secrets.token_urlsafe(32)
        session[CSRF_SESSION_KEY] = token
    return token


class SecurityHeadersMiddleware:
    def __init__(self, app: ASGIApp, *, hsts: bool, csp: str) -> None:
        self.app = app
        self.hsts = hsts
        self.csp = csp.encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = message.setdefault("headers", [])
                existing = {name.lower() for name, _ in headers}
                extra = [
                    (b"content-security-policy", self.csp),
                    (b"x-content-type-options", b"nosniff"),
                    (b"referrer-policy", b"same-origin"),
                    (b"x-frame-options", b"DENY"),
                    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
                ]
                if self.hsts:
                    extra.append((b"strict-transport-security", b"max-age=31536000"))
                headers.extend(h for h in extra if h[0] not in existing)
            await send(message)

        await self.app(scope, receive, send_with_headers)


class CsrfMiddleware:
    """Rejects unsafe requests whose token (form field or header) does not match the session.

    The body is buffered (it is already bounded by the app's max body size) so the token
    can be read from urlencoded and multipart forms, then replayed to the endpoint.
    """

    def __init__(self, app: ASGIApp, *, on_error: ErrorResponder) -> None:
        self.app = app
        self.on_error = on_error

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and b"%00" in scope.get("query_string", b""):
            # No text column stores NUL (PostgreSQL refuses it): a clear 400, not a 500
            # from whichever query the parameter reaches. Bodies: forum.http.read_form/json.
            response = await self.on_error(
                HTTPConnection(scope), 400, "查询参数包含无效字符（\\0），请删除后重试"
            )
            await response(scope, receive, send)
            return
        if (
            scope["type"] != "http"
            or scope["method"] in SAFE_METHODS
            or scope["path"].startswith(CSRF_EXEMPT_PREFIX)
        ):
            await self.app(scope, receive, send)
            return
        expected = scope.get("session", {}).get(CSRF_SESSION_KEY)
        conn = HTTPConnection(scope)
        supplied = conn.headers.get(CSRF_HEADER)
        replay = receive
        if supplied is None:
            body, more = await _read_body(receive)
            if more is not None:
                # The client went away before the body was complete (the size limit raises
                # instead). Without the whole body there is no token to check, and a handler
                # that never reads its body (logout, a delete) must not run: refuse it.
                response = await self.on_error(conn, 400, "请求未完整送达，请重试")
                await response(scope, receive, send)
                return
            try:
                supplied = await _form_token(scope, body)
            except _TooManyFields:
                response = await self.on_error(conn, 400, TOO_MANY_FIELDS)
                await response(scope, receive, send)
                return
            replay = _replay(body, None)
        if not (
            isinstance(expected, str)
            and isinstance(supplied, str)
            and hmac.compare_digest(expected.encode(), supplied.encode())
        ):
            response = await self.on_error(
                conn, 403, "页面已过期或请求来源无效（CSRF 校验失败），请刷新页面后重试"
            )
            await response(scope, receive, send)
            return
        await self.app(scope, replay, send)


async def _read_body(receive: Receive) -> tuple[bytes, Message | None]:
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return b"".join(chunks), message
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            return b"".join(chunks), None


def _replay(body: bytes, trailing: Message | None) -> Receive:
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        if trailing is not None:
            return trailing
        return {"type": "http.disconnect"}

    return receive


class _TooManyFields(Exception):
    pass


async def _form_token(scope: Scope, body: bytes) -> str | None:
    content_type = HTTPConnection(scope).headers.get("content-type", "")
    if content_type.startswith("application/x-www-form-urlencoded"):
        try:
            fields = parse_qs(body.decode("latin-1"), max_num_fields=MAX_FORM_FIELDS)
        except ValueError as exc:  # "Max number of fields exceeded"
            raise _TooManyFields from exc
        values = fields.get(CSRF_FORM_FIELD)
        return values[0] if values else None
    if content_type.startswith("multipart/form-data"):
        request = Request(scope, _replay(body, None))
        try:
            form = await request.form(max_fields=MAX_FORM_FIELDS, max_files=MAX_FORM_FILES)
        except (MultiPartException, HTTPException) as exc:
            # Starlette raises HTTPException(400) instead once the app is in the scope.
            detail = exc.message if isinstance(exc, MultiPartException) else str(exc.detail)
            if detail.startswith("Too many"):
                raise _TooManyFields from exc
            return None
        except Exception:
            return None
        value = form.get(CSRF_FORM_FIELD)
        await form.close()
        return value if isinstance(value, str) else None
    return None


class ViewerMiddleware:
    """Builds the policy Viewer once per request / websocket handshake."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in {"http", "websocket"} and not scope["path"].startswith("/static/"):
            session_id = scope.get("session", {}).get("sid")
            state = scope.setdefault("state", {})
            viewer = await load_viewer(session_id if isinstance(session_id, str) else None)
            client = scope.get("client")
            state["viewer"] = dataclasses.replace(viewer, ip=client[0] if client else "")
        await self.app(scope, receive, send)
