"""Reads for the directory and member records: scoped at query level, keyset pages, no N+1."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from tortoise.expressions import Subquery

from forum import recordfacts, studyrecords
from forum.clock import today
from forum.errors import NotFound
from forum.members.fields import MILESTONES
from forum.members.models import (
    DevelopmentContact,
    DevelopmentReview,
    FloatingRecord,
    MemberChange,
    Transfer,
)
from forum.models import Member, Org, OrgRole, in_tree_order
from forum.policy import (
    MEMBER_FIELDS,
    NOTHING,
    SANCTION_KINDS,
    STATUS_DECISION_KINDS,
    Viewer,
    can_see_member,
    can_see_member_field,
    ensure_visible,
    managed_orgs,
    visible_members,
)

PAGE_SIZE = 30
MAX_PAGE_SIZE = 200


async def get_member_for(viewer: Viewer, member_id: int) -> Member:
    member = await Member.filter(id=member_id).select_related("org", "group", "user").first()
    if member is None:
        raise NotFound()
    ensure_visible(can_see_member(viewer, member))
    return member


async def get_org(org_id: int) -> Org:
    org = await Org.get_or_none(id=org_id)
    if org is None:
        raise NotFound()
    return org


@dataclass
class DirectoryPage:
    members: list[Member]
    roles: dict[int, list[OrgRole]]
    next_cursor: int | None
    filters: dict[str, Any] = field(default_factory=dict)


async def search_members(
    viewer: Viewer,
    *,
    name: str = "",
    org: Org | None = None,
    status: str | None = None,
    role: str | None = None,
    after: int | None = None,
    limit: int = PAGE_SIZE,
    max_limit: int = MAX_PAGE_SIZE,
) -> DirectoryPage:
    """One keyset page (by id) of the directory; two queries whatever the page size."""
    query = Member.filter(visible_members(viewer))
    if name:
        query = query.filter(name__contains=name)
    if org is not None:
        query = query.filter(org__path__startswith=org.path)
    if status:
        query = query.filter(status=status)
    if role:
        holders = OrgRole.filter(role=role, ended_at__isnull=True).values("user_id")
        query = query.filter(user_id__in=Subquery(holders))
    if after is not None:
        query = query.filter(id__gt=after)
    limit = max(1, min(limit, max_limit))
    rows = await query.order_by("id").limit(limit + 1).select_related("org", "group")
    next_cursor = rows[limit - 1].id if len(rows) > limit else None
    rows = rows[:limit]
    return DirectoryPage(rows, await roles_by_user(rows), next_cursor)


async def roles_by_user(members: list[Member]) -> dict[int, list[OrgRole]]:
    user_ids = [m.user_id for m in members if m.user_id is not None]
    if not user_ids:
        return {}
    grants = (
        await OrgRole.filter(user_id__in=user_ids, ended_at__isnull=True, org_id__isnull=False)
        .select_related("org")
        .order_by("id")
    )
    result: dict[int, list[OrgRole]] = {}
    for grant in grants:
        result.setdefault(grant.user_id, []).append(grant)
    return result


@dataclass
class TimelineEntry:
    on: dt.date
    title: str
    kind: str
    vote_id: int | None = None


async def timeline(member: Member, changes: list[MemberChange]) -> list[TimelineEntry]:
    """Milestones from the record plus status, transfer and floating changes, newest first."""
    entries = [
        TimelineEntry(getattr(member, name), label, "milestone")
        for name, label in MILESTONES
        if getattr(member, name) is not None
    ]
    for change in changes:
        if change.kind in {"status", "transfer", "floating", "development", "roll"}:
            on = change.effective_on or change.created_at.date()
            entries.append(TimelineEntry(on, change.summary, change.kind, change.vote_id))
    entries.sort(key=lambda e: e.on, reverse=True)
    return entries


async def record_context(viewer: Viewer, member: Member) -> dict[str, Any]:
    """Everything the record page shows, loaded only where the viewer may see it."""
    roles = await roles_by_user([member])
    context: dict[str, Any] = {
        "member": member,
        "roles": roles.get(member.user_id or 0, []),
        "show": {f: can_see_member_field(viewer, member, f) for f in MEMBER_FIELDS},
        "changes": [],
        "timeline": [],
        "transfers": [],
        "floating_records": [],
        "contacts": [],
        "reviews": [],
        "decisions": [],
        "roll_exclusions": None,
        "record_facts": [],
        "committee": None,
        "sanctions": [],
        "suspensions": [],
        "SANCTION_KINDS": SANCTION_KINDS,
        "today": today(),
        "DECISION_LABELS": {k: label for k, (_, label) in STATUS_DECISION_KINDS.items()},
        "age": None,
    }
    if context["show"]["discipline"]:
        from forum.members import discipline

        context.update(await discipline.record_of(member.id))
    if not context["show"]["milestones"]:
        return context
    changes = await MemberChange.filter(member_id=member.id).order_by("-id").limit(100)
    context["timeline"] = await timeline(member, changes)
    if context["show"]["changes"]:
        context["changes"] = changes
    context["transfers"] = (
        await Transfer.filter(member_id=member.id)
        .select_related("from_org", "to_org", "placed_org")
        .order_by("-id")
    )
    context["floating_records"] = (
        await FloatingRecord.filter(member_id=member.id).select_related("host_org").order_by("-id")
    )
    context["contacts"] = (
        await DevelopmentContact.filter(member_id=member.id).select_related("person").order_by("id")
    )
    context["reviews"] = await DevelopmentReview.filter(member_id=member.id).order_by(
        "-reviewed_on"
    )
    from forum.members import approvals

    context["decisions"] = await approvals.decisions_of(member.id)
    context["committee"] = await approvals.superior_committee(member)
    context.update(await _roll_exclusion_context(viewer, member, context["committee"]))
    context["training"] = await studyrecords.completed_training(member.id)
    context["record_facts"] = await recordfacts.sections_for(member.id)
    if member.birth_date:
        day = today()
        context["age"] = (
            day.year
            - member.birth_date.year
            - ((day.month, day.day) < (member.birth_date.month, member.birth_date.day))
        )
    return context


async def _roll_exclusion_context(
    viewer: Viewer, member: Member, committee: Org | None
) -> dict[str, Any]:
    """不计入应到: the branch's admins and the approving org's see the record's decisions."""
    from forum.decisions import EXCLUSION_LABELS
    from forum.members import exclusions
    from forum.policy import can_approve_roll_exclusion, can_manage_roll_exclusion

    if not (
        can_manage_roll_exclusion(viewer, member)
        or can_approve_roll_exclusion(viewer, member, committee)
    ):
        return {"roll_exclusions": None}
    return {
        "roll_exclusions": await exclusions.of_member(member.id),
        "EXCLUSION_LABELS": EXCLUSION_LABELS,
    }


