"""HTML pages of the disclosure board (党务公开), plus the JSON API routes from `api`."""

from __future__ import annotations

from typing import Any

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from forum.answers import ask_confirmation, done, keep_in_place
from forum.clock import utcnow
from forum.errors import ActionError, NotFound
from forum.home import HomeSection
from forum.http import int_field, int_param, read_form, viewer_of
from forum.manage import ManageLink
from forum.policy import (
    Viewer,
    can_manage_disclosure_catalogue,
    can_see_disclosure_receipts,
    can_see_disclosure_workflow,
    can_work_on_disclosures,
    ensure_visible,
)
from forum.settings import get_settings
from forum.templating import render, templates
from transparency import actions, forms, queries, steps
from transparency.api import routes as api_routes
from transparency.models import REVIEW_CHECKLIST, SCOPE_LABELS, Disclosure

NAV = {"nav": "disclosures"}


def _str(form: FormData, name: str) -> str:
    value = form.get(name)
    return value if isinstance(value, str) else ""


def _back(request: Request, d: Disclosure, message: str, anchor: str = "") -> Response:
    return done(request, f"/disclosures/{d.id}{anchor}", message)


async def _item(request: Request) -> Disclosure:
    viewer = viewer_of(request)
    return await queries.get_disclosure_for(viewer, int_param(request.path_params["item_id"]))


def _login(request: Request) -> RedirectResponse:
    return RedirectResponse(f"/login?next={request.url.path}", status_code=303)


async def _filters(request: Request) -> queries.BoardFilter:
    params = request.query_params
    org = None
    if params.get("org"):
        try:
            org = await queries.get_org(int_param(params.get("org")))
        except NotFound:
            org = None
    category = params.get("category")
    year = params.get("year")
    return queries.BoardFilter(
        org=org,
        category_id=int(category) if category and category.isdigit() else None,
        year=int(year) if year and year.isdigit() and 1900 < int(year) < 3000 else None,
        q=(params.get("q") or "")[: queries.MAX_QUERY],
        archive=params.get("view") == "archive",
        members_only=params.get("audience") == "members",
        cursor=queries.decode_cursor(params.get("cursor")),
    )


async def board(request: Request) -> Response:
    viewer = viewer_of(request)
    filters = await _filters(request)
    page = await queries.board(viewer, filters)
    return render(
        request,
        "disclosures/board.html",
        {
            **NAV,
            "page": page,
            "f": filters,
            "categories": await queries.categories(),
            "orgs": await queries.org_choices(viewer),
            "years": await queries.years(),
            "drafting": bool(await queries.draftable_orgs(viewer)),
        },
    )


async def feed(request: Request) -> Response:
    items = await queries.public_feed()
    base = get_settings().public_base_url  # never the request's Host header
    response = templates.TemplateResponse(
        request,
        "disclosures/feed.atom.xml",
        {"items": items, "base": base, "updated": items[0].publish_from if items else None},
        media_type="application/atom+xml; charset=utf-8",
    )
    return response


async def _draft_form(
    request: Request,
    viewer: Viewer,
    d: Disclosure | None,
    values: dict[str, Any],
    error: ActionError | None = None,
) -> Response:
    """The draft form; a refused one is shown again in place (`keep_in_place` before)."""
    return render(
        request,
        "disclosures/form.html",
        {
            **NAV,
            "item": d,
            "v": values,
            "orgs": await queries.draftable_orgs(viewer),
            "all_orgs": await queries.org_choices(viewer),
            "categories": await queries.categories(),
            "scopes": SCOPE_LABELS,
        },
        status_code=400 if error else 200,
    )


def _values_from_item(d: Disclosure, usernames: str = "") -> dict[str, Any]:
    return {
        "org_id": d.org_id,
        "title": d.title,
        "body": d.body_raw,
        "category": d.category_id,
        "scope": str(d.scope),
        "publish_from": forms.local_input(d.publish_from),
        "until": forms.local_input(d.until),
        "attachments": forms.attachment_lines(d.attachments),
        "target_orgs": d.target_org_ids,
        "target_usernames": usernames,
    }


def _values_from_form(form: FormData) -> dict[str, Any]:
    values: dict[str, Any] = {k: _str(form, k) for k in forms.DRAFT_FIELDS | {"category"}}
    values["org_id"] = int(_str(form, "org")) if _str(form, "org").isdigit() else None
    values["category"] = int(_str(form, "category")) if _str(form, "category").isdigit() else None
    raw_orgs = [v for v in form.getlist("target_orgs") if isinstance(v, str)]
    values["target_orgs"] = [int(v) for v in raw_orgs if v.isdigit()]
    return values


