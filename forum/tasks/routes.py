"""HTML pages and the JSON API of the tasks part: `/tasks` (收到的 / 下达的), `/tasks/new`,
`/tasks/{id}` (the task, each receiver's answer, the steps the viewer may take)."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from forum import apispec, files
from forum.answers import done
from forum.clock import today
from forum.errors import ActionError, NotFound
from forum.http import int_param, read_form, read_json, viewer_of
from forum.manage import ManageLink
from forum.models import Org
from forum.policy import (
    TASK_STATE_LABELS,
    TASK_STEPS,
    Viewer,
    can_assign_task,
    can_use_account,
    decide,
    ensure,
    ensure_visible,
)
from forum.security.bodylimit import form_files_limit
from forum.tasks import actions, queries
from forum.tasks.models import Task, TaskAssignment
from forum.templating import render

TAG = "tasks"
LEVEL_LABELS = {"general_branch": "党总支", "branch": "党支部", "group": "党小组"}


def _can_assign_somewhere(viewer: Viewer) -> bool:
    return not viewer.suspended and bool(viewer.admin_paths)


MANAGE = ManageLink(
    "tasks",
    order=45,
    title="任务下达",
    href="/tasks?tab=assigned",
    description="向下级组织或党员下达任务，跟踪办理进度并验收",
    visible=_can_assign_somewhere,
)


# --- pages -------------------------------------------------------------------------------


async def list_page(request: Request) -> Response:
    viewer = viewer_of(request)
    ensure_visible(viewer.is_authenticated)
    tab = "assigned" if request.query_params.get("tab") == "assigned" else "received"
    before = request.query_params.get("before")
    cursor = int_param(before) if before else None
    context: dict[str, Any] = {"tab": tab, "today": today(), "nav": "todo"}
    if tab == "assigned":
        context["tasks"], context["next"] = await queries.assigned_by_me(viewer, cursor)
    else:
        context["rows"], context["next"] = await queries.waiting_on_me(viewer, before=cursor)
    context["can_assign"] = bool(await queries.assignable_orgs(viewer))
    return render(request, "tasks/list.html", context)


async def _assigning_org(viewer: Viewer, raw: Any) -> Org:
    """The org a task is assigned from: one the viewer leads (refused when they lead none)."""
    ensure(can_use_account(viewer))
    orgs = await queries.assignable_orgs(viewer)
    ensure(decide(bool(orgs), "您没有可以下达任务的组织"))
    if raw in (None, ""):
        return orgs[0]
    org_id = int_param(raw, "组织")
    org = next((o for o in orgs if o.id == org_id), None)
    if org is None:
        raise ActionError("请选择您负责的组织", field="org_id")
    return org


async def new_page(request: Request) -> Response:
    viewer = viewer_of(request)
    orgs = await queries.assignable_orgs(viewer)
    ensure_visible(bool(orgs))
    org = await _assigning_org(viewer, request.query_params.get("org"))
    return render(
        request,
        "tasks/new.html",
        {
            "orgs": orgs,
            "org": org,
            "below": await queries.orgs_below(org),
            "levels": LEVEL_LABELS,
            "today": today(),
            "nav": "todo",
        },
    )


def _input(form: Any) -> actions.TaskInput:
    org_ids = [int_param(v, "组织") for v in form.getlist("org_ids") if str(v).strip()]
    return actions.TaskInput(
        title=str(form.get("title", "")),
        body=str(form.get("body", "")),
        deadline=str(form.get("deadline", "")),
        requires_submission=form.get("requires_submission") == "1",
        target=str(form.get("target", "")),
        level=str(form.get("level", "")),
        org_ids=org_ids,
        usernames=str(form.get("usernames", "")),
    )


async def create(request: Request) -> Response:
    viewer = viewer_of(request)
    form = await read_form(request)
    org = await _assigning_org(viewer, form.get("org_id"))
    task = await actions.assign_task(viewer, org, _input(form), await files.vet_form_files(form))
    return done(request, f"/tasks/{task.id}", f"任务已下达给 {task.receivers} 个接收方。")


async def detail(request: Request) -> Response:
    viewer = viewer_of(request)
    view = await queries.get_task_for(viewer, int(request.path_params["task_id"]))
    return render(
        request,
        "tasks/task.html",
        {
            "v": view,
            "labels": TASK_STATE_LABELS,
            "today": today(),
            "nav": "todo",
            "task_files": await queries.files_of(view),
        },
    )


async def _assignment(view: queries.TaskView, aid: int) -> TaskAssignment:
    row = next((a for a in view.rows if a.id == aid), None)
    if row is None:
        raise NotFound()
    return row


async def step(request: Request) -> Response:
    viewer = viewer_of(request)
    form = await read_form(request)
    view = await queries.get_task_for(viewer, int(request.path_params["task_id"]))
    assignment = await _assignment(view, int(request.path_params["row_id"]))
    name = str(request.path_params["task_step"])
    rule = TASK_STEPS.get(name)
    if rule is None:
        raise NotFound()
    if rule.side == "receiver":
        await actions.answer_task(
            viewer,
            view.task,
            assignment,
            name,
            str(form.get("answer", "")),
            await files.vet_form_files(form),
        )
        message = "已提交办理情况，等待验收。" if name == "submit" else "已办结。"
    else:
        await actions.review_answer(
            viewer, view.task, assignment, name, str(form.get("reason", ""))
        )
        message = (
            f"已验收：{assignment.receiver_name}。"
            if name == "accept"
            else (f"已退回：{assignment.receiver_name}，并通知对方。")
        )
    return done(request, f"/tasks/{view.task.id}#a-{assignment.id}", message)


async def task_file(request: Request) -> Response:
    """A file of the task or of a submission: policy first (`queries.file_for`), safe headers."""
    found = await queries.file_for(
        viewer_of(request),
        int(request.path_params["task_id"]),
        int_param(request.path_params["file_id"]),
    )
    return files.serve_row(request, found)


# The assigning and the submitting forms may carry files.
UPLOAD_LIMIT = form_files_limit("tasks.files", r"/tasks|/tasks/\d+/assignments/\d+/submit")


# --- JSON API ----------------------------------------------------------------------------

TASK = {
    "type": "object",
    "required": ["id", "title", "org", "deadline", "requires_submission", "receivers"],
    "properties": {
        "id": {"type": "integer"},
        "title": {"type": "string"},
        "org": {"type": "object"},
        "deadline": {"type": "string", "format": "date"},
        "requires_submission": {"type": "boolean"},
        "receivers": {"type": "integer"},
        "accepted": {"type": "integer"},
        "body_html": {"type": "string"},
    },
}
ASSIGNMENT = {
    "type": "object",
    "required": ["id", "receiver", "state"],
    "properties": {
        "id": {"type": "integer"},
        "receiver": {"type": "string"},
        "state": {"type": "string", "enum": list(TASK_STATE_LABELS)},
        "answer_html": {"type": "string"},
        "return_reason": {"type": "string"},
        "submitted_at": {"type": "string", "nullable": True},
    },
}


def task_json(task: Task, org: Org) -> dict[str, Any]:
    return {
        "id": task.id,
        "title": task.title,
        "org": {"id": org.id, "name": org.name},
        "deadline": task.deadline.isoformat(),
        "requires_submission": task.requires_submission,
        "receivers": task.receivers,
        "accepted": task.accepted,
        "body_html": task.body_html,
    }


def assignment_json(a: TaskAssignment) -> dict[str, Any]:
    return {
        "id": a.id,
        "receiver": a.receiver_name,
        "state": a.state,
        "answer_html": a.answer_html,
        "return_reason": a.return_reason,
        "submitted_at": a.submitted_at.isoformat() if a.submitted_at else None,
    }


@apispec.operation(
    "/api/v1/tasks",
    "GET",
    summary="Tasks waiting on me (as an org's leader or as a member), newest first",
    tag=TAG,
    query={"before": {"type": "integer", "minimum": 1}},
    response={
        "type": "object",
        "required": ["items"],
        "properties": {
            "items": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {"task": TASK, "assignment": ASSIGNMENT},
                },
            },
            "next": {"type": "integer", "nullable": True},
        },
    },
)
async def api_tasks(request: Request) -> Response:
    viewer = viewer_of(request)
    ensure(can_use_account(viewer))
    before = request.query_params.get("before")
    rows, cursor = await queries.waiting_on_me(viewer, before=int_param(before) if before else None)
    items = [
        {"task": task_json(a.task, a.task.org), "assignment": assignment_json(a)} for a in rows
    ]
    return JSONResponse({"items": items, "next": cursor})


TASK_BODY = {
    "type": "object",
    "additionalProperties": False,
    "required": ["org_id", "title", "deadline", "target"],
    "properties": {
        "org_id": {"type": "integer", "minimum": 1},
        "title": {"type": "string", "maxLength": 100},
        "body": {"type": "string", "maxLength": 20000},
        "deadline": {"type": "string", "format": "date"},
        "requires_submission": {"type": "boolean"},
        "target": {"type": "string", "enum": list(actions.TARGETS)},
        "level": {"type": "string", "enum": list(actions.LEVELS)},
        "org_ids": {"type": "array", "items": {"type": "integer", "minimum": 1}},
        "usernames": {"type": "string", "maxLength": 2000},
    },
}


@apispec.operation(
    "/api/v1/tasks",
    "POST",
    summary="Assign a task to orgs below an org I lead, or to members in its subtree",
    tag=TAG,
    body=TASK_BODY,
    status=201,
    response=TASK,
)
async def api_create(request: Request) -> Response:
    viewer = viewer_of(request)
    data = await read_json(request)
    org = await _assigning_org(viewer, data.get("org_id"))
    ensure(can_assign_task(viewer, org, str(org.kind)))
    raw_ids = data.get("org_ids") or []
    if not isinstance(raw_ids, list):
        raise ActionError("org_ids 须为数组", field="org_ids")
    task = await actions.assign_task(
        viewer,
        org,
        actions.TaskInput(
            title=str(data.get("title", "")),
            body=str(data.get("body", "")),
            deadline=str(data.get("deadline", "")),
            requires_submission=data.get("requires_submission", True) is not False,
            target=str(data.get("target", "")),
            level=str(data.get("level", "")),
            org_ids=[int_param(v, "组织") for v in raw_ids],
            usernames=str(data.get("usernames", "")),
        ),
    )
    return JSONResponse(task_json(task, org), status_code=201)


@apispec.operation(
    "/api/v1/tasks/{task_id}",
    "GET",
    summary="A task and the receivers I may see (all of them on the assigning side)",
    tag=TAG,
    path_params=("task_id",),
    response={
        "type": "object",
        "required": ["task", "assignments"],
        "properties": {"task": TASK, "assignments": {"type": "array", "items": ASSIGNMENT}},
    },
)
async def api_task(request: Request) -> Response:
    viewer = viewer_of(request)
    view = await queries.get_task_for(viewer, int_param(request.path_params["task_id"]))
    return JSONResponse(
        {
            "task": task_json(view.task, view.org),
            "assignments": [assignment_json(a) for a in view.rows],
        }
    )


STEP_BODY = {
    "type": "object",
    "additionalProperties": False,
    "required": ["step"],
    "properties": {
        "step": {"type": "string", "enum": list(TASK_STEPS)},
        "answer": {"type": "string", "maxLength": 20000},
        "reason": {"type": "string", "maxLength": 200},
    },
}


@apispec.operation(
    "/api/v1/tasks/{task_id}/assignments/{assignment_id}",
    "POST",
    summary="Answer a task (submit, complete) or decide on an answer (accept, return)",
    tag=TAG,
    path_params=("task_id", "assignment_id"),
    body=STEP_BODY,
    response=ASSIGNMENT,
)
async def api_step(request: Request) -> Response:
    viewer = viewer_of(request)
    data = await read_json(request)
    view = await queries.get_task_for(viewer, int_param(request.path_params["task_id"]))
    assignment = await _assignment(view, int_param(request.path_params["assignment_id"]))
    name = str(data.get("step", ""))
    rule = TASK_STEPS.get(name)
    if rule is None:
        raise ActionError("未知的操作", field="step")
    if rule.side == "receiver":
        row = await actions.answer_task(
            viewer, view.task, assignment, name, str(data.get("answer", ""))
        )
    else:
        row = await actions.review_answer(
            viewer, view.task, assignment, name, str(data.get("reason", ""))
        )
    return JSONResponse(assignment_json(row))


routes: list[BaseRoute] = [
    Route("/tasks", list_page, methods=["GET"]),
    Route("/tasks/new", new_page, methods=["GET"]),
    Route("/tasks", create, methods=["POST"]),
    Route("/tasks/{task_id:int}", detail, methods=["GET"]),
    Route("/tasks/{task_id:int}/assignments/{row_id:int}/{task_step:str}", step, methods=["POST"]),
    Route("/tasks/{task_id:int}/files/{file_id}/{name}", task_file, methods=["GET"]),
    Route("/api/v1/tasks", api_tasks, methods=["GET"]),
    Route("/api/v1/tasks", api_create, methods=["POST"]),
    Route("/api/v1/tasks/{task_id}", api_task, methods=["GET"]),
    Route("/api/v1/tasks/{task_id}/assignments/{assignment_id}", api_step, methods=["POST"]),
]
