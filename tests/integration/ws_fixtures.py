"""Real websockets for integration tests: the test's app served by an in-process uvicorn.

uvicorn runs on the session loop next to the test's database context (SQLite or
PostgreSQL), so a frame's action writes to the same database the test reads back, and
the client is the real `websockets` library over a real socket:

    async with ws_server(app, services) as url:
        async with WsPeer.open(url, await cookie_of(client)) as ws:
            await ws.send_raw('{"type": "ping", "ref": "p"}')
            frame = await ws.recv()
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
from collections.abc import AsyncIterator
from typing import Any

import uvicorn
from starlette.types import ASGIApp
from websockets.asyncio.client import ClientConnection, connect
from websockets.typing import Origin

from forum.app import SESSION_COOKIE
from forum.services import Services
from realtime import hub
from tests.helpers import Client

ORIGIN = "http://testserver"  # in FORUM_ALLOWED_ORIGINS of the test settings
TIMEOUT = 10.0


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.asynccontextmanager
async def ws_server(app: ASGIApp, services: Services) -> AsyncIterator[str]:
    """Serve `app` on a free loopback port with the test's broker; yields the `/ws` URL."""
    await hub.start(services)
    port = _free_port()
    config = uvicorn.Config(
        app, host="127.0.0.1", port=port, lifespan="off", log_level="warning", ws_max_size=64 * 1024
    )
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    try:
        async with asyncio.timeout(TIMEOUT):
            while not server.started:
                if task.done():
                    task.result()  # raises why it did not start
                await asyncio.sleep(0.01)
        yield f"ws://127.0.0.1:{port}/ws"
    finally:
        await hub.stop()
        server.should_exit = True
        await asyncio.wait_for(task, TIMEOUT)


async def cookie_of(client: Client) -> str:
    """The Cookie header of a logged-in test client (its session is in the same database)."""
    value = client.http.cookies.get(SESSION_COOKIE)
    assert value, "log the client in first"
    return f"{SESSION_COOKIE}={value}"


class WsPeer:
    """A `/ws` client: raw text out, JSON frames in, every wait bounded."""

    def __init__(self, connection: ClientConnection) -> None:
        self.connection = connection

    @classmethod
    @contextlib.asynccontextmanager
    async def open(cls, url: str, cookie: str) -> AsyncIterator[WsPeer]:
        async with connect(
            url, origin=Origin(ORIGIN), additional_headers={"Cookie": cookie}, max_size=None
        ) as connection:
            yield cls(connection)

    async def send_raw(self, text: str) -> None:
        await self.connection.send(text)

    async def send(self, frame: dict[str, Any]) -> None:
        # ensure_ascii: lone surrogates travel as \\uXXXX escapes, as a browser's
        # JSON.stringify sends them (a UTF-8 text frame cannot carry them raw)
        await self.connection.send(json.dumps(frame))

    async def recv(self, timeout: float = TIMEOUT) -> dict[str, Any]:
        raw = await asyncio.wait_for(self.connection.recv(), timeout)
        assert isinstance(raw, str), "the server sends text frames only"
        frame = json.loads(raw)
        assert isinstance(frame, dict)
        return frame

    async def answer(self, frame: dict[str, Any]) -> dict[str, Any]:
        """Send `frame` and return the ack/error/pong that answers it (events are skipped)."""
        await self.send(frame)
        while True:
            got = await self.recv()
            if got.get("type") in {"ack", "error", "pong"}:
                return got

    async def alive(self) -> bool:
        """A ping is answered with its pong: the reader and the writer both still work."""
        await self.send({"type": "ping", "ref": "alive?"})
        while True:
            got = await self.recv()
            if got.get("type") == "pong":
                return got.get("ref") == "alive?"
