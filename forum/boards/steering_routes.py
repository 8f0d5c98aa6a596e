"""Steering a topic from the moderation tools: the page /moderation/topics/{id} (moderators
of its board; the site-wide pin needs a site moderator) and the site-pin JSON API."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from forum import apispec
from forum.answers import ask_confirmation, done
from forum.boards import site_pins, steering
from forum.errors import ActionError, NotFound
from forum.http import (
    INT32_MAX,
    int_field,
    int_param,
    read_form,
    read_json,
    text_field,
    viewer_of,
    whole_number,
)
from forum.settings import get_settings
from forum.templating import render


def _local_datetime(raw: object, field: str = "close_at") -> dt.datetime | None:
    if not raw:
        return None
    try:
        value = dt.datetime.fromisoformat(str(raw))
    except ValueError as exc:
        raise ActionError("时间格式有误", field=field) from exc
    if value.tzinfo is None:
        value = value.replace(tzinfo=ZoneInfo(get_settings().timezone))
    try:
        return value.astimezone(dt.UTC)
    except OverflowError as exc:  # 0001-01-01 in Beijing time is before year 1 in UTC
        raise ActionError("时间超出范围", field=field) from exc


async def topic_page(request: Request) -> Response:
    viewer = viewer_of(request)
    topic = await steering.get_topic(viewer, int_param(request.path_params["topic_id"]))
    return render(request, "boards/steering.html", await steering.page_context(viewer, topic))


async def topic_action(request: Request) -> Response:
    viewer = viewer_of(request)
    topic = await steering.get_topic(viewer, int_param(request.path_params["topic_id"]))
    form = await read_form(request)
    reason = text_field(form, "reason", "原因", max_length=1000, required=False)
    action = request.path_params["action"]
    target = f"/t/{topic.id}"
    if action == "move":
        await steering.move_topic(
            viewer, topic, int_field(form, "board_id", "版块", minimum=1, maximum=INT32_MAX), reason
        )
        message = "主题已移动到新的版块。"
    elif action == "merge":
        target_id = int_field(form, "target_id", "主题编号", minimum=1, maximum=INT32_MAX)
        into = await steering.check_merge_topics(viewer, topic, target_id, reason)
        question = (
            f"确定把「{topic.title}」的全部回帖合并到「{into.title}」？"
            "合并后回帖归入目标主题，原主题隐藏并关闭，不能撤销。"
        )
        if (ask := await ask_confirmation(request, question, confirm_label="合并")) is not None:
            return ask
        merged = await steering.merge_topics(viewer, topic, target_id, reason)
        target = f"/t/{merged.id}"
        message = f"已合并到「{merged.title}」。"
    elif action == "split":
        numbers = [
            whole_number(n, "numbers", "楼层", minimum=1, maximum=INT32_MAX)
            for n in form.getlist("numbers")
        ]
        title = text_field(form, "title", "新主题标题", max_length=120)
        new = await steering.split_topic(viewer, topic, numbers, title, reason)
        target = f"/t/{new.id}"
        message = f"已拆分为新主题「{new.title}」。"
    elif action == "slow-mode":
        seconds = int_field(form, "seconds", "秒数", minimum=0, maximum=INT32_MAX, default=0)
        await steering.set_slow_mode(viewer, topic, seconds, reason)
        message = (
            f"已开启慢速模式：每人每 {seconds} 秒发言一次。" if seconds else "已关闭慢速模式。"
        )
    elif action == "timed-close":
        close_at = _local_datetime(form.get("close_at"))
        await steering.set_timed_close(viewer, topic, close_at, reason)
        message = "已设置定时关闭。" if close_at else "已取消定时关闭。"
    elif action == "site-pin":  # site moderators only (policy: can_pin_site_wide)
        until = _local_datetime(form.get("until"), "until")
        await site_pins.pin_site_wide(viewer, topic.id, reason, until)
        message = "主题已全站置顶。"
    elif action == "site-unpin":
        await site_pins.unpin_site_wide(viewer, topic.id, reason)
        message = "已取消全站置顶。"
    else:
        raise NotFound()
    return done(request, target, message)


SITE_PIN_FIELDS = ("action", "reason", "until")
SITE_PIN_BODY = {
    "type": "object",
    "additionalProperties": False,
    "required": ["action"],
    "properties": {
        "action": {"type": "string", "enum": ["pin", "unpin"]},
        "reason": {"type": "string", "maxLength": 1000},
        "until": {"type": "string", "format": "date-time", "maxLength": 40},
    },
}


def _site_pin_until(data: dict[str, Any]) -> dt.datetime | None:
    """The body's `until`: absent means no end; otherwise an ISO 8601 time with its zone."""
    if "until" not in data:
        return None
    raw = data["until"]
    if not isinstance(raw, str) or len(raw) > 40:
        raise ActionError("until 必须是 ISO 8601 时间", field="until")
    try:
        until = dt.datetime.fromisoformat(raw)
    except ValueError as exc:
        raise ActionError("until 必须是 ISO 8601 时间", field="until") from exc
    if until.tzinfo is None:
        raise ActionError("until 必须带时区", field="until")
    return until


@apispec.operation(
    "/api/v1/moderation/topics/{topic_id}/site-pin", "POST",
    summary="Pin or unpin a topic site-wide (site moderators)", tag="moderation",
    body=SITE_PIN_BODY, path_params=("topic_id",),
    response={"type": "object", "properties": {
        "topic_id": {"type": "integer"}, "pinned": {"type": "boolean"},
        "until": {"type": ["string", "null"]}}},
)  # fmt: skip
async def api_site_pin(request: Request) -> Response:
    viewer = viewer_of(request)
    topic_id = int_param(request.path_params["topic_id"])
    data = await read_json(request)
    unknown = sorted(set(data) - set(SITE_PIN_FIELDS))
    if unknown:
        raise ActionError(f"未知字段：{', '.join(unknown)}")
    if data.get("action") not in ("pin", "unpin"):
        raise ActionError("action 的取值无效", field="action")
    reason = text_field(data, "reason", "原因", max_length=1000, required=False)
    if data["action"] == "unpin":
        await site_pins.unpin_site_wide(viewer, topic_id, reason)
        return JSONResponse({"topic_id": topic_id, "pinned": False, "until": None})
    pin = await site_pins.pin_site_wide(viewer, topic_id, reason, _site_pin_until(data))
    until = pin.until.isoformat() if pin.until else None
    return JSONResponse({"topic_id": topic_id, "pinned": True, "until": until}, status_code=201)


routes: list[BaseRoute] = [
    Route("/moderation/topics/{topic_id:int}", topic_page, methods=["GET"]),
    Route("/moderation/topics/{topic_id:int}/{action:str}", topic_action, methods=["POST"]),
    Route("/api/v1/moderation/topics/{topic_id}/site-pin", api_site_pin, methods=["POST"]),
]
