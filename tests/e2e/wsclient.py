"""A small `/ws` protocol client over the `websockets` library, for e2e tests.

    async with WsClient.connect(server.ws_url, cookie) as ws:
        replayed, subscribed = await ws.subscribe("topic:3", last_id=0)
        ack = await ws.action("meeting:5", "check_in", {...})
        frame = await ws.next_frame(lambda f: f["type"] == "event")

Every wait has a timeout (`TimeoutError` tells what was awaited and what came instead).
"""

from __future__ import annotations

import asyncio
import itertools
import json
from collections.abc import Callable
from types import TracebackType
from typing import Any

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed
from websockets.typing import Origin

from tests.e2e.servers import E2E_ORIGIN

Frame = dict[str, Any]
TIMEOUT = 10.0


class WsClient:
    def __init__(self, connection: ClientConnection) -> None:
        self.connection = connection
        self.backlog: list[Frame] = []  # frames received but not yet consumed
        self._refs = itertools.count(1)

    @classmethod
    def connect(cls, url: str, cookie: str | None, *, origin: str | None = E2E_ORIGIN) -> _Connect:
        return _Connect(url, cookie, origin)

    async def send(self, frame: Frame | str) -> None:
        await self.connection.send(frame if isinstance(frame, str) else json.dumps(frame))

    async def recv(self, timeout: float = TIMEOUT) -> Frame:
        if self.backlog:
            return self.backlog.pop(0)
        raw = await asyncio.wait_for(self.connection.recv(), timeout)
        frame = json.loads(raw)
        assert isinstance(frame, dict)
        return frame

    async def next_frame(self, match: Callable[[Frame], bool], timeout: float = TIMEOUT) -> Frame:
        """The first frame matching `match`; frames skipped on the way stay in the backlog."""
        for index, frame in enumerate(self.backlog):
            if match(frame):
                return self.backlog.pop(index)
        skipped: list[Frame] = []
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        try:
            while True:
                remaining = deadline - loop.time()
                if remaining <= 0:
                    raise TimeoutError(f"no matching frame within {timeout}s; got {skipped}")
                raw = await asyncio.wait_for(self.connection.recv(), remaining)
                frame = json.loads(raw)
                if match(frame):
                    return frame  # type: ignore[no-any-return]
                skipped.append(frame)
        finally:
            self.backlog.extend(skipped)

    async def events(self, channel: str, count: int, timeout: float = TIMEOUT) -> list[Frame]:
        """The next `count` event frames of `channel`, in arrival order."""
        return [
            await self.next_frame(
                lambda f: f.get("type") == "event" and f.get("channel") == channel, timeout
            )
            for _ in range(count)
        ]

    async def subscribe(
        self, channel: str, last_id: int | None = None, timeout: float = TIMEOUT
    ) -> tuple[list[Frame], Frame]:
        """Subscribe; returns the frames that came before `subscribed`, and `subscribed`."""
        frame: Frame = {"type": "subscribe", "channel": channel}
        if last_id is not None:
            frame["last_id"] = last_id
        await self.send(frame)
        before: list[Frame] = []
        while True:
            got = await self.recv(timeout)
            if got.get("type") == "subscribed" and got.get("channel") == channel:
                return before, got
            if got.get("type") == "error":
                raise AssertionError(f"subscribe {channel} refused: {got}")
            before.append(got)

    async def action(
        self, channel: str, action: str, data: Frame | None = None, timeout: float = TIMEOUT
    ) -> Frame:
        """Send an action frame; returns its `ack` or `error` frame (matched by ref)."""
        ref = f"r{next(self._refs)}"
        await self.send(
            {"type": "action", "channel": channel, "action": action, "data": data or {}, "ref": ref}
        )
        return await self.next_frame(
            lambda f: f.get("ref") == ref and f.get("type") in {"ack", "error"}, timeout
        )

    async def closed_with(self, timeout: float = TIMEOUT) -> int | None:
        """Wait for the server to close the connection; returns the close code."""
        try:
            async with asyncio.timeout(timeout):
                while True:
                    await self.connection.recv()
        except ConnectionClosed as exc:
            return exc.rcvd.code if exc.rcvd is not None else None
        return None  # pragma: no cover - the loop only ends by an exception

    async def close(self) -> None:
        await self.connection.close()


class _Connect:
    def __init__(self, url: str, cookie: str | None, origin: str | None) -> None:
        self.url = url
        self.cookie = cookie
        self.origin = origin
        self.client: WsClient | None = None

    async def open(self) -> WsClient:
        headers = [("Cookie", self.cookie)] if self.cookie else []
        connection = await connect(
            self.url,
            additional_headers=headers,
            origin=Origin(self.origin) if self.origin else None,
            open_timeout=TIMEOUT,
            max_size=None,
            compression=None,
        )
        self.client = WsClient(connection)
        return self.client

    async def __aenter__(self) -> WsClient:
        return await self.open()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self.client is not None:
            await self.client.close()
