"""Reads: the kinds I may file, my requests, one request, the handler queue, statistics."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from tortoise.expressions import Q

from forum.affairs.models import ServiceAttachment, ServiceKind, ServiceMessage, ServiceRequest
from forum.clock import utcnow, zone
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
    attached: dict[int, list[ServiceAttachment]] = {}
    for a in await ServiceAttachment.filter(request_id=request.id).order_by("id").limit(200):
        attached.setdefault(a.message_id or 0, []).append(a)
    has_parent = request.org.parent_id is not None
    steps = [
        (verb, step.label)
        for verb, step in SERVICE_STEPS.items()
        if can_take_service_step(viewer, request, verb, has_parent=has_parent)
    ]
    return {
        "item": request,
        "thread": thread,
        "attached": attached,
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


async def attachment_for(viewer: Viewer, request_id: int, file_id: int) -> ServiceAttachment:
    """A file of a request the viewer may see (the requester and the handling orgs)."""
    request = await ServiceRequest.get_or_none(id=request_id)
    if request is None:
        raise NotFound()
    ensure_visible(can_see_service_request(viewer, request))
    found = await ServiceAttachment.get_or_none(id=file_id, request_id=request.id)
    if found is None:
        raise NotFound()
    return found


@dataclass
class Month:
    """One bar group of the monthly chart: filed and completed in that (local) month."""

    label: str  # "2026-11"
    filed: int
    completed: int
    filed_height: int = 0
    completed_height: int = 0


CHART_HEIGHT = 120
MONTHS = 12


def _month_key(at: dt.datetime) -> str:
    return at.astimezone(zone()).strftime("%Y-%m")


async def monthly(viewer: Viewer, months: int = MONTHS) -> list[Month]:
    """Requests filed and completed per month over the last `months`, across the orgs the
    viewer handles: one query, bounded; bar heights for the template's SVG."""
    orgs = await handled_orgs(viewer)
    if not orgs:
        return []
    local = utcnow().astimezone(zone())
    year, month = local.year, local.month
    labels = []
    for _ in range(months):
        labels.append(f"{year:04d}-{month:02d}")
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    labels.reverse()
    first = dt.datetime(int(labels[0][:4]), int(labels[0][5:]), 1, tzinfo=zone())
    rows = (
        await ServiceRequest.filter(org_id__in=[o.id for o in orgs])
        .filter(Q(created_at__gte=first) | Q(closed_at__gte=first))
        .limit(50_000)
        .values("created_at", "closed_at", "state")
    )
    filed = dict.fromkeys(labels, 0)
    completed = dict.fromkeys(labels, 0)
    for r in rows:
        key = _month_key(r["created_at"])
        if key in filed:
            filed[key] += 1
        if r["state"] == "completed" and r["closed_at"] is not None:
            key = _month_key(r["closed_at"])
            if key in completed:
                completed[key] += 1
    top = max([*filed.values(), *completed.values(), 1])
    return [
        Month(
            label,
            filed[label],
            completed[label],
            round(CHART_HEIGHT * filed[label] / top),
            round(CHART_HEIGHT * completed[label] / top),
        )
        for label in labels
    ]
