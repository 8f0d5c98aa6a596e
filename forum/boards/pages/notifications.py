"""Notifications: my notifications, newest first, and marking them all read."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from forum.boards import actions, queries
from forum.boards.pages._common import page
from forum.http import int_param, read_form, viewer_of
from forum.policy import ensure_visible


async def notifications(request: Request) -> Response:
    viewer = viewer_of(request)
    ensure_visible(viewer.is_authenticated)
    before = request.query_params.get("before")
    rows, next_before = await queries.notifications(viewer, int_param(before) if before else None)
    return await page(
        request, "boards/notifications.html", {"rows": rows, "next_before": next_before}
    )


async def notifications_read(request: Request) -> Response:
    await read_form(request)
    await actions.mark_all_notifications_read(viewer_of(request))
    return RedirectResponse("/forum/notifications", status_code=303)
