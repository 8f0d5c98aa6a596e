"""通知公告 pages: my notices, publish, one notice (one-tap confirm), receipts, remind."""

from __future__ import annotations

import re

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from forum import files
from forum.answers import done
from forum.errors import ActionError
from forum.http import int_param, read_form, viewer_of
from forum.models import ROLE_LABELS, STATUS_LABELS, Org
from forum.notices import actions, queries
from forum.notifications import announce
from forum.policy import can_publish_notice, ensure, ensure_visible
from forum.security.bodylimit import form_files_limit
from forum.settings import get_settings
from forum.templating import render


async def index(request: Request) -> Response:
    viewer = viewer_of(request)
    ensure_visible(viewer.is_authenticated)
    return render(
        request,
        "notices/index.html",
        {
            "received": await queries.my_notices(viewer),
            "published": await queries.published_by_me(viewer),
            "can_publish": bool(await queries.publishable_orgs(viewer)),
        },
    )


async def new(request: Request) -> Response:
    viewer = viewer_of(request)
    orgs = await queries.publishable_orgs(viewer)
    ensure_visible(bool(orgs))
    return render(
        request,
        "notices/new.html",
        {
            "orgs": orgs,
            "statuses": [(s, STATUS_LABELS[s]) for s in actions.MEMBER_STATUSES],
            "roles": [(r, ROLE_LABELS[r]) for r in actions.NOTICE_ROLES],
            "attachment_mb": f"{get_settings().attachment_max_bytes / 1048576:g}",
            "attachment_files": get_settings().attachment_max_files,
        },
    )


async def publish(request: Request) -> Response:
    viewer = viewer_of(request)
    form = await read_form(request)
    raw_org = str(form.get("org_id", ""))
    org = None
    if re.fullmatch(r"[0-9]{1,9}", raw_org):
        org = await Org.filter(id=int(raw_org), is_active=True).first()
    if org is None:
        ensure(bool(await queries.publishable_orgs(viewer)))
        raise ActionError("请选择发布组织", field="org_id")
    ensure(can_publish_notice(viewer, org))
    statuses = [s for s in form.getlist("statuses") if isinstance(s, str)]
    roles = [r for r in form.getlist("roles") if isinstance(r, str)]
    draft = actions.clean_draft(form, statuses, roles)
    notice, sent = await actions.publish_notice(
        viewer, org, draft, await files.vet_form_files(form)
    )
    await sent.send()
    return done(request, f"/notices/{notice.id}", f"通知已发布给 {notice.recipient_count} 人。")


async def detail(request: Request) -> Response:
    viewer = viewer_of(request)
    notice, row = await queries.notice_for(viewer, int_param(request.path_params["id"]))
    return render(
        request,
        "notices/detail.html",
        {
            "notice": notice,
            "mine": row,
            "audience": actions.audience_label(notice),
            "can": queries.decisions(viewer, notice, row),
            "attachments": await queries.attachments_of(notice),
        },
    )


async def attachment(request: Request) -> Response:
    """A file of a notice: whoever may read the notice; safe headers."""
    found = await queries.attachment_for(
        viewer_of(request),
        int_param(request.path_params["id"]),
        int_param(request.path_params["file_id"]),
    )
    return files.serve_row(request, found)


# The publish form may carry files: a larger body limit than the app's default.
UPLOAD_LIMIT = form_files_limit("notices.files", r"/notices")


async def confirm(request: Request) -> Response:
    await read_form(request)
    viewer = viewer_of(request)
    notice = await actions.confirm_notice(viewer, int_param(request.path_params["id"]))
    return done(request, f"/notices/{notice.id}", "已确认收到，谢谢。")


async def receipts(request: Request) -> Response:
    viewer = viewer_of(request)
    notice, row = await queries.notice_for(viewer, int_param(request.path_params["id"]))
    return render(
        request,
        "notices/receipts.html",
        {
            "notice": notice,
            "receipts": await queries.receipts(viewer, notice),
            "can": queries.decisions(viewer, notice, row),
            "attachments": await queries.attachments_of(notice),
        },
    )


async def remind(request: Request) -> Response:
    await read_form(request)
    viewer = viewer_of(request)
    notice_id = int_param(request.path_params["id"])
    count, sent = await actions.remind_notice(viewer, notice_id)
    await announce(sent)
    return done(request, f"/notices/{notice_id}/receipts", f"已提醒 {count} 位尚未确认的接收人。")


routes: list[BaseRoute] = [
    Route("/notices", index, methods=["GET"]),
    Route("/notices", publish, methods=["POST"]),
    Route("/notices/new", new, methods=["GET"]),
    Route("/notices/{id}", detail, methods=["GET"]),
    Route("/notices/{id}/confirm", confirm, methods=["POST"]),
    Route("/notices/{id}/receipts", receipts, methods=["GET"]),
    Route("/notices/{id}/remind", remind, methods=["POST"]),
    Route("/notices/{id}/files/{file_id}/{name}", attachment, methods=["GET"]),
]
