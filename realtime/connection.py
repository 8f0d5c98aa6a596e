"""One websocket connection: its viewer, positions, bounded send queue and writer task."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import re
import time
from typing import Any

from starlette.websockets import WebSocket

from forum.policy import Viewer

logger = logging.getLogger("grassroots.realtime")

SEND_QUEUE_SIZE = 1024  # frames; more than a full replay (500) plus live traffic

# Close codes of the /ws protocol (docs/realtime.md).
CLOSE_GOING_AWAY = 1001
CLOSE_TOO_LARGE = 1009
CLOSE_INTERNAL_ERROR = 1011
CLOSE_UNAUTHENTICATED = 4401
CLOSE_FORBIDDEN = 4403
CLOSE_TOO_SLOW = 4408
CLOSE_RATE_LIMITED = 4429


_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def encode(frame: dict[str, Any]) -> str:
    """The frame as JSON text that UTF-8 can always carry: a lone surrogate (which the door
    refuses, but a frame may be built from anything) is written as its `\\uXXXX` escape
    instead of killing the connection's writer with a UnicodeEncodeError."""
    text = json.dumps(frame, ensure_ascii=False, separators=(",", ":"))
    if _LONE_SURROGATE.search(text) is None:
        return text
    return _LONE_SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


class Connection:
    """Frames are queued (never awaited per client) and sent by this connection's writer.

    `positions` maps each subscribed channel to the last event id delivered (or skipped by
    the policy) on this connection; the hub updates it under the channel's lock.
    """

    def __init__(self, websocket: WebSocket, viewer: Viewer) -> None:
        self.websocket = websocket
        self.viewer = viewer
        self.positions: dict[str, int] = {}
        self.close_code: int | None = None
        self._queue: asyncio.Queue[str] = asyncio.Queue(SEND_QUEUE_SIZE)
        self._writer: asyncio.Task[None] | None = None
        self._closer: asyncio.Task[None] | None = None

    @property
    def queued(self) -> int:
        return self._queue.qsize()

    @property
    def closing(self) -> bool:
        return self.close_code is not None

    def start(self) -> None:
        self._writer = asyncio.create_task(self._write(), name="ws-writer")

    def send(self, frame: dict[str, Any] | str) -> bool:
        """Queue a frame; a client whose queue is full is too slow and gets closed (4408)."""
        if self.closing:
            return False
        try:
            self._queue.put_nowait(frame if isinstance(frame, str) else encode(frame))
        except asyncio.QueueFull:
            logger.warning("closing slow websocket of user %s", self.viewer.user_id)
            self.close(CLOSE_TOO_SLOW)
            return False
        return True

    def close(self, code: int) -> None:
        """Stop sending and close with `code` (idempotent, never blocks the caller)."""
        if self.closing:
            return
        self.close_code = code
        self._closer = asyncio.create_task(self._close(code), name="ws-closer")

    async def _close(self, code: int) -> None:
        await self._stop_writer()
        with contextlib.suppress(Exception):  # the peer may already be gone
            await self.websocket.close(code)

    async def _stop_writer(self) -> None:
        writer, self._writer = self._writer, None
        if writer is not None and writer is not asyncio.current_task():
            writer.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await writer

    async def _write(self) -> None:
        try:
            while True:
                text = await self._queue.get()
                try:
                    await self.websocket.send_text(text)
                except UnicodeEncodeError:  # nothing was sent: drop this frame, keep going
                    logger.error("dropped an unencodable websocket frame: %.200r", text)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            # Usually the peer went away (the reader sees the disconnect). Whatever it was,
            # a connection without its writer would look alive and answer nothing: close it.
            logger.debug("websocket writer stopped: %s", exc)
            self.close(CLOSE_INTERNAL_ERROR)

    async def finish(self) -> None:
        """Release the tasks once the socket is gone."""
        if self._closer is not None:
            with contextlib.suppress(Exception):
                await self._closer
        await self._stop_writer()


class TokenBucket:
    """`rate` frames per second with bursts of `burst`; going `burst` frames into debt is abuse."""

    def __init__(self, rate: float, burst: int) -> None:
        self.rate = rate
        self.burst = burst
        self.tokens = float(burst)
        self._at = time.monotonic()

    def take(self, now: float | None = None) -> bool:
        now = time.monotonic() if now is None else now
        self.tokens = min(float(self.burst), self.tokens + (now - self._at) * self.rate)
        self._at = now
        self.tokens -= 1
        return self.tokens >= 0

    @property
    def abusive(self) -> bool:
        return self.tokens < -self.burst
