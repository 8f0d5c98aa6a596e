"""Demo data for the directory: record history, development contacts and reviews, a floating
registration for the demo floating member, and transfers in several states (one expired)."""

from __future__ import annotations

import datetime as dt

from forum.members.models import (
    DevelopmentContact,
    DevelopmentReview,
    FloatingRecord,
    MemberChange,
    Transfer,
)
from forum.models import Member
from forum.seeding import DemoContext

TODAY = dt.date(2026, 11, 1)


async def seed_discipline(ctx: DemoContext) -> None:
    """留党察看 for the demo `sanctioned` member and 停止党籍 for the last member of the third
    branch, through the real actions (decision, approval, audit, rights flags)."""
    from forum.clock import today
    from forum.members import discipline
    from forum.viewer import viewer_for_user

    day = today()
    if "sanctioned" in ctx.users and "discipline" in ctx.users:
        actor = await viewer_for_user(ctx.users["discipline"].id)
        member = await Member.get(user_id=ctx.users["sanctioned"].id).prefetch_related("org")
        await discipline.record_sanction(
            actor,
            member,
            kind="probation",
            years=1,
            decision_number="党纪〔2026〕1号",
            deciding_body="第一党支部党员大会",
            decided_on=day - dt.timedelta(days=90),
            approving_body=ctx.committee.name,
            approved_on=day - dt.timedelta(days=60),
        )
    if "committee_secretary" in ctx.users and len(ctx.branches) > 2:
        actor = await viewer_for_user(ctx.users["committee_secretary"].id)
        lost = (
            await Member.filter(org_id=ctx.branches[2].id, status="full", user_id__isnull=True)
            .order_by("-id")
            .prefetch_related("org")
            .first()
        )
        if lost is not None:
            await discipline.suspend_membership(
                actor,
                lost,
                reason="外出务工失去联系超过六个月，经多方查找无果",
                decision_number="支〔2026〕4号",
                approving_body=ctx.committee.name,
                approved_on=day - dt.timedelta(days=120),
            )


async def seed(ctx: DemoContext) -> None:
    await seed_discipline(ctx)
    members = ctx.members
    full = [m for m in members if str(m.status) == "full" and m.user_id is None]
    changes = [
        MemberChange(
            member_id=m.id,
            kind="created",
            summary="建立档案（演示数据）",
            after={"name": m.name, "status": str(m.status), "id_number": m.id_number_hint},
        )
        for m in members
    ]
    await MemberChange.bulk_create(changes, batch_size=500)
    # Introducers, trainers and reviews for people in development.
    contacts, reviews = [], []
    for m in members:
        status = str(m.status)
        same_branch = [f for f in full if f.org_id == m.org_id]
        if status in {"activist", "development_target"} and same_branch:
            contacts.append(
                DevelopmentContact(
                    member_id=m.id,
                    person_id=same_branch[0].id,
                    kind="trainer",
                    assigned_on=m.activist_at or TODAY,
                )
            )
            reviews.append(
                DevelopmentReview(
                    member_id=m.id,
                    reviewed_on=TODAY - dt.timedelta(days=ctx.rng.randint(20, 260)),
                    summary="表现良好，学习积极。",
                )
            )
        if status in {"development_target", "probationary"} and len(same_branch) >= 3:
            contacts.extend(
                DevelopmentContact(
                    member_id=m.id,
                    person_id=person.id,
                    kind="introducer",
                    assigned_on=m.development_target_at or TODAY,
                )
                for person in same_branch[1:3]
            )
    await DevelopmentContact.bulk_create(contacts, batch_size=500)
    await DevelopmentReview.bulk_create(reviews, batch_size=500)
    floating_user = ctx.users.get("floating")
    if floating_user is not None:
        member = await Member.get_or_none(user_id=floating_user.id)
        if member is not None and member.host_org_id is not None:
            await FloatingRecord.create(
                member_id=member.id,
                direction="outflow",
                certificate_number="LD2026-0001",
                host_org_id=member.host_org_id,
                starts_on=TODAY - dt.timedelta(days=60),
                ends_on=TODAY + dt.timedelta(days=120),
            )
    movers = [m for m in full if m.org_id == ctx.branches[1].id][:3]
    states = [
        ("requested", None, None),
        ("letter_issued", TODAY - dt.timedelta(days=10), TODAY + dt.timedelta(days=80)),
        ("expired", TODAY - dt.timedelta(days=120), TODAY - dt.timedelta(days=30)),
    ]
    for mover, (state, issued, expires) in zip(movers, states, strict=False):
        transfer = await Transfer.create(
            member_id=mover.id,
            from_org_id=mover.org_id,
            to_org_id=ctx.branches[3].id,
            state=state,
            reason="工作调动",
            letter_issued_on=issued,
            letter_expires_on=expires,
        )
        if issued is not None:
            transfer.letter_number = f"{issued.year}-{transfer.id:06d}"
            await transfer.save(update_fields=["letter_number"])
