"""The web app: every installed part's routes, the middleware, error handlers and lifespan."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator, Sequence
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import ClientDisconnect, HTTPConnection
from starlette.responses import Response
from starlette.routing import BaseRoute, Mount
from starlette.staticfiles import StaticFiles
from tortoise.contrib.starlette import RegisterTortoise
from tortoise.exceptions import DBConnectionError, OperationalError

from forum import answers, site
from forum.db import tortoise_config
from forum.errors import ActionError, DomainError, RateLimited
from forum.observability import ObservabilityMiddleware
from forum.pagecache import PageCacheMiddleware
from forum.parts import Part
from forum.security.bodylimit import BodyLimitMiddleware
from forum.security.middleware import (
    CsrfMiddleware,
    SecurityHeadersMiddleware,
    ViewerMiddleware,
    content_security_policy,
)
from forum.services import close_services, open_services
from forum.settings import get_settings, secret_key
from forum.staticfiles import STATIC_DIR
from forum.templating import error_response
from moderation.ratelimit import RequestRateLimitMiddleware

logger = logging.getLogger("grassroots")

SESSION_COOKIE = "grassroots_session"


def collect_routes(parts: Sequence[Part]) -> list[BaseRoute]:
    """Every part's routes (HTML, JSON API, websocket) in `forum.site` order, then static."""
    return [
        *(route for part in parts for route in part.routes),
        Mount("/static", app=StaticFiles(directory=STATIC_DIR), name="static"),
    ]


async def _domain_error(conn: HTTPConnection, exc: Exception) -> Response:
    if not isinstance(exc, DomainError):  # pragma: no cover - registered for DomainError only
        raise exc
    # A browser's form post goes back to its form, the input kept and the message at the field.
    back = await answers.refused_form(conn, exc)
    if back is not None:
        return back
    headers = {"Retry-After": str(exc.retry_after)} if isinstance(exc, RateLimited) else None
    field = exc.field if isinstance(exc, ActionError) else None
    return await error_response(conn, exc.status_code, exc.message, headers=headers, field=field)


async def _http_error(conn: HTTPConnection, exc: Exception) -> Response:
    if not isinstance(exc, HTTPException):  # pragma: no cover
        raise exc
    messages = {
        404: "页面不存在或您无权查看",
        405: "不支持该请求方式",
        413: "提交的内容过大，请精简后重试",
    }
    message = messages.get(exc.status_code) or str(exc.detail)
    headers = dict(exc.headers) if exc.headers else None
    return await error_response(conn, exc.status_code, message, headers=headers)


async def _database_down(conn: HTTPConnection, exc: Exception) -> Response:
    """Fail fast with 503 while the database is unreachable; the pool reconnects by itself."""
    logger.warning("database unavailable on %s: %s", conn.url.path, exc)
    return await error_response(
        conn, 503, "数据库暂时不可用，请稍后重试", headers={"Retry-After": "5"}
    )


async def _transaction_conflict(conn: HTTPConnection, exc: Exception) -> Response:
    """A deadlock or serialization failure rolled the transaction back: nothing was written,
    and trying again will work, so say that instead of answering 500."""
    cause = exc.__cause__
    if cause is None or type(cause).__name__ not in {
        "DeadlockDetectedError",
        "SerializationError",
    }:
        return await _server_error(conn, exc)
    logger.warning("transaction conflict on %s: %s", conn.url.path, cause)
    return await error_response(
        conn, 503, "系统繁忙，操作未保存，请重试", headers={"Retry-After": "1"}
    )


async def _client_gone(conn: HTTPConnection, exc: Exception) -> Response:
    """The client disconnected while its body was being read: nothing was done, and there
    is no one to answer; not a server error."""
    return await error_response(conn, 400, "请求未完整送达，请重试")


async def _server_error(conn: HTTPConnection, exc: Exception) -> Response:
    logger.exception("unhandled error on %s", conn.url.path, exc_info=exc)
    return await error_response(conn, 500, "服务器内部错误，我们已记录此问题，请稍后重试")


@contextlib.asynccontextmanager
async def lifespan(app: Starlette) -> AsyncIterator[dict[str, Any]]:
    settings = get_settings()
    async with RegisterTortoise(app, config=tortoise_config(), generate_schemas=False):
        services = await open_services(settings)
        from realtime import hub

        await hub.start(services)
        from forum.outbox.worker import Embedded

        embedded = Embedded()
        if settings.outbox_embedded:  # the delivery worker inside the web process
            embedded.start()
        try:
            yield {"services": services}
        finally:
            await embedded.close()
            await hub.stop()
            await close_services(services)


def middleware_stack() -> list[Middleware]:
    """Outermost first. `bench/boards_profile.py --layers` times each layer on its own."""
    settings = get_settings()
    return [
        Middleware(ObservabilityMiddleware),
        Middleware(
            SecurityHeadersMiddleware,
            hsts=settings.production,
            csp=content_security_policy(settings.allowed_origins),
        ),
        Middleware(
            SessionMiddleware,
            secret_key=secret_key(),
            session_cookie=SESSION_COOKIE,
            max_age=settings.session_max_age,
            same_site="lax",
            https_only=settings.secure_cookies,
        ),
        # Visitors' cacheable pages (forum/pagecache.py), before any per-user layer.
        Middleware(PageCacheMiddleware),
        # Body size per path (uploads get a larger limit), before anything reads the body.
        Middleware(BodyLimitMiddleware, default=settings.max_body_bytes, on_error=_csrf_error),
        # Per-IP limit on unsafe requests (moderation part), before the CSRF body read.
        Middleware(RequestRateLimitMiddleware),
        Middleware(CsrfMiddleware, on_error=_csrf_error),
        Middleware(ViewerMiddleware),
        Middleware(answers.KeptFormMiddleware),
    ]


def create_app(*, with_lifespan: bool = True) -> Starlette:
    parts = site.install()
    return Starlette(
        debug=False,
        routes=collect_routes(parts),
        middleware=middleware_stack(),
        exception_handlers={
            DomainError: _domain_error,
            HTTPException: _http_error,
            DBConnectionError: _database_down,
            ConnectionError: _database_down,
            OperationalError: _transaction_conflict,
            ClientDisconnect: _client_gone,
            Exception: _server_error,
        },
        lifespan=lifespan if with_lifespan else None,
    )


async def _csrf_error(conn: HTTPConnection, status: int, message: str) -> Response:
    return await error_response(conn, status, message)
