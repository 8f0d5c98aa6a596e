"""HTML handlers: upload a spreadsheet -> dry-run report -> confirm -> progress."""

from __future__ import annotations

from starlette.background import BackgroundTask
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from forum.answers import done, keep_in_place
from forum.errors import ActionError, NotFound
from forum.http import int_param, read_form, viewer_of
from forum.members import importer, queries
from forum.members.models import ImportBatch
from forum.models import Org
from forum.policy import Viewer, can_import_members, ensure_visible
from forum.templating import render


async def upload_page(request: Request) -> Response:
    viewer = viewer_of(request)
    orgs = await queries.manageable_orgs(viewer)
    if not orgs:
        raise NotFound()
    recent = await ImportBatch.filter(created_by_id=viewer.user_id).order_by("-id").limit(10)
    context = {"orgs": orgs, "recent": recent}
    return render(request, "members/import.html", context)


async def upload(request: Request) -> Response:
    viewer = viewer_of(request)
    orgs = await queries.manageable_orgs(viewer)
    if not orgs:
        raise NotFound()
    form = await read_form(request)
    selected = form.get("org_id")
    try:
        org = await Org.get_or_none(id=int_param(selected))
        if org is None or not can_import_members(viewer, org):
            raise ActionError("请选择您管理的组织", field="org_id")
        file = form.get("file")
        if not isinstance(file, UploadFile) or not file.filename:
            raise ActionError("请选择要上传的文件", field="file")
        # The body limit bounds the bytes; forum.uploads bounds the work of parsing them.
        batch = await importer.create_batch(viewer, org, file.filename, await file.read())
    except (ActionError, NotFound) as exc:
        # The same form again (a file cannot be kept), the org chosen and the message at
        # its field.
        error = exc if isinstance(exc, ActionError) else ActionError(exc.message, field="org_id")
        keep_in_place(request, error, {"org_id": selected if isinstance(selected, str) else ""})
        context = {"orgs": orgs, "recent": []}
        return render(request, "members/import.html", context, status_code=400)
    message = f"已检查「{batch.filename}」：共 {batch.total_rows} 行，有效 {batch.valid_rows} 行。"
    return done(request, f"/members/import/{batch.id}", message + "确认后才写入。")


async def _batch(viewer: Viewer, batch_id: int) -> tuple[ImportBatch, Org]:
    batch = await ImportBatch.get_or_none(id=batch_id)
    if batch is None:
        raise NotFound()
    org = await Org.get(id=batch.org_id)
    ensure_visible(can_import_members(viewer, org))
    return batch, org


async def report(request: Request) -> Response:
    batch, org = await _batch(viewer_of(request), int_param(request.path_params["bid"]))
    return render(request, "members/import_report.html", {"batch": batch, "org": org})


async def run(request: Request) -> Response:
    viewer = viewer_of(request)
    batch, _org = await _batch(viewer, int_param(request.path_params["bid"]))
    form = await read_form(request)
    only_valid = form.get("only_valid") == "1"
    invalid = batch.total_rows - batch.valid_rows
    if batch.state not in {"validated", "failed"}:
        raise ActionError("该批次已经导入或正在导入")
    if invalid and not only_valid:
        raise ActionError(f"有 {invalid} 行无效，未导入任何数据")
    if not batch.valid_rows:
        raise ActionError("没有可导入的有效行")
    await ImportBatch.filter(id=batch.id).update(state="running", processed=0)
    batch.state = "running"
    task = BackgroundTask(_run_quietly, viewer, batch, only_valid)
    response = done(request, f"/members/import/{batch.id}", "已开始导入，完成后本页显示结果。")
    response.background = task
    return response


async def _run_quietly(viewer: Viewer, batch: ImportBatch, only_valid: bool) -> None:
    """The import after the response: failures are recorded on the batch for the page."""
    try:
        batch.state = "validated"
        await importer.run_batch(viewer, batch, only_valid=only_valid)
    except ActionError:
        return


routes: list[BaseRoute] = [
    Route("/members/import", upload_page, methods=["GET"]),
    Route("/members/import", upload, methods=["POST"]),
    Route("/members/import/{bid:int}", report, methods=["GET"]),
    Route("/members/import/{bid:int}/run", run, methods=["POST"]),
]
