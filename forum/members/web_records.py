"""HTML handlers: the directory, member records (view, create, edit, reveal the ID number)."""

from __future__ import annotations

from typing import Any

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from forum.answers import done, flash, keep_in_place
from forum.errors import ActionError, NotFound
from forum.http import int_param, no_store, read_form, viewer_of
from forum.members import actions, queries
from forum.members.fields import FIELD_LABELS, MILESTONES, SEX_LABELS, TEXT_FIELDS
from forum.models import ROLE_LABELS, STATUS_LABELS, Member, Org
from forum.policy import (
    Viewer,
    can_create_member_in,
    can_edit_member,
    can_see_org,
    ensure,
    ensure_visible,
)
from forum.templating import render

FORM_KEYS = (
    "name",
    "id_number",
    "sex",
    "birth_date",
    "status",
    *TEXT_FIELDS,
    *(name for name, _ in MILESTONES),
)


def form_dict(form: FormData) -> dict[str, Any]:
    return {key: form.get(key) for key in FORM_KEYS if isinstance(form.get(key), str)}


def submitted(form: FormData) -> dict[str, str]:
    """The input as typed, for the form shown again (the ID number too: the page is not
    stored, and the number is never written to the kept-forms table)."""
    return {key: value for key, value in form.items() if isinstance(value, str)}


async def optional_org(viewer: Viewer, raw: str | None) -> Org | None:
    if not raw:
        return None
    org = await Org.get_or_none(id=int_param(raw))
    if org is None or not can_see_org(viewer, org):
        raise NotFound()
    return org


def _limit(raw: str | None) -> int:
    if not raw or not raw.isdigit():
        return queries.PAGE_SIZE
    return max(1, min(int(raw), queries.MAX_PAGE_SIZE))


async def directory(request: Request) -> Response:
    viewer = viewer_of(request)
    if not viewer.is_authenticated:
        return RedirectResponse("/login?next=/members", status_code=303)
    params = request.query_params
    org = await optional_org(viewer, params.get("org"))
    status = params.get("status") if params.get("status") in STATUS_LABELS else None
    role = params.get("role") if params.get("role") in ROLE_LABELS else None
    name = (params.get("q") or "").strip()[:32]
    after = params.get("after")
    page = await queries.search_members(
        viewer,
        name=name,
        org=org,
        status=status,
        role=role,
        after=int_param(after) if after else None,
        limit=_limit(params.get("limit")),
    )
    query_string = "&".join(
        f"{k}={v}"
        for k, v in params.items()
        if k != "after" and v and k in {"org", "status", "role"}
    )
    return no_store(
        render(
            request,
            "members/directory.html",
            {
                "page": page,
                "q": name,
                "org": org,
                "status": status,
                "role": role,
                "orgs": await queries.manageable_orgs(viewer),
                "query_string": query_string,
            },
        )
    )


async def record(request: Request) -> Response:
    viewer = viewer_of(request)
    member = await queries.get_member_for(viewer, int_param(request.path_params["member_id"]))
    context = await queries.record_context(viewer, member)
    context.update(await queries.workflow_context(viewer, member))
    return no_store(
        render(
            request,
            "members/record.html",
            {**context, "SEX_LABELS": SEX_LABELS, "FIELD_LABELS": FIELD_LABELS},
        )
    )


async def reveal(request: Request) -> Response:
    viewer = viewer_of(request)
    member = await queries.get_member_for(viewer, int_param(request.path_params["member_id"]))
    form = await read_form(request)
    reason = str(form.get("reason") or "")
    extra: dict[str, object]
    try:
        extra = {"revealed_id": await actions.reveal_id_number(viewer, member, reason)}
    except ActionError as exc:
        if exc.field != "reason":
            raise
        # The record again, the message at the reason field and the typed text kept.
        extra = {"reveal_error": exc.message, "reveal_reason": reason[:200]}
    else:
        flash(request, "已显示完整身份证号，本次查看已记入操作日志。")
    context = await queries.record_context(viewer, member)
    context.update(await queries.workflow_context(viewer, member))
    response = render(
        request,
        "members/record.html",
        {**context, "SEX_LABELS": SEX_LABELS, "FIELD_LABELS": FIELD_LABELS, **extra},
        status_code=400 if "reveal_error" in extra else 200,
    )
    return no_store(response)


