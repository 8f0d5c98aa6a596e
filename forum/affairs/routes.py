"""党员服务 pages: the service hall (我要咨询 / 我要办事 / 我的事项), filing, one request with
its thread and steps, rating, the handler queue per org, kinds, statistics with CSV export."""

from __future__ import annotations

import csv
import io
import re

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from forum import files
from forum.affairs import actions, queries
from forum.answers import done
from forum.errors import ActionError
from forum.http import int_param, read_form, viewer_of
from forum.models import Org
from forum.notifications import announce
from forum.policy import (
    SERVICE_STATES,
    can_manage_service_kinds,
    can_see_service_request,
    ensure,
    ensure_visible,
)
from forum.security.bodylimit import form_files_limit
from forum.settings import get_settings
from forum.templating import render


async def hall(request: Request) -> Response:
    viewer = viewer_of(request)
    ensure_visible(viewer.is_authenticated)
    await actions.ensure_default_kinds()
    return render(
        request,
        "affairs/hall.html",
        {
            "kinds": await queries.kinds_for(viewer),
            "mine": await queries.mine(viewer),
            "orgs": await queries.handled_orgs(viewer),
            "states": SERVICE_STATES,
        },
    )


async def new(request: Request) -> Response:
    viewer = viewer_of(request)
    kind = await queries.kind_for(viewer, int_param(request.query_params.get("kind")))
    settings = get_settings()
    return render(
        request,
        "affairs/new.html",
        {
            "kind": kind,
            "attachment_mb": f"{settings.attachment_max_bytes / 1048576:g}",
            "attachment_files": settings.attachment_max_files,
        },
    )


async def file(request: Request) -> Response:
    viewer = viewer_of(request)
    form = await read_form(request)
    kind = await queries.kind_for(viewer, int_param(form.get("kind_id")))
    filed, sent = await actions.file_request(viewer, kind, form, await files.vet_form_files(form))
    await sent.send()
    return done(request, f"/affairs/{filed.id}", f"申请已提交，受理组织：{filed.org.name}。")


async def detail(request: Request) -> Response:
    viewer = viewer_of(request)
    context = await queries.request_for(viewer, int_param(request.path_params["id"]))
    return render(request, "affairs/detail.html", {**context, "states": SERVICE_STATES})


async def step(request: Request) -> Response:
    viewer = viewer_of(request)
    form = await read_form(request)
    verb = str(form.get("verb", ""))[:16]
    updated, sent = await actions.take_step(
        viewer, int_param(request.path_params["id"]), verb, str(form.get("reason", ""))
    )
    await announce(sent)
    label = SERVICE_STATES.get(updated.state, updated.state)
    if not can_see_service_request(viewer, updated):  # passed up beyond the viewer's orgs
        return done(request, "/affairs", f"已办理：已上报至{updated.org.name}。")
    return done(request, f"/affairs/{updated.id}", f"已办理，当前状态：{label}。")


async def message(request: Request) -> Response:
    viewer = viewer_of(request)
    form = await read_form(request)
    updated, sent = await actions.post_message(
        viewer,
        int_param(request.path_params["id"]),
        str(form.get("body", "")),
        await files.vet_form_files(form),
    )
    await announce(sent)
    return done(request, f"/affairs/{updated.id}", "留言已发送。")


async def rate(request: Request) -> Response:
    viewer = viewer_of(request)
    form = await read_form(request)
    updated = await actions.rate(
        viewer,
        int_param(request.path_params["id"]),
        str(form.get("rating", "")),
        str(form.get("rating_comment", "")),
    )
    return done(request, f"/affairs/{updated.id}", "感谢你的评价。")


async def queue(request: Request) -> Response:
    viewer = viewer_of(request)
    org = await Org.filter(id=int_param(request.path_params["org_id"])).first()
    ensure_visible(org is not None)
    assert org is not None  # noqa: S101 - checked above
    rows = await queries.queue(viewer, org)
    from forum.clock import utcnow
    from forum.policy import service_overdue

    now = utcnow()
    return render(
        request,
        "affairs/queue.html",
        {
            "org": org,
            "rows": [(r, service_overdue(r, now)) for r in rows],
            "states": SERVICE_STATES,
        },
    )


async def add_kind(request: Request) -> Response:
    viewer = viewer_of(request)
    form = await read_form(request)
    raw = str(form.get("org_id", ""))
    digits = re.fullmatch(r"[0-9]{1,9}", raw) is not None
    org = await Org.filter(id=int(raw)).first() if digits else None
    if org is None:
        ensure(bool(await queries.handled_orgs(viewer)))
        raise ActionError("请选择组织", field="org_id")
    ensure(can_manage_service_kinds(viewer, org))
    kind = await actions.add_kind(viewer, org, form)
    return done(
        request, "/affairs/stats", f"已添加事项“{kind.name}”，{org.name}及下级组织的成员可以申请。"
    )


async def stats(request: Request) -> Response:
    viewer = viewer_of(request)
    orgs = await queries.handled_orgs(viewer)
    ensure_visible(bool(orgs))
    figures = await queries.statistics(viewer)
    if request.query_params.get("format") == "csv":
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(
            ["组织", "申请数", "办理中", "已办结", "退回", "逾期", "平均办理小时", "平均评价"]
        )
        for f in figures:
            writer.writerow(
                [
                    f.org.name,
                    f.total,
                    f.open,
                    f.completed,
                    f.returned,
                    f.overdue,
                    f.average_hours if f.average_hours is not None else "",
                    f.average_rating if f.average_rating is not None else "",
                ]
            )
        return Response(
            "\ufeff" + out.getvalue(),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": "attachment; filename=service-stats.csv"},
        )
    top = max((f.total for f in figures), default=0)
    return render(
        request,
        "affairs/stats.html",
        {
            "figures": figures,
            "orgs": orgs,
            "top": top,
            "months": await queries.monthly(viewer),
            "chart_height": queries.CHART_HEIGHT,
        },
    )


async def attachment(request: Request) -> Response:
    """A file of a request: policy first (the requester and the handling orgs), safe headers."""
    found = await queries.attachment_for(
        viewer_of(request),
        int_param(request.path_params["id"]),
        int_param(request.path_params["file_id"]),
    )
    return files.serve_row(request, found)


# The filing and message forms may carry files: a larger body limit than the app's default.
UPLOAD_LIMIT = form_files_limit("affairs.files", r"/affairs|/affairs/\d+/message")

routes: list[BaseRoute] = [
    Route("/affairs", hall, methods=["GET"]),
    Route("/affairs", file, methods=["POST"]),
    Route("/affairs/new", new, methods=["GET"]),
    Route("/affairs/stats", stats, methods=["GET"]),
    Route("/affairs/kinds", add_kind, methods=["POST"]),
    Route("/affairs/queue/{org_id}", queue, methods=["GET"]),
    Route("/affairs/{id}", detail, methods=["GET"]),
    Route("/affairs/{id}/step", step, methods=["POST"]),
    Route("/affairs/{id}/message", message, methods=["POST"]),
    Route("/affairs/{id}/rate", rate, methods=["POST"]),
    Route("/affairs/{id}/files/{file_id}/{name}", attachment, methods=["GET"]),
]
