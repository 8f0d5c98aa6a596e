"""Routes of the realtime core: the `/ws` websocket endpoint."""

from __future__ import annotations

from starlette.routing import BaseRoute, WebSocketRoute

from forum.settings import get_settings
from realtime.ws import websocket_endpoint

if get_settings().env == "test":  # the `echo` channel kind used by the e2e tests only
    import realtime.testing  # noqa: F401

routes: list[BaseRoute] = [WebSocketRoute("/ws", websocket_endpoint)]
