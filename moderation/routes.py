"""Moderation pages (/moderation/...) and their JSON API (/api/v1/moderation/...)."""

from __future__ import annotations

from urllib.parse import urlencode

from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response, StreamingResponse
from starlette.routing import BaseRoute, Route

from forum.clock import utcnow
from forum.errors import ActionError, NotFound
from forum.http import (
    NO_STORE,
    attachment_disposition,
    dated_filename,
    int_param,
    is_local_path,
    optional_int_field,
    read_form,
    text_field,
    viewer_of,
)
from forum.manage import ManageLink
from forum.policy import (
    can_manage_words,
    can_open_moderation,
    can_view_audit,
    can_view_review_queue,
    ensure,
    ensure_visible,
)
from forum.templating import local, render
from moderation import audit_queries, queries, review, sanctions, words
from moderation.api import api_routes
from moderation.models import (
    FLAG_REASON_LABELS,
    REVIEW_SOURCE_LABELS,
    SANCTION_LABELS,
    WORD_ACTION_LABELS,
)
from moderation.registry import kinds, load_target

MANAGE = ManageLink(
    "moderation",
    order=30,
    title="内容管理",
    href="/moderation",
    description="审核队列、处理账号、敏感词库与操作日志",
    visible=can_open_moderation,
)

MAX_IMPORT_BYTES = 2 * 1024 * 1024


def _safe_next(raw: object, default: str) -> str:
    return raw if isinstance(raw, str) and is_local_path(raw) else default


async def dashboard(request: Request) -> Response:
    viewer = viewer_of(request)
    ensure_visible(can_open_moderation(viewer))
    return render(
        request,
        "moderation/dashboard.html",
        {"open_reviews": await queries.open_review_count(viewer)},
    )


async def queue(request: Request) -> Response:
    viewer = viewer_of(request)
    source = request.query_params.get("source") or None
    if source not in REVIEW_SOURCE_LABELS:
        source = None
    after = request.query_params.get("after")
    items, cursor = await queries.review_queue(
        viewer, source=source, after=int_param(after) if after else None
    )
    return render(
        request,
        "moderation/queue.html",
        {
            "review_items": items,
            "cursor": cursor,
            "source": source,
            "sources": REVIEW_SOURCE_LABELS,
            "labels": {k: t.label for k, t in kinds().items()},
            "decisions": review.DECISION_LABELS,
        },
    )


async def decide(request: Request) -> Response:
    viewer = viewer_of(request)
    item = await review.get_item_for(viewer, int_param(request.path_params["item_id"]))
    form = await read_form(request)
    await review.moderate_content(
        viewer,
        item.target_kind,
        item.target_id,
        str(form.get("decision", "")),
        text_field(form, "reason", "原因", max_length=1000, required=False),
        new_text=text_field(form, "body", "修改后的内容", max_length=50_000, required=False),
    )
    return RedirectResponse("/moderation/queue", status_code=303)


async def flag_form(request: Request) -> Response:
    viewer = viewer_of(request)
    kind = request.query_params.get("kind", "")
    target, info = await load_target(kind, int_param(request.query_params.get("id")))
    ensure_visible(target.visible_to(viewer, info))
    return render(
        request,
        "moderation/flag.html",
        {"target": target, "info": info, "reasons": FLAG_REASON_LABELS},
    )


async def flag(request: Request) -> Response:
    viewer = viewer_of(request)
    form = await read_form(request)
    kind = str(form.get("kind", ""))
    target_id = int_param(form.get("target_id"))
    await review.flag_content(
        viewer,
        kind,
        target_id,
        str(form.get("reason", "")),
        text_field(form, "text", "说明", max_length=500, required=False),
    )
    _, info = await load_target(kind, target_id)
    return RedirectResponse(_safe_next(form.get("next"), info.url or "/"), status_code=303)


async def sanction_page(request: Request) -> Response:
    viewer = viewer_of(request)
    return render(
        request,
        "moderation/sanctions.html",
        {
            "sanctions": await queries.active_sanctions(viewer),
            "kinds": SANCTION_LABELS,
            "now": utcnow(),
        },
    )


async def create_sanction(request: Request) -> Response:
    viewer = viewer_of(request)
    ensure(can_view_review_queue(viewer))
    form = await read_form(request)
    try:
        user = await queries.find_user(text_field(form, "username", "用户名", max_length=64))
    except NotFound as exc:
        raise ActionError("找不到该用户名", field="username") from exc
    await sanctions.sanction_user(
        viewer,
        user,
        str(form.get("kind", "")),
        text_field(form, "reason", "原因", max_length=1000),
        days=optional_int_field(form, "days", "天数", minimum=0, maximum=sanctions.MAX_DAYS),
        hours=optional_int_field(
            form, "hours", "小时数", minimum=0, maximum=sanctions.MAX_DAYS * 24
        ),
    )
    return RedirectResponse("/moderation/sanctions", status_code=303)


async def lift(request: Request) -> Response:
    viewer = viewer_of(request)
    ensure_visible(can_view_review_queue(viewer))
    sanction = await sanctions.get_sanction(int_param(request.path_params["sanction_id"]))
    form = await read_form(request)
    await sanctions.lift_sanction(
        viewer, sanction, text_field(form, "reason", "解除原因", max_length=1000)
    )
    return RedirectResponse("/moderation/sanctions", status_code=303)


