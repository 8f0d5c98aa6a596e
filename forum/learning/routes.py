"""HTML pages of 在线学习, plus the JSON API routes from `api`."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from openpyxl import Workbook
from starlette.datastructures import FormData, UploadFile
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from forum.answers import done
from forum.clock import utcnow
from forum.errors import NotFound
from forum.home import HomeSection
from forum.http import attachment_disposition, dated_filename, int_param, read_form, viewer_of
from forum.learning import actions, api, queries, timing
from forum.learning.actions import digits
from forum.learning.models import KIND_LABELS, QUESTION_LABELS, STATE_LABELS, Course, Resource
from forum.manage import ManageLink
from forum.models import STATUS_LABELS
from forum.policy import (
    Viewer,
    can_approve_study,
    can_edit_study,
    can_see_study,
    can_study,
    can_submit_study,
    can_use_member_tools,
    can_withdraw_study,
    ensure,
    ensure_visible,
)
from forum.security.bodylimit import BodyLimit
from forum.templating import render

NAV = {"nav": "learning"}
TABS = {"latest": "最新", "hot": "最热", "required": "必学"}
UPLOAD_LIMIT = BodyLimit(
    "learning.upload",
    r"/learning/new",
    lambda: 200 * 1024 * 1024 + 256 * 1024,
    lambda: "文件过大（最多 200 MB）",
)


def _login(request: Request) -> RedirectResponse:
    return RedirectResponse(f"/login?next={request.url.path}", status_code=303)


def _form_dict(form: FormData) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for k, v in form.multi_items():
        if isinstance(v, str):
            if k in data:
                data[k] = [*(data[k] if isinstance(data[k], list) else [data[k]]), v]
            else:
                data[k] = v
    return data


def _guard(request: Request) -> Viewer | Response:
    viewer = viewer_of(request)
    if not viewer.is_authenticated:
        return _login(request)
    ensure(can_study(viewer))
    return viewer


async def library(request: Request) -> Response:
    viewer = _guard(request)
    if isinstance(viewer, Response):
        return viewer
    tab = request.query_params.get("tab", "latest")
    tab = tab if tab in TABS else "latest"
    cat = request.query_params.get("category", "")
    category_id = int(cat) if digits(cat) and len(cat) < 10 else None
    before = None
    cursor = request.query_params.get("before", "")
    at, _, rid = cursor.partition("_")
    if digits(rid) and len(rid) < 10:
        try:
            before = (dt.datetime.fromisoformat(at), int(rid))
        except ValueError:
            before = None
    items = await queries.library(viewer, tab=tab, category_id=category_id, before=before)
    nxt = ""
    if tab == "latest" and len(items) == queries.PAGE and items[-1].published_at:
        nxt = f"{items[-1].published_at.isoformat()}_{items[-1].id}"
    return render(
        request,
        "learning/library.html",
        {
            **NAV,
            "items": items,
            "tab": tab,
            "tabs": TABS,
            "category_id": category_id,
            "categories": await queries.categories(),
            "courses": await queries.courses(viewer) if tab == "latest" and before is None else [],
            "kinds": KIND_LABELS,
            "next": nxt,
            "drafting": bool(await queries.draftable_orgs(viewer)),
            "dash_orgs": await queries.dashboard_orgs(viewer),
        },
    )


async def resource(request: Request) -> Response:
    viewer = _guard(request)
    if isinstance(viewer, Response):
        return viewer
    r = await queries.get_resource_for(viewer, int_param(request.path_params["rid"]))
    if str(r.state) == "published":
        await actions.view(viewer, r)
    progress = (await queries.progress_of(viewer.user_id, [r.id])).get(r.id)
    return render(
        request,
        "learning/resource.html",
        {
            **NAV,
            "r": r,
            "p": progress,
            "kinds": KIND_LABELS,
            "states": STATE_LABELS,
            "beat_seconds": timing.BEAT_SECONDS,
            "may": {
                "submit": can_submit_study(viewer, r),
                "approve": can_approve_study(viewer, r),
                "withdraw": can_withdraw_study(viewer, r),
            },
        },
    )


async def media_file(request: Request) -> Response:
    viewer = viewer_of(request)
    r = await Resource.get_or_none(id=int_param(request.path_params["rid"]))
    if r is None or not r.media_key:
        raise NotFound()
    ensure_visible(can_see_study(viewer, r))
    from forum.learning import media

    return media.stream(request, r.media_key, r.media_sha256, r.media_type, {})


async def new_form(request: Request) -> Response:
    viewer = _guard(request)
    if isinstance(viewer, Response):
        return viewer
    orgs = await queries.draftable_orgs(viewer)
    if not orgs:
        ensure(False)
    return render(
        request,
        "learning/new.html",
        {**NAV, "orgs": orgs, "kinds": KIND_LABELS, "categories": await queries.categories()},
    )


async def create(request: Request) -> Response:
    viewer = _guard(request)
    if isinstance(viewer, Response):
        return viewer
    form = await read_form(request)
    upload = form.get("file")
    data = await upload.read() if isinstance(upload, UploadFile) else None
    r = await actions.create_resource(viewer, actions.parse_resource(_form_dict(form), data))
    return done(request, f"/learning/r/{r.id}", "草稿已保存，提交审批后发布。")


async def _item_of(request: Request) -> Resource | Course:
    viewer = viewer_of(request)
    if "rid" in request.path_params:
        return await queries.get_resource_for(viewer, int_param(request.path_params["rid"]))
    return await queries.get_course_for(viewer, int_param(request.path_params["cid"]))


STEPS = {
    "submit": (actions.submit, "已提交审批。"),
    "approve": (actions.approve, "已审批发布。"),
    "withdraw": (actions.send_back, "已撤回，可修改后重新提交。"),
}


async def step(request: Request) -> Response:
    viewer = _guard(request)
    if isinstance(viewer, Response):
        return viewer
    await read_form(request)
    verb = request.path_params["verb"]
    if verb not in STEPS:
        raise NotFound()
    item = await _item_of(request)
    run, message = STEPS[verb]
    await run(viewer, item)
    url = f"/learning/r/{item.id}" if isinstance(item, Resource) else f"/learning/c/{item.id}"
    return done(request, url, message)


async def course_page(request: Request) -> Response:
    viewer = _guard(request)
    if isinstance(viewer, Response):
        return viewer
    c = await queries.get_course_for(viewer, int_param(request.path_params["cid"]))
    lessons = await queries.lessons(c)
    progress = await queries.progress_of(viewer.user_id, [lesson.resource_id for lesson in lessons])
    attempts = await queries.attempts_of(viewer.user_id, c.id)
    from forum.learning.models import CourseCompletion

    completion = (
        await CourseCompletion.get_or_none(user_id=viewer.user_id, course_id=c.id)
        if viewer.user_id
        else None
    )
    return render(
        request,
        "learning/course.html",
        {
            **NAV,
            "c": c,
            "lessons": lessons,
            "progress": progress,
            "attempts": attempts,
            "completion": completion,
            "questions": await queries.question_count(c),
            "states": STATE_LABELS,
            "qkinds": QUESTION_LABELS,
            "resources": (
                await queries.library(viewer, tab="latest", category_id=None, before=None)
            )
            if can_edit_study(viewer, c)
            else [],
            "orgs": await queries.draftable_orgs(viewer),
            "may": {
                "edit": can_edit_study(viewer, c),
                "submit": can_submit_study(viewer, c),
                "approve": can_approve_study(viewer, c),
                "withdraw": can_withdraw_study(viewer, c),
            },
        },
    )


async def create_course(request: Request) -> Response:
    viewer = _guard(request)
    if isinstance(viewer, Response):
        return viewer
    form = await read_form(request)
    c = await actions.create_course(viewer, _form_dict(form))
    return done(request, f"/learning/c/{c.id}", "课程草稿已保存，请添加课节和测验题。")


async def add_lesson(request: Request) -> Response:
    viewer = _guard(request)
    if isinstance(viewer, Response):
        return viewer
    form = await read_form(request)
    c = await queries.get_course_for(viewer, int_param(request.path_params["cid"]))
    await actions.add_lesson(viewer, c, _form_dict(form))
    return done(request, f"/learning/c/{c.id}", "已添加课节。")


async def add_question(request: Request) -> Response:
    viewer = _guard(request)
    if isinstance(viewer, Response):
        return viewer
    form = await read_form(request)
    c = await queries.get_course_for(viewer, int_param(request.path_params["cid"]))
    await actions.add_question(viewer, c, _form_dict(form))
    return done(request, f"/learning/c/{c.id}", "已添加测验题。")


async def quiz_start(request: Request) -> Response:
    viewer = _guard(request)
    if isinstance(viewer, Response):
        return viewer
    await read_form(request)
    c = await queries.get_course_for(viewer, int_param(request.path_params["cid"]))
    attempt = await actions.start_quiz(viewer, c)
    return RedirectResponse(f"/learning/c/{c.id}/quiz/{attempt.id}", status_code=303)


async def quiz_paper(request: Request) -> Response:
    viewer = _guard(request)
    if isinstance(viewer, Response):
        return viewer
    c = await queries.get_course_for(viewer, int_param(request.path_params["cid"]))
    from forum.learning.models import Question, QuizAttempt

    attempt = await QuizAttempt.get_or_none(
        id=int_param(request.path_params["aid"]), user_id=viewer.user_id, course_id=c.id
    )
    if attempt is None:
        raise NotFound()
    by_id = {q.id: q for q in await Question.filter(id__in=attempt.question_ids)}
    questions = [by_id[i] for i in attempt.question_ids if i in by_id]
    return render(
        request,
        "learning/quiz.html",
        {**NAV, "c": c, "a": attempt, "questions": questions, "qkinds": QUESTION_LABELS},
    )


async def quiz_submit(request: Request) -> Response:
    viewer = _guard(request)
    if isinstance(viewer, Response):
        return viewer
    form = await read_form(request)
    c = await queries.get_course_for(viewer, int_param(request.path_params["cid"]))
    answers: dict[int, list[int]] = {}
    for key, value in form.multi_items():
        if (
            key.startswith("q")
            and digits(key[1:])
            and len(key) < 12
            and isinstance(value, str)
            and digits(value)
            and len(value) < 3
        ):
            answers.setdefault(int(key[1:]), []).append(int(value))
    a = await actions.submit_quiz(viewer, c, int_param(request.path_params["aid"]), answers)
    verdict = "通过" if a.passed else "未通过"
    return done(
        request,
        f"/learning/c/{c.id}",
        f"测验已提交：得分 {a.score}，{verdict}（及格线 {c.pass_mark}）。",
    )


async def me(request: Request) -> Response:
    viewer = _guard(request)
    if isinstance(viewer, Response):
        return viewer
    year = utcnow().year
    member = await queries.member_of(viewer)
    hours = (await queries.hours_for([member], year))[member.id] if member else None
    rows = [
        (a, await queries.assignment_done(viewer.user_id or 0, a))
        for a in await queries.my_assignments(viewer)
    ]
    return render(
        request,
        "learning/me.html",
        {**NAV, "hours": hours, "year": year, "rows": rows, "now": utcnow()},
    )


def _year(request: Request) -> int:
    raw = request.query_params.get("year", "")
    return int(raw) if digits(raw) and len(raw) == 4 and 2000 <= int(raw) <= 2100 else utcnow().year


async def dashboard(request: Request) -> Response:
    viewer = _guard(request)
    if isinstance(viewer, Response):
        return viewer
    orgs = await queries.dashboard_orgs(viewer)
    raw = request.query_params.get("org", "")
    if raw:
        org_id = int_param(raw)
    elif orgs:
        org_id = orgs[0].id
    else:
        ensure(False)
        raise NotFound()  # pragma: no cover
    d = await queries.dashboard(viewer, org_id, _year(request))
    targets = [("c", c) for c in await queries.courses(viewer)] + [
        ("r", r) for r in await queries.library(viewer, tab="latest", category_id=None, before=None)
    ]
    return render(
        request,
        "learning/dashboard.html",
        {
            **NAV,
            "d": d,
            "orgs": orgs,
            "targets": targets,
            "statuses": {k: v for k, v in STATUS_LABELS.items() if k != "public"},
        },
    )


def _xlsx(sheets: list[tuple[str, list[str], list[list[Any]]]]) -> bytes:
    book = Workbook(write_only=True)
    for title, header, rows in sheets:
        sheet = book.create_sheet(title=title[:31])
        sheet.append(header)
        for row in rows:
            sheet.append(
                [
                    ("'" + c) if isinstance(c, str) and c[:1] in {"=", "+", "-", "@"} else c
                    for c in row
                ]
            )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


async def dashboard_xlsx(request: Request) -> Response:
    viewer = _guard(request)
    if isinstance(viewer, Response):
        return viewer
    d = await queries.dashboard(viewer, int_param(request.query_params.get("org")), _year(request))
    hours = [
        [
            m.name,
            m.org.name,
            STATUS_LABELS.get(str(m.status), ""),
            d.hours[m.id].online_tenths / 10,
            d.hours[m.id].organized_tenths / 10,
            d.hours[m.id].total,
            d.hours[m.id].required,
            "是" if d.hours[m.id].met else "否",
        ]
        for m in d.members
    ]
    assigned = [
        [
            row.assignment.title,
            f"{row.assignment.deadline:%Y-%m-%d}",
            row.due,
            row.done,
            "、".join(m.name for m in row.missing[:200]),
        ]
        for row in d.assignments
    ]
    body = _xlsx(
        [
            (
                "学时统计",
                [
                    "姓名",
                    "所在组织",
                    "身份",
                    "在线学习学时",
                    "组织学习学时",
                    "合计学时",
                    "年度要求",
                    "是否达标",
                ],
                hours,
            ),
            (
                "必学完成情况",
                ["必学内容", "截止日期", "应学人数", "已完成", "未完成人员"],
                assigned,
            ),
        ]
    )
    name = dated_filename(f"{d.org.name}{d.year}年学习统计", "xlsx", utcnow().date())
    return Response(
        body,
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={
            "Content-Disposition": attachment_disposition(
                name, f"learning-{d.org.id}-{d.year}.xlsx"
            ),
            "Cache-Control": "no-store",
        },
    )


async def assign(request: Request) -> Response:
    viewer = _guard(request)
    if isinstance(viewer, Response):
        return viewer
    form = await read_form(request)
    a = await actions.create_assignment(viewer, _form_dict(form))
    return done(request, f"/learning/dashboard?org={a.org_id}", f"已布置必学内容《{a.title}》。")


async def member_page(request: Request) -> Response:
    viewer = _guard(request)
    if isinstance(viewer, Response):
        return viewer
    m, hours = await queries.member_record(
        viewer, int_param(request.path_params["mid"]), _year(request)
    )
    return render(
        request, "learning/member.html", {**NAV, "m": m, "hours": hours, "year": _year(request)}
    )


async def _home(viewer: Viewer) -> dict[str, Any] | None:
    if not viewer.is_authenticated or viewer.member_id is None:
        return None
    rows = [
        a
        for a in await queries.my_assignments(viewer)
        if not await queries.assignment_done(viewer.user_id or 0, a)
    ]
    if not rows:
        return None
    return {"rows": rows[:5], "now": utcnow()}


HOME = HomeSection(
    "learning",
    order=25,
    title="必学内容",
    template="learning/home_section.html",
    loader=_home,
    group="agenda",
)
MANAGE = ManageLink(
    "learning_dashboard",
    order=45,
    title="学习统计",
    href="/learning/dashboard",
    description="必学完成情况、学时统计与测验通过率",
    visible=can_use_member_tools,
)

R = "/learning/r/{rid:int}"
C = "/learning/c/{cid:int}"
routes: list[BaseRoute] = [
    Route("/learning", library, methods=["GET"]),
    Route("/learning/new", new_form, methods=["GET"]),
    Route("/learning/new", create, methods=["POST"]),
    Route("/learning/me", me, methods=["GET"]),
    Route("/learning/dashboard", dashboard, methods=["GET"]),
    Route("/learning/dashboard.xlsx", dashboard_xlsx, methods=["GET"]),
    Route("/learning/assign", assign, methods=["POST"]),
    Route("/learning/member/{mid:int}", member_page, methods=["GET"]),
    Route("/learning/media/{rid:int}", media_file, methods=["GET", "HEAD"]),
    Route(R, resource, methods=["GET"]),
    Route(R + "/{verb}", step, methods=["POST"]),
    Route("/learning/courses/new", create_course, methods=["POST"]),
    Route(C, course_page, methods=["GET"]),
    Route(C + "/lessons", add_lesson, methods=["POST"]),
    Route(C + "/questions", add_question, methods=["POST"]),
    Route(C + "/quiz", quiz_start, methods=["POST"]),
    Route(C + "/quiz/{aid:int}", quiz_paper, methods=["GET"]),
    Route(C + "/quiz/{aid:int}", quiz_submit, methods=["POST"]),
    Route(C + "/{verb}", step, methods=["POST"]),
    *api.routes,
]
