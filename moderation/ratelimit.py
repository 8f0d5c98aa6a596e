"""Rate limits: per-account posting cooldown, slow mode, per-IP limit on unsafe requests.

Counters come from `forum.services.get_services().counter`: Redis when configured (shared
by every worker), in-process otherwise. Refusals are 429 with a Chinese message and
`Retry-After`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from starlette.requests import HTTPConnection
from starlette.types import ASGIApp, Receive, Scope, Send

from forum.clock import utcnow
from forum.errors import Forbidden, RateLimited
from forum.http import client_ip
from forum.parts import Registry
from forum.policy import Viewer, can_post_or_speak, ensure, is_site_moderator
from forum.services import get_services
from forum.settings import get_settings
from moderation.models import TopicSteering
from moderation.newmembers import is_new_account

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
# Live chat (meeting messages) is conversational: instead of the posting cooldown, at most
# CHAT_BURST messages per CHAT_WINDOW seconds per account in each meeting.
CHAT_SCOPE_PREFIXES = ("meeting:",)
CHAT_BURST = 5
CHAT_WINDOW = 10


@dataclass(frozen=True)
class DueCloser:
    """Closes a topic whose timed close is due (the boards part's steering)."""

    key: str
    close: Callable[[int], Awaitable[None]]

    def install(self) -> None:
        DUE_CLOSERS.add(self.key, self)


DUE_CLOSERS: Registry[DueCloser] = Registry("timed-close handlers")


async def _topic_steering(topic_id: int) -> int:
    """Slow-mode seconds of a topic; refuses (and closes) a topic whose timed close is due."""
    row = await TopicSteering.get_or_none(topic_id=topic_id)
    if row is None:
        return 0
    if row.close_at is not None and row.close_at <= utcnow():
        for closer in DUE_CLOSERS:
            await closer.close(topic_id)
        raise Forbidden("该主题已按计划关闭，不能再回复")
    return int(row.slow_mode_seconds)


async def _check_chat_burst(actor: Viewer, scope: str) -> None:
    counter = get_services().counter
    key = f"chat:{scope}:{actor.user_id}"
    if await counter.hit(key, CHAT_WINDOW) > CHAT_BURST:
        _, retry = await counter.peek(key, CHAT_WINDOW)
        raise RateLimited(
            f"发言过于频繁：每 {CHAT_WINDOW} 秒最多发言 {CHAT_BURST} 次，请 {retry} 秒后再试",
            retry_after=retry,
        )


async def check_post_rate(actor: Viewer, *, scope: str, slow_mode_seconds: int = 0) -> None:
    ensure(can_post_or_speak(actor))
    if scope.startswith("topic:") and scope[6:].isdigit():
        slow_mode_seconds = max(slow_mode_seconds, await _topic_steering(int(scope[6:])))
    if is_site_moderator(actor):
        return
    counter = get_services().counter
    if slow_mode_seconds > 0:
        key = f"slow:{scope}:{actor.user_id}"
        if await counter.hit(key, slow_mode_seconds) > 1:
            _, retry = await counter.peek(key, slow_mode_seconds)
            raise RateLimited(
                f"此处已开启慢速模式：每 {slow_mode_seconds} 秒只能发言一次，请 {retry} 秒后再试",
                retry_after=retry,
            )
    if scope.startswith(CHAT_SCOPE_PREFIXES):
        await _check_chat_burst(actor, scope)
        return
    settings = get_settings()
    new = await is_new_account(actor)
    cooldown = settings.new_account_post_cooldown_seconds if new else settings.post_cooldown_seconds
    if cooldown <= 0:
        return
    key = f"post:{actor.user_id}"
    if await counter.hit(key, cooldown) > 1:
        _, retry = await counter.peek(key, cooldown)
        who = "新成员" if new else "每个账号"
        raise RateLimited(
            f"发言过于频繁：{who}每 {cooldown} 秒只能发布一次，请 {retry} 秒后再试",
            retry_after=retry,
        )


class RequestRateLimitMiddleware:
    """429 for an IP that sends too many unsafe requests; reads pass untouched."""

    def __init__(
        self, app: ASGIApp, *, limit: int | None = None, window: int | None = None
    ) -> None:
        self.app = app
        self.limit = limit
        self.window = window

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in SAFE_METHODS:
            await self.app(scope, receive, send)
            return
        # Per IP: at most `limit` unsafe requests (form posts, API writes) per `window` s.
        settings = get_settings()
        limit = self.limit if self.limit is not None else settings.ip_write_limit
        window = self.window if self.window is not None else settings.ip_write_window_seconds
        conn = HTTPConnection(scope)
        key = f"ip:{client_ip(conn)}"
        counter = get_services().counter
        if await counter.hit(key, window) > limit:
            _, retry = await counter.peek(key, window)
            from forum.templating import error_response

            response = await error_response(
                conn,
                429,
                f"来自您网络的提交过于频繁，请 {retry} 秒后再试",
                headers={"Retry-After": str(retry)},
            )
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)
