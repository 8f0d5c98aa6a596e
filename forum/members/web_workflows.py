"""HTML handlers: transfers (组织关系接转), floating members, member development."""

from __future__ import annotations

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from forum.errors import ActionError, NotFound
from forum.http import (
    INT32_MAX,
    int_field,
    int_param,
    optional_int_field,
    read_form,
    text_field,
    viewer_of,
)
from forum.members import development, floating, queries, transfers
from forum.members.web_stats import scope_org
from forum.models import Member, Org
from forum.policy import TRANSFER_STEPS, Viewer, can_see_org
from forum.templating import render


async def _org_field(
    viewer: Viewer, raw: object, field: str, *, required: bool = True
) -> Org | None:
    if not raw:
        if required:
            raise ActionError("请选择组织", field=field)
        return None
    try:
        org = await Org.get_or_none(id=int_param(raw))
    except NotFound:
        org = None
    if org is None or not can_see_org(viewer, org):
        raise ActionError("请选择有效的组织", field=field)
    return org


async def _member(request: Request) -> Member:
    return await queries.get_member_for(
        viewer_of(request), int_param(request.path_params["member_id"])
    )


def _back(member_id: int, anchor: str) -> RedirectResponse:
    return RedirectResponse(f"/members/{member_id}?saved=1#{anchor}", status_code=303)


# Transfers ------------------------------------------------------------------------------


async def transfer_list(request: Request) -> Response:
    viewer = viewer_of(request)
    if not viewer.is_authenticated:
        raise NotFound()
    lists = await transfers.transfer_lists(viewer)
    return render(
        request, "members/transfers.html", {"lists": lists, "state_label": transfers.state_label}
    )


async def transfer_slip(request: Request) -> Response:
    viewer = viewer_of(request)
    transfer = await transfers.get_transfer_for(viewer, int_param(request.path_params["tid"]))
    steps = transfers.allowed_steps(viewer, transfer)
    placements = []
    if "place" in steps:
        placements = await Org.filter(
            path__startswith=transfer.to_org.path, kind__in=["branch", "group"], is_active=True
        ).order_by("path")
    return render(
        request,
        "members/transfer.html",
        {"t": transfer, "steps": steps, "STEPS": TRANSFER_STEPS, "placements": placements},
    )


async def transfer_step(request: Request) -> Response:
    viewer = viewer_of(request)
    transfer = await transfers.get_transfer_for(viewer, int_param(request.path_params["tid"]))
    form = await read_form(request)
    placed = await _org_field(viewer, form.get("placed_org_id"), "placed_org_id", required=False)
    await transfers.advance_transfer(
        viewer,
        transfer,
        request.path_params["step"],
        reason=text_field(form, "reason", "原因", max_length=200, required=False),
        placed_org=placed,
    )
    return RedirectResponse(f"/members/transfers/{transfer.id}", status_code=303)


async def transfer_request(request: Request) -> Response:
    viewer = viewer_of(request)
    member = await _member(request)
    form = await read_form(request)
    to_org = await _org_field(viewer, form.get("to_org_id"), "to_org_id")
    assert to_org is not None  # noqa: S101 - required=True
    reason = text_field(form, "reason", "转接原因", max_length=200, required=False)
    transfer = await transfers.request_transfer(viewer, member, to_org, reason)
    return RedirectResponse(f"/members/transfers/{transfer.id}", status_code=303)


# Floating members -----------------------------------------------------------------------


async def floating_page(request: Request) -> Response:
    viewer = viewer_of(request)
    orgs = await queries.manageable_orgs(viewer)
    if not orgs:
        raise NotFound()
    lists = await floating.floating_lists(viewer)
    return render(request, "members/floating.html", {"lists": lists, "orgs": orgs})


async def floating_outflow(request: Request) -> Response:
    viewer = viewer_of(request)
    member = await _member(request)
    form = await read_form(request)
    host = await _org_field(viewer, form.get("host_org_id"), "host_org_id", required=False)
    await floating.register_outflow(
        viewer,
        member,
        str(form.get("certificate_number") or ""),
        host,
        text_field(form, "host_place", "流入地点", max_length=64, required=False),
        str(form.get("starts_on") or ""),
        str(form.get("ends_on") or ""),
    )
    return _back(member.id, "floating")


