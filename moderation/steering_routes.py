"""Pages for steering a boards topic: /moderation/topics/{id} (moderators of its board;
the site-wide pin needs a site moderator)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from forum.errors import ActionError, NotFound
from forum.http import (
    INT32_MAX,
    int_field,
    int_param,
    read_form,
    text_field,
    viewer_of,
    whole_number,
)
from forum.settings import get_settings
from forum.templating import render
from moderation import site_pins, steering


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
    return render(request, "moderation/topic.html", await steering.page_context(viewer, topic))


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
    elif action == "merge":
        merged = await steering.merge_topics(
            viewer,
            topic,
            int_field(form, "target_id", "主题编号", minimum=1, maximum=INT32_MAX),
            reason,
        )
        target = f"/t/{merged.id}"
    elif action == "split":
        numbers = [
            whole_number(n, "numbers", "楼层", minimum=1, maximum=INT32_MAX)
            for n in form.getlist("numbers")
        ]
        title = text_field(form, "title", "新主题标题", max_length=120)
        new = await steering.split_topic(viewer, topic, numbers, title, reason)
        target = f"/t/{new.id}"
    elif action == "slow-mode":
        await steering.set_slow_mode(
            viewer,
            topic,
            int_field(form, "seconds", "秒数", minimum=0, maximum=INT32_MAX, default=0),
            reason,
        )
    elif action == "timed-close":
        await steering.set_timed_close(viewer, topic, _local_datetime(form.get("close_at")), reason)
    elif action == "site-pin":  # site moderators only (policy: can_pin_site_wide)
        until = _local_datetime(form.get("until"), "until")
        await site_pins.pin_site_wide(viewer, topic.id, reason, until)
    elif action == "site-unpin":
        await site_pins.unpin_site_wide(viewer, topic.id, reason)
    else:
        raise NotFound()
    return RedirectResponse(target, status_code=303)


routes: list[BaseRoute] = [
    Route("/moderation/topics/{topic_id:int}", topic_page, methods=["GET"]),
    Route("/moderation/topics/{topic_id:int}/{action:str}", topic_action, methods=["POST"]),
]
