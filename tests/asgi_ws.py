"""A websocket client for the ASGI app in-process: the real `/ws` endpoint, session
middleware, hub and channel kinds, with the ASGI server side played by two queues (the
e2e suite does the same over real sockets with uvicorn, see tests/e2e/wsclient.py)."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from starlette.types import ASGIApp

from tests.helpers import Client


class AsgiWebSocket:
    def __init__(self, app: ASGIApp, client: Client, origin: str = "http://testserver") -> None:
        cookie = "; ".join(f"{name}={value}" for name, value in client.http.cookies.items())
        self.scope: dict[str, Any] = {
            "type": "websocket",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "scheme": "ws",
            "path": "/ws",
            "raw_path": b"/ws",
            "root_path": "",
            "query_string": b"",
            "headers": [
                (b"host", b"testserver"),
                (b"origin", origin.encode()),
                (b"cookie", cookie.encode()),
            ],
            "client": ("127.0.0.1", 50001),
            "server": ("testserver", 80),
            "subprotocols": [],
            "state": {},
        }
        self.app = app
        self.texts: list[str] = []  # every text frame the server sent, as sent
        self._to_app: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self._from_app: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self._task: asyncio.Task[None] | None = None

    async def __aenter__(self) -> AsgiWebSocket:
        self._to_app.put_nowait({"type": "websocket.connect"})
        self._task = asyncio.create_task(self.app(self.scope, self._to_app.get, self._send))
        accepted = await asyncio.wait_for(self._from_app.get(), 10)
        assert accepted["type"] == "websocket.accept", accepted
        return self

    async def __aexit__(self, *exc: object) -> None:
        self._to_app.put_nowait({"type": "websocket.disconnect", "code": 1000})
        if self._task is not None:
            await asyncio.wait_for(self._task, 10)

    async def _send(self, message: dict[str, Any]) -> None:
        if message["type"] == "websocket.send":
            self.texts.append(message["text"])
        await self._from_app.put(message)

    async def send(self, frame: dict[str, Any]) -> None:
        await self._to_app.put({"type": "websocket.receive", "text": json.dumps(frame)})

    async def next_frame(self, timeout: float = 10) -> dict[str, Any]:
        message = await asyncio.wait_for(self._from_app.get(), timeout)
        assert message["type"] == "websocket.send", message
        frame: dict[str, Any] = json.loads(message["text"])
        return frame

    async def subscribe(self, channel: str, last_id: int | None) -> list[dict[str, Any]]:
        """Subscribe; returns the replayed frames up to and including `subscribed`."""
        await self.send({"type": "subscribe", "channel": channel, "last_id": last_id})
        frames = []
        while True:
            frame = await self.next_frame()
            frames.append(frame)
            if frame.get("type") in ("subscribed", "error"):
                return frames

    async def until(self, predicate: Any, timeout: float = 10) -> list[dict[str, Any]]:
        """Frames up to the first that matches `predicate` (waits up to `timeout`)."""
        frames = []
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            frame = await self.next_frame(max(0.01, deadline - loop.time()))
            frames.append(frame)
            if predicate(frame):
                return frames
