"""Routes of the realtime core: the `/ws` websocket endpoint."""

from __future__ import annotations

from starlette.routing import BaseRoute, WebSocketRoute

from realtime.ws import websocket_endpoint

routes: list[BaseRoute] = [WebSocketRoute("/ws", websocket_endpoint)]
