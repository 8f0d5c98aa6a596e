"""Moderation pages (/moderation/...) and their JSON API (/api/v1/moderation/...)."""

from __future__ import annotations

from urllib.parse import urlencode

from starlette.datastructures import FormData, UploadFile
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response, StreamingResponse
from starlette.routing import BaseRoute, Route

from forum.answers import ask_confirmation, done
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
from forum.models import User
from forum.policy import (
    Viewer,
    can_manage_words,
    can_moderate_content,
    can_open_moderation,
    can_view_audit,
    can_view_review_queue,
    ensure,
    ensure_visible,
)
from forum.templating import local, render
from moderation import audit_queries, queries, queue_context, review, sanctions, words
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
            "entries": await queue_context.queue_entries(viewer, items),
            "silence_days": queue_context.SILENCE_DAYS,
            "suspend_days": queue_context.SUSPEND_DAYS,
            "sanction_labels": SANCTION_LABELS,
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
    decision = str(form.get("decision", ""))
    reason = text_field(form, "reason", "原因", max_length=1000, required=False)
    new_text = text_field(form, "body", "修改后的内容", max_length=50_000, required=False)
    if decision == "delete":
        question = "删除后作者和读者都看不到这条内容，且不能恢复。确定删除？"
        if (ask := await ask_confirmation(request, question, confirm_label="删除")) is not None:
            return ask
    await review.moderate_content(
        viewer, item.target_kind, item.target_id, decision, reason, new_text=new_text
    )
    label = review.DECISION_LABELS.get(decision, decision)
    return done(request, _queue_url(form, None), f"已{label}，已告知作者。")


async def _sanction_from_form(
    request: Request, viewer: Viewer, author: User, form: FormData, back: str
) -> Response:
    """`sanction` is `warn`, `silence:N` or `suspend:N` (N days): one button each. Checked,
    then confirmed (a sanction takes effect at once and the person is told), then done."""
    kind, _, raw_days = str(form.get("sanction", "")).partition(":")
    reason = text_field(form, "reason", "原因", max_length=1000)
    days = int_param(raw_days) if raw_days else None
    return await _sanction(request, viewer, author, kind, reason, back, days=days)


async def _sanction(
    request: Request,
    viewer: Viewer,
    user: User,
    kind: str,
    reason: str,
    back: str,
    *,
    days: int | None = None,
    hours: int | None = None,
) -> Response:
    step = await sanctions.check_sanction(viewer, user, kind, reason, days=days, hours=hours)
    question = f"确定{step}？处理立即生效，并会告知当事人。"
    label = SANCTION_LABELS.get(kind, "确认")
    if (ask := await ask_confirmation(request, question, confirm_label=label)) is not None:
        return ask
    await sanctions.sanction_user(viewer, user, kind, reason, days=days, hours=hours)
    return done(request, back, f"已{step}，已告知当事人。")


async def sanction_author(request: Request) -> Response:
    """One click on a queue item: warn, silence for N days or suspend the item's author."""
    viewer = viewer_of(request)
    item = await review.get_item_for(viewer, int_param(request.path_params["item_id"]))
    form = await read_form(request)
    author = await queries.item_author(item)
    return await _sanction_from_form(request, viewer, author, form, _queue_url(form, item.id))


async def sanction_content_author(request: Request) -> Response:
    """From the item's own page (the post menu): sanction the author of `kind`/`id`."""
    viewer = viewer_of(request)
    form = await read_form(request)
    target, info = await load_target(str(form.get("kind", "")), int_param(form.get("id")))
    ensure_visible(target.visible_to(viewer, info))
    ensure(can_moderate_content(viewer, info.ref))
    author = await queries.author_of(info.author_id)
    back = _safe_next(form.get("next"), info.url or "/")
    return await _sanction_from_form(request, viewer, author, form, back)


