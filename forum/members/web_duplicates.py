"""HTML handlers: duplicate ID numbers (重复档案核查) for the org above both records."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from forum.answers import ask_confirmation, done
from forum.errors import NotFound
from forum.http import int_param, read_form, text_field, viewer_of
from forum.members import duplicates
from forum.templating import render


async def cases_page(request: Request) -> Response:
    viewer = viewer_of(request)
    if viewer.suspended or not (viewer.admin_paths or viewer.is_site_admin):
        raise NotFound()
    state = request.query_params.get("state", "open")
    if state not in {"open", "merged", "dismissed"}:
        state = "open"
    after = request.query_params.get("after")
    items = await duplicates.cases_for(
        viewer, state=state, after_id=int_param(after) if after else None
    )
    more = items[-1].id if len(items) == duplicates.PER_PAGE else None
    return render(
        request, "members/duplicates.html", {"items": items, "state": state, "more": more}
    )


async def case_page(request: Request) -> Response:
    viewer = viewer_of(request)
    case = await duplicates.get_case_for(viewer, int_param(request.path_params["cid"]))
    return render(request, "members/duplicate.html", {"case": case})


async def case_merge(request: Request) -> Response:
    viewer = viewer_of(request)
    case = await duplicates.get_case_for(viewer, int_param(request.path_params["cid"]))
    form = await read_form(request)
    keep = str(form.get("keep") or "")
    note = text_field(form, "note", "说明", max_length=duplicates.NOTE_MAX, required=False)
    kept, other, _ = duplicates.check_merge(case, keep, note)
    question = (
        f"保留{kept.org.name}的档案「{kept.name}」，将{other.org.name}的档案「{other.name}」"
        "标记为重复档案（档案与历程保留，不再作为该身份证号的档案）。确定合并？"
    )
    if (ask := await ask_confirmation(request, question, confirm_label="合并")) is not None:
        return ask
    await duplicates.merge(viewer, case, keep, note)
    return done(request, f"/members/duplicates/{case.id}", "已合并：另一份档案已标记为重复档案。")


async def case_dismiss(request: Request) -> Response:
    viewer = viewer_of(request)
    case = await duplicates.get_case_for(viewer, int_param(request.path_params["cid"]))
    form = await read_form(request)
    note = text_field(form, "note", "核查结论", max_length=duplicates.NOTE_MAX)
    await duplicates.dismiss(viewer, case, note)
    return done(request, f"/members/duplicates/{case.id}", "已排除：两份档案不是同一人。")


routes: list[BaseRoute] = [
    Route("/members/duplicates", cases_page, methods=["GET"]),
    Route("/members/duplicates/{cid:int}", case_page, methods=["GET"]),
    Route("/members/duplicates/{cid:int}/merge", case_merge, methods=["POST"]),
    Route("/members/duplicates/{cid:int}/dismiss", case_dismiss, methods=["POST"]),
]
