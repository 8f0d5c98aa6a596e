"""`Connection`'s bounded send queue against an ASGI peer that never drains its socket.

The websocket is Starlette's real `WebSocket`; only the ASGI server side is replaced by two
callables, the second of which blocks forever on data frames (a client that stopped
reading and whose TCP buffers are full). The e2e suite covers everything else over real
sockets; filling real kernel buffers would take tens of megabytes.
"""

from __future__ import annotations

import asyncio
from typing import Any

from starlette.websockets import WebSocket

from forum.policy import Viewer
from realtime.connection import CLOSE_TOO_SLOW, SEND_QUEUE_SIZE, Connection


class StalledPeer:
    def __init__(self) -> None:
        self.messages: list[dict[str, Any]] = []
        self.first_frame = asyncio.Event()
        self._never = asyncio.Event()

    async def receive(self) -> dict[str, Any]:
        if not self.messages:
            return {"type": "websocket.connect"}
        await self._never.wait()
        raise AssertionError("unreachable")

    async def send(self, message: dict[str, Any]) -> None:
        self.messages.append(message)
        if message["type"] == "websocket.send":
            self.first_frame.set()
            await self._never.wait()  # the socket never drains


async def test_a_client_that_never_reads_is_closed_with_4408() -> None:
    peer = StalledPeer()
    websocket = WebSocket(
        {"type": "websocket", "path": "/ws", "headers": []}, peer.receive, peer.send
    )
    await websocket.accept()
    conn = Connection(websocket, Viewer(user_id=1))
    conn.start()
    assert conn.send({"type": "pong"})
    await asyncio.wait_for(peer.first_frame.wait(), 5)  # the writer is stuck in that send
    accepted = [conn.send({"type": "event", "id": n}) for n in range(SEND_QUEUE_SIZE + 1)]
    assert accepted == [True] * SEND_QUEUE_SIZE + [False]
    assert conn.close_code == CLOSE_TOO_SLOW
    assert not conn.send({"type": "pong"})  # nothing more is queued once closing
    await asyncio.wait_for(conn.finish(), 5)
    assert peer.messages[-1] == {"type": "websocket.close", "code": CLOSE_TOO_SLOW, "reason": ""}
    assert [m["type"] for m in peer.messages].count("websocket.send") == 1