async def bulk_approve(request: Request) -> Response:
    """Approve the checked premoderated items with one button."""
    viewer = viewer_of(request)
    ensure_visible(can_view_review_queue(viewer))
    form = await read_form(request)
    ids = [int_param(raw) for raw in form.getlist("item")][: queries.PAGE_SIZE]
    if not ids:
        raise ActionError("请先勾选要通过的内容", field="item")
    count = await review.approve_held(viewer, ids)
    return done(request, _queue_url(form, None), f"已通过 {count} 条内容。")


def _queue_url(form: FormData, item_id: int | None) -> str:
    source = form.get("source")
    url = "/moderation/queue"
    if isinstance(source, str) and source in REVIEW_SOURCE_LABELS:
        url += "?" + urlencode({"source": source})
    return url + (f"#item-{item_id}" if item_id is not None else "")


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
    back = _safe_next(form.get("next"), info.url or "/")
    return done(request, back, "已举报，感谢反馈。版主会尽快处理。")


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
    return await _sanction(
        request,
        viewer,
        user,
        str(form.get("kind", "")),
        text_field(form, "reason", "原因", max_length=1000),
        "/moderation/sanctions",
        days=optional_int_field(form, "days", "天数", minimum=0, maximum=sanctions.MAX_DAYS),
        hours=optional_int_field(
            form, "hours", "小时数", minimum=0, maximum=sanctions.MAX_DAYS * 24
        ),
    )


async def lift(request: Request) -> Response:
    viewer = viewer_of(request)
    ensure_visible(can_view_review_queue(viewer))
    sanction = await sanctions.get_sanction(int_param(request.path_params["sanction_id"]))
    form = await read_form(request)
    await sanctions.lift_sanction(
        viewer, sanction, text_field(form, "reason", "解除原因", max_length=1000)
    )
    return done(request, "/moderation/sanctions", "已解除处理，已告知当事人。")


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
            "import_error": error,
            "import_text": text,
        },
        status_code=400 if error else 200,
    )


async def add_word(request: Request) -> Response:
    form = await read_form(request)
    word = text_field(form, "word", "词语", max_length=64)
    await words.add_word(
        viewer_of(request),
        word,
        str(form.get("action", "")),
        text_field(form, "category", "类别", max_length=32, required=False),
    )
    return done(request, "/moderation/words", f"已保存敏感词「{word}」。")


async def delete_word(request: Request) -> Response:
    viewer = viewer_of(request)
    ensure_visible(can_manage_words(viewer))
    word_id = int_param(request.path_params["word_id"])
    question = "删除后这个词不再被拦截或送审。确定删除？"
    if (ask := await ask_confirmation(request, question, confirm_label="删除")) is not None:
        return ask
    await words.delete_word(viewer, word_id)
    return done(request, "/moderation/words", "已删除敏感词。")


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
    return done(request, "/moderation/words", f"导入完成：{summary}。")


async def audit_page(request: Request) -> Response:
    viewer = viewer_of(request)
    flt = audit_queries.filter_from_params(request.query_params)
    before = request.query_params.get("before")
    entries, cursor = await audit_queries.search(
        viewer, flt, before=int_param(before) if before else None
    )
    params = {k: v for k, v in request.query_params.items() if k != "before"}
    orgs = await audit_queries.scope_orgs(viewer)
    return render(
        request,
        "moderation/audit.html",
        {
            "rows": await audit_queries.describe(entries),
            "cursor": cursor,
            "flt": flt,
            "actions": await audit_queries.distinct_actions(viewer),
            "orgs": orgs,
            "org_names": {o.path: o.name for o in orgs},
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
    Route("/moderation/queue/approve", bulk_approve, methods=["POST"]),
    Route("/moderation/queue/{item_id}", decide, methods=["POST"]),
    Route("/moderation/queue/{item_id}/sanction", sanction_author, methods=["POST"]),
    Route("/moderation/content/sanction", sanction_content_author, methods=["POST"]),
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
