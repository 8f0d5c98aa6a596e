"""`Connection`'s bounded send queue against an ASGI peer that never drains its socket.

The websocket is Starlette's real `WebSocket`; only the ASGI server side is replaced by two
callables, the second of which blocks forever on data frames (a client that stopped
reading and whose TCP buffers are full). The e2e suite covers everything else over real
sockets; filling real kernel buffers would take tens of megabytes.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

from starlette.websockets import WebSocket

from forum.policy import Viewer
from realtime.connection import (
    CLOSE_INTERNAL_ERROR,
    CLOSE_TOO_SLOW,
    SEND_QUEUE_SIZE,
    Connection,
    encode,
)


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


class EncodingPeer:
    """Encodes each text frame to UTF-8 as a real server does (a lone surrogate raises)."""

    def __init__(self) -> None:
        self.sent: list[str] = []
        self.closed: list[int] = []
        self.count = asyncio.Event()

    async def receive(self) -> dict[str, Any]:
        return {"type": "websocket.connect"}

    async def send(self, message: dict[str, Any]) -> None:
        if message["type"] == "websocket.send":
            message["text"].encode("utf-8")
            self.sent.append(message["text"])
            self.count.set()
        elif message["type"] == "websocket.close":
            self.closed.append(message["code"])


def test_encode_always_gives_utf8_text() -> None:
    frame = {"type": "pong", "ref": "a\ud800b\udfff", "ok": "党建😀"}
    text = encode(frame)
    text.encode("utf-8")  # no UnicodeEncodeError
    assert json.loads(text) == frame  # the same strings, the surrogates as \\u escapes
    assert "党建😀" in text  # everything else stays readable (no ensure_ascii)
    assert encode({"a": "b"}) == '{"a":"b"}'


async def test_the_writer_survives_an_unencodable_frame() -> None:
    peer = EncodingPeer()
    websocket = WebSocket(
        {"type": "websocket", "path": "/ws", "headers": []}, peer.receive, peer.send
    )
    await websocket.accept()
    conn = Connection(websocket, Viewer(user_id=1))
    conn.start()
    assert conn.send('{"type":"pong","ref":"\ud800"}')  # a pre-encoded frame gone wrong
    assert conn.send({"type": "pong", "ref": "next"})
    async with asyncio.timeout(5):
        while not peer.sent:
            await peer.count.wait()
    assert peer.sent == ['{"type":"pong","ref":"next"}']
    assert not conn.closing
    await conn.finish()


async def test_a_writer_that_fails_closes_its_connection() -> None:
    peer = EncodingPeer()
    websocket = WebSocket(
        {"type": "websocket", "path": "/ws", "headers": []}, peer.receive, peer.send
    )
    await websocket.accept()

    async def broken(message: dict[str, Any]) -> None:
        if message["type"] == "websocket.send":
            raise RuntimeError("the transport broke")
        await peer.send(message)

    websocket._send = broken
    conn = Connection(websocket, Viewer(user_id=1))
    conn.start()
    conn.send({"type": "pong"})
    async with asyncio.timeout(5):
        while not conn.closing:
            await asyncio.sleep(0.01)
    assert conn.close_code == CLOSE_INTERNAL_ERROR
    await asyncio.wait_for(conn.finish(), 5)
    assert peer.closed == [CLOSE_INTERNAL_ERROR]