async def floating_inflow(request: Request) -> Response:
    viewer = viewer_of(request)
    form = await read_form(request)
    host = await _org_field(viewer, form.get("host_org_id"), "host_org_id")
    assert host is not None  # noqa: S101 - required=True
    await floating.register_inflow(
        viewer,
        host,
        str(form.get("id_number") or ""),
        str(form.get("certificate_number") or ""),
        str(form.get("starts_on") or ""),
        str(form.get("ends_on") or ""),
    )
    return RedirectResponse("/members/floating?saved=1", status_code=303)


async def floating_end(request: Request) -> Response:
    record = await floating.end_floating(viewer_of(request), int_param(request.path_params["rid"]))
    await read_form(request)
    return RedirectResponse(f"/members/floating?ended={record.id}", status_code=303)


# Development ----------------------------------------------------------------------------


def _vote_id(form: FormData) -> int | None:
    """The plenary vote's number: blank, or a positive whole number."""
    return optional_int_field(form, "vote_id", "表决编号", minimum=1, maximum=INT32_MAX)


async def development_page(request: Request) -> Response:
    viewer = viewer_of(request)
    org = await scope_org(viewer, request.query_params.get("org"))
    items = await development.due_list(org.path)
    return render(
        request,
        "members/development.html",
        {"org": org, "due_items": items, "orgs": await queries.manageable_orgs(viewer)},
    )


async def development_advance(request: Request) -> Response:
    viewer = viewer_of(request)
    member = await _member(request)
    form = await read_form(request)
    vote_id = _vote_id(form)
    await development.advance_member(
        viewer,
        member,
        str(form.get("target") or ""),
        on=str(form.get("on") or ""),
        vote_id=vote_id,
        note=text_field(form, "note", "备注", max_length=100, required=False),
    )
    return _back(member.id, "timeline")


async def development_contact(request: Request) -> Response:
    viewer = viewer_of(request)
    member = await _member(request)
    form = await read_form(request)
    try:
        person = await queries.get_member_for(viewer, int_param(form.get("person_id")))
    except NotFound as exc:
        raise ActionError("找不到该党员", field="person_id") from exc
    await development.add_contact(viewer, member, person, str(form.get("kind") or ""))
    return _back(member.id, "timeline")


async def development_review(request: Request) -> Response:
    viewer = viewer_of(request)
    member = await _member(request)
    form = await read_form(request)
    await development.add_review(
        viewer,
        member,
        str(form.get("reviewed_on") or ""),
        text_field(form, "summary", "考察意见", max_length=500),
    )
    return _back(member.id, "timeline")


async def development_extend(request: Request) -> Response:
    viewer = viewer_of(request)
    member = await _member(request)
    form = await read_form(request)
    months = int_field(form, "months", "延长月数", minimum=1, maximum=99)
    vote_id = _vote_id(form)
    await development.extend_probation(
        viewer,
        member,
        months=months,
        on=str(form.get("on") or ""),
        vote_id=vote_id,
        reason=text_field(
            form, "reason", "原因", max_length=development.EXTENSION_REASON_MAX, required=False
        ),
    )
    return _back(member.id, "timeline")


routes: list[BaseRoute] = [
    Route("/members/transfers", transfer_list, methods=["GET"]),
    Route("/members/transfers/{tid:int}", transfer_slip, methods=["GET"]),
    Route("/members/transfers/{tid:int}/{step:str}", transfer_step, methods=["POST"]),
    Route("/members/{member_id:int}/transfers", transfer_request, methods=["POST"]),
    Route("/members/floating", floating_page, methods=["GET"]),
    Route("/members/floating/inflow", floating_inflow, methods=["POST"]),
    Route("/members/floating/{rid:int}/end", floating_end, methods=["POST"]),
    Route("/members/{member_id:int}/floating", floating_outflow, methods=["POST"]),
    Route("/members/development", development_page, methods=["GET"]),
    Route("/members/{member_id:int}/advance", development_advance, methods=["POST"]),
    Route("/members/{member_id:int}/contacts", development_contact, methods=["POST"]),
    Route("/members/{member_id:int}/reviews", development_review, methods=["POST"]),
    Route("/members/{member_id:int}/extend", development_extend, methods=["POST"]),
]