async def manageable_orgs(viewer: Viewer) -> list[Org]:
    """Active orgs inside the viewer's admin scope (for pickers), in tree order."""
    clause = managed_orgs(viewer)
    return [] if clause is NOTHING else in_tree_order(await Org.filter(clause, is_active=True))


async def workflow_context(viewer: Viewer, member: Member) -> dict[str, Any]:
    """Choices for the admin forms on a record page (transfer targets, introducers...)."""
    from forum.members.development import NEXT_STATUS, RULES
    from forum.policy import can_edit_member, can_propose_status_change

    targets_query = Org.filter(is_active=True, kind__in=["committee", "general_branch", "branch"])
    if not can_edit_member(viewer, member):
        if viewer.member_id != member.id or viewer.suspended:
            return {"workflows": False, "self_service": False}
        # A member may ask for their own transfer (the outgoing admins then approve it).
        targets = await targets_query
        return {
            "workflows": False,
            "self_service": True,
            "transfer_targets": sorted(
                (o for o in targets if o.id != member.org_id), key=lambda o: o.path
            ),
        }
    targets = await targets_query
    candidates = (
        await Member.filter(org__path__startswith=member.org.path, status="full")
        .exclude(id=member.id)
        .order_by("name")
        .limit(200)
    )
    next_status = NEXT_STATUS.get(str(member.status))
    from forum.decisions import votes_about

    votes = (
        await votes_about(member.id, member.org_id)
        if can_propose_status_change(viewer, member)
        else []
    )
    return {
        "plenary_votes": votes,
        "workflows": True,
        "self_service": False,
        "transfer_targets": sorted(
            (o for o in targets if o.id != member.org_id), key=lambda o: o.path
        ),
        "contact_candidates": candidates,
        "next_rule": RULES[next_status] if next_status else None,
        "host_orgs": [o for o in targets if o.id != member.org_id],
    }
