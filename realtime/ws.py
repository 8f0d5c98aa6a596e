"""The `/ws` endpoint: handshake checks, frame parsing, rate limiting and dispatch.

Every client frame is a JSON object; anything wrong with one is answered with an `error`
frame and the connection stays open. See docs/realtime.md for the protocol.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from starlette.websockets import WebSocket

from forum.errors import DomainError, Forbidden, NotFound, RateLimited
from forum.http import UNSTORABLE, storable, viewer_of
from forum.settings import get_settings
from realtime.channels import kind_for
from realtime.connection import (
    CLOSE_FORBIDDEN,
    CLOSE_RATE_LIMITED,
    CLOSE_TOO_LARGE,
    CLOSE_UNAUTHENTICATED,
    Connection,
    TokenBucket,
)
from realtime.hub import Hub, get_hub

logger = logging.getLogger("grassroots.realtime")

FRAME_RATE = 20.0  # frames per second per connection
FRAME_BURST = 40
MAX_SUBSCRIPTIONS = 64
MAX_REF_LENGTH = 64
MAX_ACTION_LENGTH = 64
MAX_DEPTH = 6  # frame -> data -> a list -> ...: deeper JSON is refused, not walked

FRAME_FIELDS: dict[str, frozenset[str]] = {
    "ping": frozenset({"type", "ref"}),
    "subscribe": frozenset({"type", "channel", "last_id", "ref"}),
    "unsubscribe": frozenset({"type", "channel", "ref"}),
    "action": frozenset({"type", "channel", "action", "data", "ref"}),
}


class FrameError(Exception):
    def __init__(self, code: str, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field


def check_door(frame: dict[str, Any]) -> None:
    """The HTTP door's rule for every string of a frame, keys included: `storable()` (no NUL,
    no lone surrogate), before anything reads the frame. The refusal names the field: the
    frame's own key, or for `data` the key inside it (as the actions' own errors do). A key
    that is itself unstorable is named by the field that holds it (or not at all)."""
    stack: list[tuple[Any, str | None, int]] = [(frame, None, 0)]
    while stack:
        value, field, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise FrameError("invalid", "消息嵌套层数过多", field)
        if isinstance(value, str):
            if not storable(value):
                raise FrameError("invalid", UNSTORABLE, field)
        elif isinstance(value, dict):
            for key, item in value.items():
                if not storable(key):
                    raise FrameError("invalid", UNSTORABLE, field)
                inner = key if field is None or (depth == 1 and field == "data") else field
                stack.append((item, inner, depth + 1))
        elif isinstance(value, list):
            stack.extend((item, field, depth + 1) for item in value)


def error_code(exc: DomainError) -> str:
    if isinstance(exc, Forbidden):
        return "forbidden"
    if isinstance(exc, NotFound):
        return "not_found"
    if isinstance(exc, RateLimited):
        return "rate_limited"
    return "invalid"


def origin_allowed(origin: str | None) -> bool:
    return bool(origin) and (origin or "").rstrip("/") in get_settings().allowed_origins


async def websocket_endpoint(websocket: WebSocket) -> None:
    if not origin_allowed(websocket.headers.get("origin")):
        await websocket.close(CLOSE_FORBIDDEN)  # before accept: the handshake fails (403)
        return
    viewer = viewer_of(websocket)
    if not viewer.is_authenticated or viewer.suspended:
        await websocket.accept()  # accept first so browsers can read the close code
        await websocket.close(CLOSE_FORBIDDEN if viewer.suspended else CLOSE_UNAUTHENTICATED)
        return
    await websocket.accept()
    hub = get_hub()
    conn = Connection(websocket, viewer)
    hub.register(conn)
    try:
        await _read_loop(websocket, conn, hub)
    finally:
        await hub.unregister(conn)


async def _read_loop(websocket: WebSocket, conn: Connection, hub: Hub) -> None:
    limit = get_settings().ws_max_frame_bytes
    bucket = TokenBucket(FRAME_RATE, FRAME_BURST)
    warned = False
    while True:
        message = await websocket.receive()
        if message["type"] == "websocket.disconnect":
            return
        if conn.closing:
            continue  # closing: wait for the peer's close
        text = message.get("text")
        raw = text.encode() if isinstance(text, str) else message.get("bytes") or b""
        if len(raw) > limit:
            conn.close(CLOSE_TOO_LARGE)
            continue
        if not bucket.take():
            if bucket.abusive:
                conn.close(CLOSE_RATE_LIMITED)
            elif not warned:
                warned = True
                conn.send(_error(None, "rate_limited", "发送过于频繁，请稍后再试"))
            continue
        warned = False
        if not isinstance(text, str):
            conn.send(_error(None, "invalid", "仅支持 JSON 文本帧"))
            continue
        await handle_frame(conn, hub, text)


def _error(ref: str | None, code: str, message: str, field: str | None = None) -> dict[str, Any]:
    frame: dict[str, Any] = {"type": "error", "code": code, "message": message}
    if field is not None:
        frame["field"] = field
    if ref is not None:
        frame["ref"] = ref
    return frame


async def handle_frame(conn: Connection, hub: Hub, text: str) -> None:
    ref: str | None = None
    try:
        try:
            frame = json.loads(text)
        except (ValueError, RecursionError) as exc:  # RecursionError: absurdly deep nesting
            raise FrameError("invalid", "消息不是有效的 JSON") from exc
        if not isinstance(frame, dict):
            raise FrameError("invalid", "消息必须是 JSON 对象")
        raw_ref = frame.get("ref")
        if isinstance(raw_ref, str) and len(raw_ref) <= MAX_REF_LENGTH and storable(raw_ref):
            ref = raw_ref  # echoed in the answer: only once it passed the door
        elif raw_ref is not None:
            raise FrameError("invalid", "ref 必须是不超过 64 个字符的普通字符串", "ref")
        check_door(frame)
        kind = frame.get("type")
        fields = FRAME_FIELDS.get(kind) if isinstance(kind, str) else None
        if fields is None:
            raise FrameError("invalid", "未知的消息类型")
        unknown = set(frame) - fields
        if unknown:
            names = ", ".join(name[:40] for name in sorted(unknown)[:5])
            raise FrameError("invalid", f"未知的字段：{names}", sorted(unknown)[0][:40])
        if kind == "ping":
            conn.send({"type": "pong", **({"ref": ref} if ref else {})})
        elif kind == "subscribe":
            await _subscribe(conn, hub, frame)
        elif kind == "unsubscribe":
            channel = _channel(frame)
            hub.unsubscribe(conn, channel)
            conn.send({"type": "unsubscribed", "channel": channel, "reason": "client"})
        else:
            await _action(conn, frame, ref)
    except FrameError as exc:
        conn.send(_error(ref, exc.code, exc.message, exc.field))
    except DomainError as exc:
        field = getattr(exc, "field", None)
        conn.send(
            _error(ref, error_code(exc), exc.message, field if isinstance(field, str) else None)
        )
    except Exception:
        logger.exception("websocket frame failed")
        conn.send(_error(ref, "internal", "服务器内部错误，请稍后重试"))


def _channel(frame: dict[str, Any]) -> str:
    channel = frame.get("channel")
    if not isinstance(channel, str) or not channel or len(channel) > 100:
        raise FrameError("invalid", "缺少频道名称")
    return channel


async def _subscribe(conn: Connection, hub: Hub, frame: dict[str, Any]) -> None:
    channel = _channel(frame)
    last_id = frame.get("last_id")
    if last_id is not None and (
        not isinstance(last_id, int) or isinstance(last_id, bool) or last_id < 0
    ):
        raise FrameError("invalid", "last_id 必须是非负整数")
    found = kind_for(channel)
    if found is None:
        raise NotFound("频道不存在或您无权查看")
    kind, object_id = found
    if channel not in conn.positions and len(conn.positions) >= MAX_SUBSCRIPTIONS:
        raise FrameError("invalid", f"每个连接最多订阅 {MAX_SUBSCRIPTIONS} 个频道")
    viewer = conn.viewer
    if not await kind.can_subscribe(viewer, object_id):
        raise NotFound("频道不存在或您无权查看")  # hidden things look missing
    await hub.subscribe(conn, channel, kind, last_id)
    if conn.viewer is not viewer:  # reloaded meanwhile (viewer.changed): check again
        await hub.recheck(conn, channel)


async def _action(conn: Connection, frame: dict[str, Any], ref: str | None) -> None:
    channel = _channel(frame)
    action = frame.get("action")
    if not isinstance(action, str) or not action or len(action) > MAX_ACTION_LENGTH:
        raise FrameError("invalid", "缺少操作名称")
    data = frame.get("data", {})
    if not isinstance(data, dict):
        raise FrameError("invalid", "data 必须是 JSON 对象")
    found = kind_for(channel)
    if found is None:
        raise NotFound("频道不存在或您无权查看")
    kind, object_id = found
    if kind.on_action is None:
        raise FrameError("invalid", "该频道不接受操作")
    result = await kind.on_action(conn.viewer, object_id, action, data)
    conn.send({"type": "ack", "data": result, **({"ref": ref} if ref else {})})
