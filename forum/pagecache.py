"""Render once, serve many: visitors' (no session) pages cached per content version.

A part declares which GET pages are the same for every visitor (`CacheablePage`: a path
pattern). For a visitor's request to such a path (a session holding nothing but its CSRF
token: no login, no flash message, no kept form; no htmx), `PageCacheMiddleware` reads the
content version, one statement of two primary-key
maxima: the newest event of the event log (`forum/eventlog.py`: every change that the
realtime layer publishes, posts, edits, hides, likes ...) and the newest audit entry
(`forum/auditlog.py`: every state change, permission changes included, is audited in its
transaction). Both are in the database, so every worker sees a change at once: a page
rendered before it is never served after it. An entry also expires after `MAX_AGE` (60) seconds
(relative times such as "3分钟前" in the page). Only a 200 HTML answer without `Set-Cookie`
is kept. Answers carry `ETag` and `Last-Modified`; `If-None-Match` gets a 304.

The page carries the visitor's own CSRF token (a meta tag, the header's search and login
forms): it is stored as a placeholder and each visitor's token is put back when served (the
ETag includes a hash of it, so a 304 never keeps someone on an old token). The middleware
sits right inside the session layer and outside the CSRF, viewer and kept-form layers, so a
hit costs the session cookie's signature check, one statement and a byte replace. Each
worker holds its own bounded LRU of entries.
"""

from __future__ import annotations

import email.utils
import hashlib
import logging
import re
import time
from collections import OrderedDict
from dataclasses import dataclass

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from forum.db import raw
from forum.parts import Registry
from forum.security.middleware import CSRF_SESSION_KEY, csrf_token

logger = logging.getLogger("grassroots.pagecache")
MAX_AGE = 60.0  # seconds
MAX_ENTRIES = 2000
MAX_BODY = 1024 * 1024
PLACEHOLDER = b"\x00csrf-token\x00"  # never in a rendered page (NUL is not valid HTML text)
_VISITOR_KEYS = frozenset({CSRF_SESSION_KEY})
_VERSION = (
    "SELECT (SELECT MAX(id) FROM realtime_channel_events) AS events, "
    "(SELECT MAX(id) FROM audit_entries) AS audits"
)


@dataclass(frozen=True)
class CacheablePage:
    """A GET page every visitor sees alike (its path matches `pattern` in full)."""

    key: str
    pattern: str

    def install(self) -> None:
        PAGES.add(self.key, self)


PAGES: Registry[CacheablePage] = Registry("cacheable pages")


@dataclass
class Entry:
    version: str
    stored: float
    headers: list[tuple[bytes, bytes]]
    body: bytes
    etag: bytes


async def content_version() -> str:
    row = (await raw(_VERSION, []))[0]
    return f"{row['events'] or 0}.{row['audits'] or 0}"


class PageCacheMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.entries: OrderedDict[tuple[str, bytes], Entry] = OrderedDict()
        self._pattern: re.Pattern[str] | None = None
        self.hits = 0
        self.misses = 0

    def _cacheable(self, scope: Scope) -> bool:
        if scope["type"] != "http" or scope["method"] not in ("GET", "HEAD"):
            return False
        if self._pattern is None:
            joined = "|".join(f"(?:{page.pattern})" for page in PAGES)
            self._pattern = re.compile(joined or r"(?!)")
        if not self._pattern.fullmatch(scope["path"]):
            return False
        session = scope.get("session")
        if not isinstance(session, dict) or not _VISITOR_KEYS.issuperset(session):
            return False  # a login, a flash message or a kept form: its own page
        return not any(name in (b"hx-request", b"authorization") for name, _ in scope["headers"])

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not self._cacheable(scope):
            await self.app(scope, receive, send)
            return
        try:
            version = await content_version()
        except Exception:  # the database is down: the app answers (503) as usual
            logger.warning("page cache: no content version", exc_info=True)
            await self.app(scope, receive, send)
            return
        token = csrf_token(scope["session"]).encode()  # a new visitor gets one (Set-Cookie)
        key = (scope["path"], scope.get("query_string", b""))
        entry = self.entries.get(key)
        if (
            entry is not None
            and entry.version == version
            and time.monotonic() - entry.stored < MAX_AGE
        ):
            self.entries.move_to_end(key)
            self.hits += 1
            await self._answer(scope, send, entry, token)
            return
        self.misses += 1
        await self._render(scope, receive, send, key, version, token)

    async def _answer(self, scope: Scope, send: Send, entry: Entry, token: bytes) -> None:
        mine = hashlib.blake2b(token, digest_size=4).hexdigest().encode()
        etag = entry.etag[:-1] + b"-" + mine + b'"'  # W/"version-digest-token"
        for name, value in scope["headers"]:
            if name == b"if-none-match" and etag in [v.strip() for v in value.split(b",")]:
                headers = [(n, v) for n, v in entry.headers if n in _KEPT_ON_304]
                headers.append((b"etag", etag))
                await send({"type": "http.response.start", "status": 304, "headers": headers})
                await send({"type": "http.response.body", "body": b""})
                return
        body = entry.body.replace(PLACEHOLDER, token)
        headers = [*entry.headers, (b"etag", etag), (b"content-length", str(len(body)).encode())]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send(
            {"type": "http.response.body", "body": b"" if scope["method"] == "HEAD" else body}
        )

    async def _render(
        self,
        scope: Scope,
        receive: Receive,
        send: Send,
        key: tuple[str, bytes],
        version: str,
        token: bytes,
    ) -> None:
        start: Message | None = None
        chunks: list[bytes] = []
        keep = True

        async def capture(message: Message) -> None:
            nonlocal start, keep
            if message["type"] == "http.response.start":
                start = message
                headers = message.get("headers", [])
                content_type = dict(headers).get(b"content-type", b"")
                keep = (
                    message["status"] == 200
                    and scope["method"] == "GET"
                    and content_type.startswith(b"text/html")
                    and not any(n == b"set-cookie" for n, _ in headers)
                )
                if not keep:
                    await send(message)
                return
            if message["type"] != "http.response.body":
                await send(message)
                return
            if not keep:
                await send(message)
                return
            chunks.append(message.get("body", b""))
            if sum(map(len, chunks)) > MAX_BODY:  # too big to keep: send what we have
                keep = False
                await send(start or {})
                await send({"type": "http.response.body", "body": b"".join(chunks),
                            "more_body": message.get("more_body", False)})  # fmt: skip
                return
            if not message.get("more_body", False) and start is not None:
                body = b"".join(chunks).replace(token, PLACEHOLDER)
                entry = self._store(key, version, start, body)
                await self._answer(scope, send, entry, token)

        await self.app(scope, receive, capture)

    def _store(self, key: tuple[str, bytes], version: str, start: Message, body: bytes) -> Entry:
        etag = (
            b'W/"'
            + version.encode()
            + b"-"
            + hashlib.blake2b(body, digest_size=8).hexdigest().encode()
            + b'"'
        )
        headers = [
            (n, v)
            for n, v in start.get("headers", [])
            if n not in (b"etag", b"last-modified", b"cache-control", b"content-length")
        ]
        headers += [
            (b"last-modified", email.utils.formatdate(usegmt=True).encode()),
            (b"cache-control", b"no-cache"),  # the browser revalidates: 304 while unchanged
        ]
        entry = Entry(version, time.monotonic(), headers, body, etag)
        self.entries[key] = entry
        self.entries.move_to_end(key)
        while len(self.entries) > MAX_ENTRIES:
            self.entries.popitem(last=False)
        return entry


_KEPT_ON_304 = frozenset({b"last-modified", b"cache-control", b"vary"})