async def word_page(request: Request) -> Response:
    return await _word_page(request)


async def _word_page(
    request: Request, error: ActionError | None = None, text: str = ""
) -> Response:
    """The word list with its forms; after a refused import, the message at its field."""
    viewer = viewer_of(request)
    q = request.query_params.get("q", "").strip()[:64]
    after = request.query_params.get("after")
    rows, cursor = await queries.word_list(viewer, q=q, after=int_param(after) if after else None)
    return render(
        request,
        "moderation/words.html",
        {
            "words": rows,
            "cursor": cursor,
            "q": q,
            "total": await queries.word_count(),
            "actions": WORD_ACTION_LABELS,
            "imported": request.query_params.get("imported", ""),
            "import_error": error,
            "import_text": text,
        },
        status_code=400 if error else 200,
    )


async def add_word(request: Request) -> Response:
    form = await read_form(request)
    await words.add_word(
        viewer_of(request),
        text_field(form, "word", "词语", max_length=64),
        str(form.get("action", "")),
        text_field(form, "category", "类别", max_length=32, required=False),
    )
    return RedirectResponse("/moderation/words", status_code=303)


async def delete_word(request: Request) -> Response:
    viewer = viewer_of(request)
    ensure_visible(can_manage_words(viewer))
    await words.delete_word(viewer, int_param(request.path_params["word_id"]))
    return RedirectResponse("/moderation/words", status_code=303)


async def import_words(request: Request) -> Response:
    viewer = viewer_of(request)
    ensure(can_manage_words(viewer))
    form = await read_form(request)
    upload = form.get("file")
    pasted = text = str(form.get("text", "") or "")
    try:
        if isinstance(upload, UploadFile) and upload.filename:
            raw = await upload.read(MAX_IMPORT_BYTES + 1)
            if len(raw) > MAX_IMPORT_BYTES:
                raise ActionError("文件不能超过 2 MB", field="file")
            text = words.read_word_file(raw)
        action = str(form.get("action", "block") or "block")
        result = await words.import_words(viewer, text, action)
    except ActionError as exc:
        return await _word_page(request, exc, pasted)
    summary = f"新增 {result.created} 个，更新 {result.updated} 个，跳过 {len(result.errors)} 行"
    return RedirectResponse(
        "/moderation/words?" + urlencode({"imported": summary}), status_code=303
    )


async def audit_page(request: Request) -> Response:
    viewer = viewer_of(request)
    flt = audit_queries.filter_from_params(request.query_params)
    before = request.query_params.get("before")
    entries, cursor = await audit_queries.search(
        viewer, flt, before=int_param(before) if before else None
    )
    params = {k: v for k, v in request.query_params.items() if k != "before"}
    return render(
        request,
        "moderation/audit.html",
        {
            "entries": entries,
            "cursor": cursor,
            "flt": flt,
            "actions": await audit_queries.distinct_actions(viewer),
            "orgs": await audit_queries.scope_orgs(viewer),
            "query": urlencode(params),
        },
    )


async def audit_csv(request: Request) -> Response:
    viewer = viewer_of(request)
    flt = audit_queries.filter_from_params(request.query_params)
    ensure_visible(can_view_audit(viewer))
    day = local(utcnow()).date()
    return StreamingResponse(
        audit_queries.export_csv(viewer, flt),
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": attachment_disposition(
                dated_filename("操作日志", "csv", day), dated_filename("audit-log", "csv", day)
            ),
            **NO_STORE,
        },
    )


async def notices_page(request: Request) -> Response:
    viewer = viewer_of(request)
    if viewer.user_id is None:
        return RedirectResponse("/login?next=/moderation/notices", status_code=303)
    return render(request, "moderation/notices.html", {"notices": await queries.my_notices(viewer)})


routes: list[BaseRoute] = [
    Route("/moderation", dashboard, methods=["GET"]),
    Route("/moderation/queue", queue, methods=["GET"]),
    Route("/moderation/queue/{item_id}", decide, methods=["POST"]),
    Route("/moderation/flag", flag_form, methods=["GET"]),
    Route("/moderation/flags", flag, methods=["POST"]),
    Route("/moderation/sanctions", sanction_page, methods=["GET"]),
    Route("/moderation/sanctions", create_sanction, methods=["POST"]),
    Route("/moderation/sanctions/{sanction_id}/lift", lift, methods=["POST"]),
    Route("/moderation/words", word_page, methods=["GET"]),
    Route("/moderation/words", add_word, methods=["POST"]),
    Route("/moderation/words/import", import_words, methods=["POST"]),
    Route("/moderation/words/{word_id}/delete", delete_word, methods=["POST"]),
    Route("/moderation/audit", audit_page, methods=["GET"]),
    Route("/moderation/audit.csv", audit_csv, methods=["GET"]),
    Route("/manage/audit", audit_page, methods=["GET"]),
    Route("/moderation/notices", notices_page, methods=["GET"]),
    *api_routes,
]