async def new_form(request: Request) -> Response:
    viewer = viewer_of(request)
    if not viewer.is_authenticated:
        return _login(request)
    orgs = await queries.draftable_orgs(viewer)
    ensure_visible(bool(orgs))
    wanted = request.query_params.get("org")
    values: dict[str, Any] = {
        **{k: "" for k in forms.DRAFT_FIELDS},
        "org_id": int(wanted) if wanted and wanted.isdigit() else orgs[0].id,
        "category": None,
        "scope": "org_subtree",
        "publish_from": forms.local_input(utcnow()),
        "target_orgs": [],
    }
    return await _draft_form(request, viewer, None, values)


async def create(request: Request) -> Response:
    viewer = viewer_of(request)
    form = await read_form(request)
    try:
        org = await queries.get_org(int_param(_str(form, "org")))
        d = await actions.create_disclosure(viewer, org, await forms.draft_from_form(form))
    except ActionError as error:
        keep_in_place(request, error, form)
        return await _draft_form(request, viewer, None, _values_from_form(form), error)
    return _back(request, d, f"草稿「{d.title}」已保存。确认无误后请点击“提出（提交审核）”。")


async def edit_form(request: Request) -> Response:
    d = await _item(request)
    viewer = viewer_of(request)
    ensure_visible(can_see_disclosure_workflow(viewer, d))
    usernames = " ".join(await queries.target_usernames(d))
    return await _draft_form(request, viewer, d, _values_from_item(d, usernames))


async def update(request: Request) -> Response:
    d = await _item(request)
    viewer = viewer_of(request)
    form = await read_form(request)
    try:
        d = await actions.update_disclosure(viewer, d, await forms.draft_from_form(form))
    except ActionError as error:
        keep_in_place(request, error, form)
        return await _draft_form(request, viewer, d, _values_from_form(form), error)
    return _back(request, d, "修改已保存。")


async def item(request: Request) -> Response:
    viewer = viewer_of(request)
    d = await _item(request)
    await actions.mark_read(viewer, d)
    context = await queries.item_context(viewer, d)
    return render(
        request,
        "disclosures/item.html",
        {**NAV, "item": d, "checklist": REVIEW_CHECKLIST, "now": utcnow(), **context},
    )


async def transition(request: Request) -> Response:
    """One workflow step of the verb table (`steps.STEPS`): an irreversible one is checked,
    then confirmed, then taken; every one answers with its message."""
    viewer = viewer_of(request)
    d = await _item(request)
    step = steps.get_step(request.path_params["step"])
    form = await read_form(request)
    data = steps.StepInput(
        reason=_str(form, "reason"),
        note=_str(form, "note"),
        checklist=[str(v) for v in form.getlist("checklist")],
    )
    if step.confirm:
        if step.check is not None:
            await step.check(viewer, d, data)
        label = step.confirm_label or "确认"
        if (ask := await ask_confirmation(request, step.confirm, confirm_label=label)) is not None:
            return ask
    d = await step.run(viewer, d, data)
    return _back(request, d, step.done(d))


async def correct_form(request: Request) -> Response:
    d = await _item(request)
    ensure_visible(can_see_disclosure_workflow(viewer_of(request), d))
    return render(request, "disclosures/correct.html", {**NAV, "item": d})


async def correct(request: Request) -> Response:
    viewer = viewer_of(request)
    d = await _item(request)
    form = await read_form(request)
    try:
        revision = await actions.correct_disclosure(
            viewer, d, _str(form, "title"), _str(form, "body"), _str(form, "note")
        )
    except ActionError as error:
        keep_in_place(request, error, form)
        return render(request, "disclosures/correct.html", {**NAV, "item": d}, status_code=400)
    return _back(request, d, f"已发布更正（第 {revision.number} 版）。", "#revisions")


async def revision(request: Request) -> Response:
    d = await _item(request)
    number = int_param(request.path_params["number"])
    rev = await queries.get_revision(d, number)
    diff = await queries.revision_diff(d, number) if number > 1 else None
    return render(
        request,
        "disclosures/revision.html",
        {**NAV, "item": d, "rev": rev, "diff": diff[2] if diff else None},
    )


async def feedback(request: Request) -> Response:
    viewer = viewer_of(request)
    d = await _item(request)
    form = await read_form(request)
    fb = await actions.leave_feedback(viewer, d, _str(form, "body"))
    if fb.hidden:
        return _back(request, d, "反馈已提交，经审核后显示。", "#feedback")
    return _back(request, d, "反馈已提交，发布单位答复后会通知您。", "#feedback")