async def _form_page(
    request: Request,
    *,
    member: Member | None,
    org: Org | None,
    values: dict[str, Any],
    refused: tuple[ActionError, dict[str, str]] | None = None,
) -> Response:
    """The record form; `values` are its defaults. A refused post shows the same form again
    with the input as typed and the message at its field (`old()`, `field_error()`)."""
    viewer = viewer_of(request)
    if refused is not None:
        keep_in_place(request, *refused)
    orgs = await queries.manageable_orgs(viewer)
    response = render(
        request,
        "members/form.html",
        {
            "member": member,
            "org": org,
            "orgs": [o for o in orgs if str(o.kind) != "group"],
            "groups": [o for o in orgs if str(o.kind) == "group"],
            "values": values,
            "MILESTONES": MILESTONES,
            "TEXT_FIELDS": TEXT_FIELDS,
        },
        status_code=400 if refused else 200,
    )
    return no_store(response)  # the edit form holds the record's fields


async def new_member(request: Request) -> Response:
    viewer = viewer_of(request)
    org = await optional_org(viewer, request.query_params.get("org"))
    if org is not None:
        ensure_visible(can_create_member_in(viewer, org))
    elif not await queries.manageable_orgs(viewer):
        raise NotFound()
    values = {"org_id": org.id if org else "", "status": "applicant"}
    return await _form_page(request, member=None, org=org, values=values)


async def create_member(request: Request) -> Response:
    viewer = viewer_of(request)
    form = await read_form(request)
    values = form_dict(form)
    try:
        org = await optional_org(viewer, str(form.get("org_id") or ""))
        if org is None:
            raise ActionError("请选择所在组织", field="org_id")
        group = str(form.get("group_id") or "")
        member = await actions.create_member(
            viewer, org, values, int_param(group) if group else None
        )
    except ActionError as exc:
        defaults = {"org_id": "", "status": "applicant"}
        return await _form_page(
            request, member=None, org=None, values=defaults, refused=(exc, submitted(form))
        )
    return done(request, f"/members/{member.id}", f"已录入党员「{member.name}」。")


def _member_values(member: Member) -> dict[str, Any]:
    values: dict[str, Any] = {key: getattr(member, key, "") for key in FORM_KEYS}
    values.update(
        id_number="",
        org_id=member.org_id,
        group_id=member.group_id or "",
        status=str(member.status),
    )
    for name, _ in MILESTONES:
        day = getattr(member, name)
        values[name] = day.isoformat() if day else ""
    values["birth_date"] = member.birth_date.isoformat() if member.birth_date else ""
    return values


async def edit_member(request: Request) -> Response:
    viewer = viewer_of(request)
    member = await queries.get_member_for(viewer, int_param(request.path_params["member_id"]))
    ensure_visible(can_edit_member(viewer, member))
    return await _form_page(request, member=member, org=member.org, values=_member_values(member))


async def update_member(request: Request) -> Response:
    viewer = viewer_of(request)
    member = await queries.get_member_for(viewer, int_param(request.path_params["member_id"]))
    ensure(can_edit_member(viewer, member))
    form = await read_form(request)
    values = form_dict(form)
    if not str(values.get("id_number") or "").strip():
        # Left blank on the edit form: keep the stored number (sex and birth date given on
        # the form are still checked against it, never silently ignored).
        values["id_number"] = actions.stored_id_number(member)
    values["group_id"] = form.get("group_id") or None
    try:
        new_org = await optional_org(viewer, str(form.get("org_id") or ""))
        await actions.update_member(viewer, member, values, new_org)
    except ActionError as exc:
        # The defaults are the stored record (its status is changed only by the development
        # workflow); the input shown is what was typed, a blank ID number stays blank.
        return await _form_page(
            request,
            member=member,
            org=member.org,
            values=_member_values(member),
            refused=(exc, submitted(form)),
        )
    return done(request, f"/members/{member.id}", f"已保存「{member.name}」的档案。")


routes: list[BaseRoute] = [
    Route("/members", directory, methods=["GET"]),
    Route("/members/new", new_member, methods=["GET"]),
    Route("/members/new", create_member, methods=["POST"]),
    Route("/members/{member_id:int}", record, methods=["GET"]),
    Route("/members/{member_id:int}/edit", edit_member, methods=["GET"]),
    Route("/members/{member_id:int}/edit", update_member, methods=["POST"]),
    Route("/members/{member_id:int}/reveal", reveal, methods=["POST"]),
]
