"""我的待办 from the members part: transfer slips waiting on the viewer's side (the outgoing
org approves and issues the letter; the receiving org accepts and places) and probationary
members whose conversion falls due within `home.HORIZON_DAYS` (or is overdue)."""

from __future__ import annotations

import datetime as dt

from tortoise.expressions import Q

from forum.clock import today
from forum.members import approvals
from forum.members.development import add_months, conversion_due, extensions_for
from forum.members.home import HORIZON_DAYS
from forum.members.models import Transfer
from forum.models import Member
from forum.policy import Viewer, approval_deadline
from forum.todo import EMPTY, TodoBatch, TodoItem, TodoSource

# What the transfer waits for, by state and side.
_OUT_STEPS = {"requested": "审批转出", "approved": "开具介绍信"}
_IN_STEPS = {"letter_issued": "接收", "accepted": "落实到党支部"}


def _scope(viewer: Viewer) -> tuple[Q, Q] | None:
    paths = viewer.admin_paths
    if not paths or viewer.suspended:
        return None
    out_side = Q(from_org__path__startswith=paths[0], state__in=list(_OUT_STEPS))
    in_side = Q(to_org__path__startswith=paths[0], state__in=list(_IN_STEPS))
    for path in paths[1:]:
        out_side |= Q(from_org__path__startswith=path, state__in=list(_OUT_STEPS))
        in_side |= Q(to_org__path__startswith=path, state__in=list(_IN_STEPS))
    return out_side, in_side


async def load_transfers(viewer: Viewer, limit: int) -> TodoBatch:
    scope = _scope(viewer)
    if scope is None:
        return EMPTY
    query = Transfer.filter(scope[0] | scope[1])
    count = await query.count()
    if not count or not limit:
        return TodoBatch(count)
    rows = await query.select_related("member", "from_org", "to_org").order_by("id").limit(limit)
    items = []
    for t in rows:
        state = str(t.state)
        verb = _OUT_STEPS.get(state) or _IN_STEPS[state]
        items.append(
            TodoItem(
                title=f"{verb}：{t.member.name}",
                href=f"/members/transfers/{t.id}",
                detail=f"{t.from_org.name} → {t.to_org.name}",
                due=t.letter_expires_on if state in _IN_STEPS else None,
            )
        )
    return TodoBatch(count, tuple(items), more_href="/members/transfers")


async def load_conversions(viewer: Viewer, limit: int) -> TodoBatch:
    paths = viewer.admin_paths
    if not paths or viewer.suspended:
        return EMPTY
    in_scope = Q(org__path__startswith=paths[0])
    for path in paths[1:]:
        in_scope |= Q(org__path__startswith=path)
    horizon = today() + dt.timedelta(days=HORIZON_DAYS)
    admitted_by = add_months(horizon, -12)
    # Probation ends a year after admission (later when extended): a cheap first cut on the
    # admission date, then the exact due date with the extensions.
    members = (
        await Member.filter(in_scope, status="probationary", probation_at__lte=admitted_by)
        .select_related("org")
        .order_by("probation_at", "id")
        .limit(200)
    )
    extensions = await extensions_for([m.id for m in members])
    due = [(m, conversion_due(m, extensions.get(m.id, 0))) for m in members]
    due = [(m, day) for m, day in due if day is not None and day <= horizon]
    items = tuple(
        TodoItem(
            title=f"预备期满，讨论转正：{m.name}",
            href=f"/members/{m.id}",
            detail=m.org.name,
            due=day,
        )
        for m, day in due[:limit]
    )
    return TodoBatch(len(due), items, more_href="/members/development")


async def load_approvals(viewer: Viewer, limit: int) -> TodoBatch:
    """Admissions, conversions, extensions and cancellations the branch has voted on and the
    viewer's committee is to approve (within three months of the vote)."""
    if viewer.suspended or not viewer.admin_paths:
        return EMPTY
    pending = await approvals.pending_for(viewer)
    items = tuple(
        TodoItem(
            title=f"审批{approvals.label_of(str(d.kind))}：{d.member.name}",
            href="/members/approvals",
            detail=f"{d.member.org.name} · 支部大会表决于 {d.voted_on.isoformat()}",
            due=approval_deadline(d.voted_on),
        )
        for d in pending[:limit]
    )
    return TodoBatch(len(pending), items, more_href="/members/approvals")


TRANSFERS = TodoSource("members.transfers", order=42, label="组织关系转接", load=load_transfers)
CONVERSIONS = TodoSource(
    "members.conversions", order=43, label="预备党员转正", load=load_conversions
)
APPROVALS = TodoSource(
    "members.approvals", order=41, label="待审批党员发展事项", load=load_approvals
)
