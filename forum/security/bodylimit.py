"""Request body limits per path: small for every form and JSON call, larger for uploads.

Starlette's own `max_body_size` is one number for the whole app, and the CSRF middleware has to
read a form's body before routing, so a route-level limit would come too late. This middleware
runs before the CSRF check: it refuses a declared Content-Length above the limit without reading
anything, and stops a chunked body as soon as it grows past the limit. The answer is the usual
413 page (Chinese HTML, or JSON under /api/).
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from starlette.datastructures import Headers
from starlette.requests import HTTPConnection
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from forum.parts import Registry

DEFAULT_MESSAGE = "提交的内容过大，请精简后重试"

ErrorResponder = Callable[[HTTPConnection, int, str], Awaitable[Any]]


@dataclass(frozen=True)
class BodyLimit:
    """A larger (or smaller) limit for unsafe requests whose path fully matches `pattern`."""

    key: str
    pattern: str
    limit: Callable[[], int]
    message: Callable[[], str]

    def install(self) -> None:
        LIMITS.add(self.key, self)

    def matches(self, path: str) -> bool:
        return re.fullmatch(self.pattern, path) is not None


LIMITS: Registry[BodyLimit] = Registry("body limits")


def form_files_limit(key: str, pattern: str) -> BodyLimit:
    """The limit for forms that may carry files (`forum.files.vet_form_files`): as many
    files as allowed, each at its largest, plus the form itself."""
    from forum.settings import get_settings

    def limit() -> int:
        s = get_settings()
        return s.attachment_max_bytes * s.attachment_max_files + s.max_body_bytes

    def message() -> str:
        s = get_settings()
        return (
            f"提交的内容过大：每个附件不超过 {s.attachment_max_bytes / 1048576:g} MB，"
            f"每次最多 {s.attachment_max_files} 个"
        )

    return BodyLimit(key, pattern, limit, message)


class BodyTooLarge(Exception):
    """Raised from `receive` once the body passes the limit; answered with 413."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def limit_for(path: str, default: int) -> tuple[int, str]:
    for rule in LIMITS:
        if rule.matches(path):
            return rule.limit(), rule.message()
    return default, DEFAULT_MESSAGE


class BodyLimitMiddleware:
    def __init__(self, app: ASGIApp, *, default: int, on_error: ErrorResponder) -> None:
        self.app = app
        self.default = default
        self.on_error = on_error

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit, message = limit_for(scope["path"], self.default)
        conn = HTTPConnection(scope)
        declared = Headers(scope=scope).get("content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            response = await self.on_error(conn, 413, message)
            await response(scope, receive, send)
            return
        total = 0
        started = False

        async def limited_receive() -> Message:
            nonlocal total
            incoming = await receive()
            if incoming["type"] == "http.request":
                total += len(incoming.get("body", b""))
                if total > limit:
                    raise BodyTooLarge(message)
            return incoming

        async def tracking_send(outgoing: Message) -> None:
            nonlocal started
            if outgoing["type"] == "http.response.start":
                started = True
            await send(outgoing)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except BodyTooLarge as exc:
            if started:
                raise
            response = await self.on_error(conn, 413, exc.message)
            await response(scope, receive, send)
