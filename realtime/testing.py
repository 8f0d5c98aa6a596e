"""The `echo` channel kind, for tests only (installed by `realtime.part` when FORUM_ENV=test).

Any logged-in viewer may subscribe to `echo:{n}` for n < 1,000,000 (larger ids are refused,
to test refusals), unless their display name starts with "blocked" (a viewer fact that tests
change over HTTP, then announce with the `viewer_changed` action). Actions on `echo:{n}`:

- `emit` `{"text": str, "count": 1..50, "only": [user ids]}`: appends `count` events of type
  `echo.said` in one transaction and publishes them after commit; acks `{"ids": [...]}`.
  With `only`, the policy delivers the events to those users only (audience `user_ids`).
- `whoami`: acks `{"user_id": ..., "pid": ...}` (the pid tells the worker process apart).
- `notify` `{"text": str}`: `notify_user(viewer, "notification.created", ...)`; acks `{}`.
- `viewer_changed`: `notify_user(viewer, "viewer.changed")`; acks `{}`.
- `fail` `{"code": "forbidden" | "not_found" | "invalid" | "rate_limited"}`: raises the
  matching DomainError.
"""

from __future__ import annotations

import os
from typing import Any

from tortoise.transactions import in_transaction

from forum import events, publisher
from forum.errors import ActionError, DomainError, Forbidden, NotFound, RateLimited
from forum.policy import Viewer
from forum.settings import get_settings
from realtime.channels import ChannelKind

if get_settings().env != "test":  # pragma: no cover - a guard against misuse
    raise RuntimeError("realtime.testing is for FORUM_ENV=test only")

PRIVATE_FROM = 1_000_000
FAILURES: dict[str, type[DomainError]] = {
    "forbidden": Forbidden,
    "not_found": NotFound,
    "rate_limited": RateLimited,
}


async def can_subscribe(viewer: Viewer, object_id: int) -> bool:
    return (
        viewer.is_authenticated
        and object_id < PRIVATE_FROM
        and not viewer.display_name.startswith("blocked")
    )


def can_receive(viewer: Viewer, event: dict[str, Any]) -> bool:
    only = event.get("audience", {}).get("user_ids")
    return only is None or viewer.user_id in only


async def on_action(
    viewer: Viewer, object_id: int, action: str, data: dict[str, Any]
) -> dict[str, Any]:
    if action == "emit":
        return await _emit(object_id, data)
    if action == "whoami":
        return {"user_id": viewer.user_id, "pid": os.getpid()}
    if action == "notify":
        if viewer.user_id is not None:
            await publisher.notify_user(
                viewer.user_id, "notification.created", {"text": str(data.get("text", ""))}
            )
        return {}
    if action == "viewer_changed":
        if viewer.user_id is not None:
            await publisher.notify_user(viewer.user_id, "viewer.changed")
        return {}
    if action == "fail":
        error = FAILURES.get(str(data.get("code")))
        if error is None:
            raise ActionError("测试用的错误", field="code")
        raise error()
    raise ActionError("未知的操作")


async def _emit(object_id: int, data: dict[str, Any]) -> dict[str, Any]:
    text = data.get("text", "")
    count = data.get("count", 1)
    only = data.get("only")
    if not isinstance(text, str) or len(text) > 1000:
        raise ActionError("text 格式有误", field="text")
    if not isinstance(count, int) or not 1 <= count <= 50:
        raise ActionError("count 必须在 1 到 50 之间", field="count")
    if only is not None and not (isinstance(only, list) and all(isinstance(u, int) for u in only)):
        raise ActionError("only 必须是用户编号列表", field="only")
    audience = {"user_ids": only} if only is not None else {}
    async with in_transaction():
        appended = [
            await events.append(
                f"echo:{object_id}", "echo.said", {"text": text, "n": n}, audience=audience
            )
            for n in range(count)
        ]
    await publisher.publish(*appended)
    return {"ids": [event.seq for event in appended]}


ECHO_CHANNEL = ChannelKind(
    prefix="echo", can_subscribe=can_subscribe, can_receive=can_receive, on_action=on_action
)
