"""The notification pages and JSON API: `/notifications` (grouped today / earlier), marking
read one by one or all, the per-kind preferences, and `/api/v1/notifications`."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from forum import apispec, notifications
from forum.answers import done
from forum.clock import utcnow
from forum.http import int_param, is_local_path, read_form, viewer_of
from forum.notifications import KINDS, Notification
from forum.outbox import prefs
from forum.outbox.models import CHANNEL_LABELS, CHANNELS
from forum.policy import can_use_account, ensure, ensure_visible
from forum.templating import local, render

TAG = "notifications"


def _label(n: Notification) -> str:
    kind = KINDS.get(n.kind)
    return kind.label if kind else n.kind


async def page(request: Request) -> Response:
    viewer = viewer_of(request)
    ensure_visible(viewer.is_authenticated)
    assert viewer.user_id is not None  # noqa: S101 - checked above
    before = request.query_params.get("before")
    rows, next_before = await notifications.inbox(
        viewer.user_id, int_param(before) if before else None
    )
    return render(
        request,
        "forum/notifications.html",
        {
            "groups": notifications.by_day(rows, local(utcnow()).date()),
            "next_before": next_before,
            "label": _label,
        },
    )


async def read_all(request: Request) -> Response:
    await read_form(request)
    viewer = viewer_of(request)
    ensure(viewer.is_authenticated)
    assert viewer.user_id is not None  # noqa: S101 - checked above
    count = await notifications.mark_all_read(viewer.user_id)
    message = f"已将 {count} 条通知标为已读。" if count else "没有未读通知。"
    return done(request, "/notifications", message)


async def read_one(request: Request) -> Response:
    form = await read_form(request)
    viewer = viewer_of(request)
    ensure(viewer.is_authenticated)
    assert viewer.user_id is not None  # noqa: S101 - checked above
    ensure_visible(
        await notifications.mark_read(viewer.user_id, int_param(request.path_params["id"]))
    )
    back = form.get("next")
    target = back if isinstance(back, str) and is_local_path(back) else "/notifications"
    return RedirectResponse(target, status_code=303)


async def settings_page(request: Request) -> Response:
    viewer = viewer_of(request)
    ensure_visible(viewer.is_authenticated)
    assert viewer.user_id is not None  # noqa: S101 - checked above
    return render(
        request,
        "forum/notification_settings.html",
        {
            "groups": await notifications.preferences(viewer.user_id),
            "channels": [(c, CHANNEL_LABELS[c]) for c in CHANNELS],
            "chosen": await prefs.channel_choices(viewer.user_id),
            "profile": await prefs.profile(viewer.user_id),
        },
    )


async def settings_save(request: Request) -> Response:
    form = await read_form(request)
    viewer = viewer_of(request)
    ensure(viewer.is_authenticated)
    assert viewer.user_id is not None  # noqa: S101 - checked above
    wanted = {v for v in form.getlist("kind") if isinstance(v, str)}
    by_channel = {c: {v for v in form.getlist(c) if isinstance(v, str)} for c in CHANNELS}
    # A bad time answers with the form again, the input kept, the message at the field.
    prefs.parse_profile(str(form.get("quiet_start", "")), str(form.get("quiet_end", "")))
    await notifications.save_preferences(viewer.user_id, wanted)
    await prefs.save(
        viewer.user_id,
        KINDS.keys(),
        by_channel,
        quiet_start=str(form.get("quiet_start", "")),
        quiet_end=str(form.get("quiet_end", "")),
        digest=form.get("digest") == "1",
    )
    return done(request, "/notifications/settings", "通知设置已保存。")


NOTIFICATION = apispec.schema(
    "Notification",
    {
        "type": "object",
        "required": ["id", "kind", "text", "url", "count", "read"],
        "properties": {
            "id": {"type": "integer"},
            "kind": {"type": "string", "description": "a declared kind: mention, like, ..."},
            "label": {"type": "string"},
            "actor": {"type": "string", "nullable": True},
            "title": {"type": "string"},
            "text": {"type": "string"},
            "url": {"type": "string"},
            "count": {"type": "integer"},
            "subject": {"type": "string", "nullable": True},
            "topic_id": {"type": "integer", "nullable": True},
            "topic_title": {"type": "string", "nullable": True},
            "post_number": {"type": "integer", "nullable": True},
            "read": {"type": "boolean"},
            "created_at": {"type": "string", "format": "date-time"},
        },
    },
)


def notification_json(n: Notification) -> dict[str, Any]:
    topic_id = None
    if n.subject and n.subject.startswith("topic:"):  # the forum's rows keep their old fields
        topic_id = int(n.subject.split(":", 1)[1])
    return {
        "id": n.id,
        "kind": n.kind,
        "label": _label(n),
        "actor": n.actor.display_name if n.actor else None,
        "title": n.title,
        "text": n.text,
        "url": n.url,
        "count": n.count,
        "subject": n.subject,
        "topic_id": topic_id,
        "topic_title": n.title if topic_id is not None else None,
        "post_number": n.number if topic_id is not None else None,
        "read": n.read_at is not None,
        "created_at": n.created_at.isoformat(),
    }


@apispec.operation(
    "/api/v1/notifications",
    "GET",
    summary="My notifications, newest first (keyset `before`)",
    tag=TAG,
    query={"before": {"type": "integer", "minimum": 1}},
    response={
        "type": "object",
        "required": ["items", "unread"],
        "properties": {
            "items": {"type": "array", "items": NOTIFICATION},
            "unread": {"type": "integer"},
            "next": {"type": "integer", "nullable": True},
        },
    },
)
async def api_notifications(request: Request) -> Response:
    viewer = viewer_of(request)
    ensure(can_use_account(viewer))
    assert viewer.user_id is not None  # noqa: S101 - guaranteed by the policy
    before = request.query_params.get("before")
    rows, next_before = await notifications.inbox(
        viewer.user_id, int_param(before) if before else None
    )
    return JSONResponse(
        {
            "items": [notification_json(n) for n in rows],
            "unread": await notifications.unread_count(viewer.user_id),
            "next": next_before,
        }
    )


routes: list[BaseRoute] = [
    Route("/notifications", page, methods=["GET"]),
    Route("/notifications/read", read_all, methods=["POST"]),
    Route("/notifications/{id}/read", read_one, methods=["POST"]),
    Route("/notifications/settings", settings_page, methods=["GET"]),
    Route("/notifications/settings", settings_save, methods=["POST"]),
    Route("/api/v1/notifications", api_notifications, methods=["GET"]),
]
