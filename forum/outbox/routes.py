"""The one-click unsubscribe link of every e-mail (RFC 8058) and the SMS reply page.

`GET /unsubscribe/{token}` shows what the link turns off and a button; `POST` turns it off.
The POST needs no login and no CSRF token (a mail client's one-click request has neither):
the signed token is the credential, and all it can do is turn one person's mail off.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from forum import notifications
from forum.outbox import links, prefs
from forum.outbox.models import CHANNEL_LABELS
from forum.templating import render


def _what(kind: str) -> str:
    if kind == links.ALL_KINDS:
        return "全部邮件（含每日摘要）"
    declared = notifications.KINDS.get(kind)
    return declared.label if declared else kind


async def unsubscribe_page(request: Request) -> Response:
    read = links.read_unsubscribe_token(str(request.path_params["token"]))
    if read is None:
        return render(request, "outbox/unsubscribe.html", {"invalid": True}, status_code=404)
    _, kind, channel = read
    return render(
        request,
        "outbox/unsubscribe.html",
        {
            "invalid": False,
            "done": False,
            "what": _what(kind),
            "channel": CHANNEL_LABELS.get(channel, channel),
        },
    )


async def unsubscribe(request: Request) -> Response:
    read = links.read_unsubscribe_token(str(request.path_params["token"]))
    if read is None:
        return render(request, "outbox/unsubscribe.html", {"invalid": True}, status_code=404)
    user_id, kind, channel = read
    await prefs.unsubscribe(user_id, kind, channel, notifications.KINDS.keys())
    return render(
        request,
        "outbox/unsubscribe.html",
        {
            "invalid": False,
            "done": True,
            "what": _what(kind),
            "channel": CHANNEL_LABELS.get(channel, channel),
        },
    )


routes: list[BaseRoute] = [
    Route("/unsubscribe/{token}", unsubscribe_page, methods=["GET"]),
    Route("/unsubscribe/{token}", unsubscribe, methods=["POST"]),
]