async def answer(request: Request) -> Response:
    viewer = viewer_of(request)
    d = await _item(request)
    fb = await queries.get_feedback(d, int_param(request.path_params["feedback_id"]))
    form = await read_form(request)
    public = _str(form, "public") == "1"
    await actions.answer_feedback(viewer, d, fb, _str(form, "answer"), public=public)
    shown = "，并与本事项一同公开" if public else "（不公开）"
    return _back(request, d, f"答复已保存{shown}，已通知反馈人。", f"#feedback-{fb.id}")


async def receipts(request: Request) -> Response:
    d = await _item(request)
    ensure_visible(can_see_disclosure_receipts(viewer_of(request), d))
    data = await queries.receipts(d)
    return render(request, "disclosures/receipts.html", {**NAV, "item": d, "r": data})


async def printable(request: Request) -> Response:
    d = await _item(request)
    context = await queries.item_context(viewer_of(request), d)
    return render(request, "disclosures/print.html", {"item": d, **context})


async def work(request: Request) -> Response:
    viewer = viewer_of(request)
    if not viewer.is_authenticated:
        return _login(request)
    queue = await queries.work_queue(viewer)
    drafting = await queries.draftable_orgs(viewer)
    return render(request, "disclosures/work.html", {**NAV, "q": queue, "drafting": drafting})


async def catalogue(request: Request) -> Response:
    ensure_visible(can_manage_disclosure_catalogue(viewer_of(request)))
    cats = await queries.categories(active_only=False)
    return render(request, "disclosures/catalogue.html", {**NAV, "categories": cats})


async def save_category(request: Request) -> Response:
    viewer = viewer_of(request)
    form = await read_form(request)
    category = None
    if _str(form, "id"):
        category = await queries.get_category(int_param(_str(form, "id")))
    saved = await actions.save_category(
        viewer,
        category,
        _str(form, "key"),
        _str(form, "name"),
        int_field(form, "sort_order", "排序", minimum=-(10**9), maximum=10**9, default=0),
        active=_str(form, "is_active") == "1",
    )
    verb = "已保存" if category is not None else "已新增"
    return done(request, "/disclosures/catalogue", f"{verb}类别「{saved.name}」。")


async def _home_loader(viewer: Viewer) -> dict[str, Any] | None:
    return {"items": await queries.latest_for(viewer, limit=5)}


MANAGE_WORK = ManageLink(
    "disclosures_work",
    order=40,
    title="党务公开待办",
    href="/disclosures/work",
    description="起草、审核、审批与发布党务公开事项",
    visible=can_work_on_disclosures,
)
MANAGE_CATALOGUE = ManageLink(
    "disclosures_catalogue",
    order=41,
    title="党务公开目录",
    href="/disclosures/catalogue",
    description="维护公开事项的类别目录",
    visible=can_manage_disclosure_catalogue,
)


async def _todo_loader(viewer: Viewer) -> dict[str, Any] | None:
    if not can_work_on_disclosures(viewer):
        return None
    queue = await queries.work_queue(viewer)
    return {"q": queue} if queue.total else None


HOME_TODO = HomeSection(
    "disclosures_todo",
    order=25,
    title="党务公开待办",
    template="disclosures/home_todo.html",
    loader=_todo_loader,
    group="todo",
)
HOME_LATEST = HomeSection(
    "disclosures",
    order=30,
    title="最新党务公开",
    template="disclosures/home_section.html",
    loader=_home_loader,
)

ITEM = "/disclosures/{item_id:int}"
routes: list[BaseRoute] = [
    Route("/disclosures", board, methods=["GET"]),
    Route("/disclosures/feed.atom", feed, methods=["GET"]),
    Route("/disclosures/work", work, methods=["GET"]),
    Route("/disclosures/new", new_form, methods=["GET"]),
    Route("/disclosures/new", create, methods=["POST"]),
    Route("/disclosures/catalogue", catalogue, methods=["GET"]),
    Route("/disclosures/catalogue", save_category, methods=["POST"]),
    Route(ITEM, item, methods=["GET"]),
    Route(ITEM + "/edit", edit_form, methods=["GET"]),
    Route(ITEM + "/edit", update, methods=["POST"]),
    Route(ITEM + "/correct", correct_form, methods=["GET"]),
    Route(ITEM + "/correct", correct, methods=["POST"]),
    Route(ITEM + "/revisions/{number:int}", revision, methods=["GET"]),
    Route(ITEM + "/feedback", feedback, methods=["POST"]),
    Route(ITEM + "/feedback/{feedback_id:int}/answer", answer, methods=["POST"]),
    Route(ITEM + "/receipts", receipts, methods=["GET"]),
    Route(ITEM + "/print", printable, methods=["GET"]),
    Route(ITEM + "/{step:str}", transition, methods=["POST"]),
    *api_routes,
]
