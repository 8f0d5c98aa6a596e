"""The fan-out ceiling: a bare Starlette websocket broadcast, served by the same uvicorn.

Every socket that sends `{"type": "subscribe", ...}` gets `{"type": "subscribed"}` and joins
the process's one set; any other text frame is written as it is to every socket of the set
(no database, no policy, no Redis: what the server could do at best with this transport).
`bench/meetings_ws_bench.py` runs two of these next to the real servers in the same run.
"""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect

SOCKETS: set[WebSocket] = set()


async def healthz(request: Request) -> PlainTextResponse:
    return PlainTextResponse("ok")


async def ws(websocket: WebSocket) -> None:
    await websocket.accept()
    try:
        while True:
            text = await websocket.receive_text()
            if text.startswith('{"type": "subscribe"'):
                SOCKETS.add(websocket)
                await websocket.send_text('{"type": "subscribed"}')
                continue
            for other in list(SOCKETS):
                try:
                    await other.send_text(text)
                except Exception:
                    SOCKETS.discard(other)
    except WebSocketDisconnect:
        pass
    finally:
        SOCKETS.discard(websocket)


app = Starlette(routes=[Route("/healthz", healthz), WebSocketRoute("/ws", ws)])
