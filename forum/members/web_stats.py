"""HTML handlers: the statistics dashboard and the CSV/XLSX exports."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from forum.clock import today
from forum.errors import NotFound
from forum.http import (
    attachment_disposition,
    dated_filename,
    int_param,
    read_form,
    text_field,
    viewer_of,
)
from forum.members import charts, exports, queries, stats
from forum.models import ROLE_LABELS, STATUS_LABELS, Org
from forum.policy import Viewer, can_export_members, can_see_member_stats, ensure_visible
from forum.templating import render

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EXPORT_LIMIT = 200_000


async def scope_org(viewer: Viewer, raw: str | None) -> Org:
    """The org asked for, or the top of the viewer's admin scope; 404 outside the scope."""
    if raw:
        org = await Org.get_or_none(id=int_param(raw))
    else:
        orgs = await queries.manageable_orgs(viewer)
        org = orgs[0] if orgs else None
    if org is None:
        raise NotFound()
    ensure_visible(can_see_member_stats(viewer, org))
    return org


def _download(body: bytes, org: Org, title: str, slug: str, fmt: str) -> Response:
    """`第一党支部党员名册-2026-12-02.xlsx` (the local date), `members-4-2026-12-02.xlsx` for
    clients that only read the ASCII `filename`."""
    day = today()
    return Response(
        body,
        media_type=XLSX if fmt == "xlsx" else "text/csv; charset=utf-8",
        headers={
            "Content-Disposition": attachment_disposition(
                dated_filename(f"{org.name}{title}", fmt, day),
                dated_filename(f"{slug}-{org.id}", fmt, day),
            ),
            "Cache-Control": "no-store",
        },
    )


async def dashboard(request: Request) -> Response:
    viewer = viewer_of(request)
    org = await scope_org(viewer, request.query_params.get("org"))
    result = await stats.compute(org)
    blocks = []
    for dim in result.dimensions:
        bars, height = charts.bars(dim)
        blocks.append(
            {
                "dim": dim,
                "bars": bars,
                "height": height,
                "slices": charts.slices(dim) if dim.chart == "pie" else [],
            }
        )
    return render(
        request,
        "members/stats.html",
        {
            "org": org,
            "stats": result,
            "headline": await stats.headline(org),
            "blocks": blocks,
            "orgs": await queries.manageable_orgs(viewer),
            "R": charts.PIE_RADIUS,
            "LABEL_WIDTH": charts.LABEL_WIDTH,
            "CHART_WIDTH": charts.CHART_WIDTH,
            "BAR_HEIGHT": charts.BAR_HEIGHT,
        },
    )


async def stats_export(request: Request) -> Response:
    viewer = viewer_of(request)
    org = await scope_org(viewer, request.query_params.get("org"))
    fmt = request.path_params["fmt"]
    if fmt not in {"csv", "xlsx"}:
        raise NotFound()
    rows = exports.stats_rows(await stats.compute(org))
    if fmt == "csv":
        body = exports.to_csv(exports.STATS_HEADER, rows)
    else:
        body = exports.to_xlsx([("统计", exports.STATS_HEADER, rows)])
    return _download(body, org, "党员统计", "member-stats", fmt)


async def directory_export(request: Request) -> Response:
    viewer = viewer_of(request)
    params = request.query_params
    org = await scope_org(viewer, params.get("org"))
    ensure_visible(can_export_members(viewer, org))
    page = await queries.search_members(
        viewer,
        name=(params.get("q") or "").strip()[:32],
        org=org,
        status=params.get("status") if params.get("status") in STATUS_LABELS else None,
        role=params.get("role") if params.get("role") in ROLE_LABELS else None,
        limit=EXPORT_LIMIT,
        max_limit=EXPORT_LIMIT,
    )
    fmt = request.path_params["fmt"]
    if fmt not in {"csv", "xlsx"}:
        raise NotFound()
    full_ids = params.get("ids") == "full"
    reason = ""
    if full_ids:
        # Full ID numbers leave the system only with a reason, which the audit keeps.
        if request.method != "POST":
            context = {
                "org": org,
                "count": len(page.members),
                "fmt": fmt,
                "query": request.url.query,
            }
            return render(request, "members/export_reason.html", context)
        form = await read_form(request)
        reason = text_field(form, "reason", "导出原因", max_length=500)
    rows, _ = await exports.directory_rows(viewer, org, page, full_ids=full_ids, reason=reason)
    if fmt == "csv":
        body = exports.to_csv(exports.DIRECTORY_HEADER, rows)
    else:
        body = exports.to_xlsx([("党员名册", exports.DIRECTORY_HEADER, rows)])
    return _download(body, org, "党员名册", "members", fmt)


routes: list[BaseRoute] = [
    Route("/members/stats", dashboard, methods=["GET"]),
    Route("/members/stats.{fmt:str}", stats_export, methods=["GET"]),
    Route("/members/export.{fmt:str}", directory_export, methods=["GET", "POST"]),
]
