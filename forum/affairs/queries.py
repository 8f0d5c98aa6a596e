"""Reads: the kinds I may file, my requests, one request, the handler queue, statistics."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tortoise.expressions import Q

from forum.affairs.models import ServiceKind, ServiceMessage, ServiceRequest
from forum.clock import utcnow
from forum.errors import NotFound
from forum.models import Org
from forum.policy import (
    SERVICE_STEPS,
    Viewer,
    can_file_service_request,
    can_manage_service_kinds,
    can_message_service_request,
    can_rate_service_request,
    can_see_service_request,
    can_take_service_step,
    ensure_visible,
    managed_orgs,
    service_overdue,
)

PER_PAGE = 50


async def kinds_for(viewer: Viewer) -> list[ServiceKind]:
    rows = await ServiceKind.filter(active=True).order_by("org_path", "id").limit(200)
    return [k for k in rows if can_file_service_request(viewer, k)]


async def kind_for(viewer: Viewer, kind_id: int) -> ServiceKind:
    kind = await ServiceKind.filter(id=kind_id).first()
    ensure_visible(kind is not None and can_file_service_request(viewer, kind).allowed)
    assert kind is not None  # noqa: S101 - checked above
    return kind


async def mine(viewer: Viewer) -> list[ServiceRequest]:
    if viewer.user_id is None:
        return []
    return list(
        await ServiceRequest.filter(requester_id=viewer.user_id)
        .select_related("kind", "org")
        .order_by("-id")
        .limit(PER_PAGE)
    )


async def handled_orgs(viewer: Viewer) -> list[Org]:
    if not viewer.is_authenticated:
        return []
    return list(await Org.filter(managed_orgs(viewer), is_active=True).order_by("path").limit(200))


async def queue(viewer: Viewer, org: Org, state: str | None = None) -> list[ServiceRequest]:
    """The queue of one org (held by it, not its subtree): open first, oldest due first."""
    ensure_visible(can_manage_service_kinds(viewer, org))
    qs = ServiceRequest.filter(org_id=org.id)
    qs = (
        qs.filter(state=state)
        if state
        else qs.filter(state__in=("submitted", "accepted", "in_progress"))
    )
    return list(
        await qs.select_related("kind", "requester").order_by("due_at", "id").limit(PER_PAGE)
    )


async def request_for(viewer: Viewer, request_id: int) -> dict[str, Any]:
    request = (
        await ServiceRequest.filter(id=request_id)
        .select_related("kind", "org", "requester")
        .first()
    )
    if request is None:
        raise NotFound()
    ensure_visible(can_see_service_request(viewer, request))
    thread = list(
        await ServiceMessage.filter(request_id=request.id)
        .select_related("author")
        .order_by("id")
        .limit(500)
    )
    has_parent = request.org.parent_id is not None
    steps = [
        (verb, step.label)
        for verb, step in SERVICE_STEPS.items()
        if can_take_service_step(viewer, request, verb, has_parent=has_parent)
    ]
    return {
        "item": request,
        "thread": thread,
        "steps": steps,
        "overdue": service_overdue(request, utcnow()),
        "can_message": can_message_service_request(viewer, request),
        "can_rate": can_rate_service_request(viewer, request),
        "fields": [
            (str(s.get("label", "")), request.data.get(str(s.get("name", "")), ""))
            for s in request.kind.fields_spec
        ],
    }


@dataclass
class OrgFigures:
    org: Org
    total: int
    open: int
    completed: int
    returned: int
    overdue: int
    average_hours: float | None
    average_rating: float | None


async def statistics(viewer: Viewer) -> list[OrgFigures]:
    """Per org I manage: volume, open, completed, returned, overdue, handling time, rating."""
    now = utcnow()
    figures: list[OrgFigures] = []
    for org in await handled_orgs(viewer):
        rows = await ServiceRequest.filter(org_id=org.id).limit(10_000)
        if not rows:
            continue
        done = [r for r in rows if r.state == "completed" and r.closed_at is not None]
        hours = [(r.closed_at - r.created_at).total_seconds() / 3600 for r in done if r.closed_at]
        rated = [r.rating for r in rows if r.rating is not None]
        figures.append(
            OrgFigures(
                org=org,
                total=len(rows),
                open=sum(r.state in {"submitted", "accepted", "in_progress"} for r in rows),
                completed=len(done),
                returned=sum(r.state == "returned" for r in rows),
                overdue=sum(service_overdue(r, now) for r in rows),
                average_hours=round(sum(hours) / len(hours), 1) if hours else None,
                average_rating=round(sum(rated) / len(rated), 1) if rated else None,
            )
        )
    return figures


def handler_orgs_filter(viewer: Viewer) -> Q:
    return managed_orgs(viewer)
