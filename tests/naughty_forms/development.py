"""Member development (发展党员), transfers (组织关系接转) and floating members (流动党员): the
workflow forms on a member record (members/_record_workflows.html) and the transfer slip.

Every step works once per member (a status moves on, probation is extended once, one open
transfer, one active floating registration), so `fresh` makes a new member in the right
status before each try and the readers read the row written for that member.

Dates (on, reviewed_on, starts_on, ends_on, decided_on, approved_on) and the plenary vote
number (a positive whole number of a closed, passed vote about that member) are validated
strictly and required: no naughty string is a date or a vote number, so
those fields show 0 accepted (the base request, with a real date and number, is accepted: the
other fields of the same form show it).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from tests.naughty import Form, World, id_number, latest

# The ids of the targets the last `fresh` made, for the zero-argument readers.
_made: dict[str, int] = {}


def _models() -> Any:
    from forum.members import models

    return models


async def _new_member(world: World, status: str, **dates: dt.date) -> int:
    from forum.models import Org
    from tests.factories import make_member

    branch = await Org.get(id=world.ids["branch"])
    member = await make_member(branch, status, name="语料党员", id_number=id_number(), **dates)
    _made["member"] = member.id
    world.ids["dev_member"] = member.id
    return int(member.id)


def _today() -> dt.date:
    from forum.clock import today

    return today()


async def fresh_probationary(world: World) -> None:
    """On probation for more than a year: due for conversion, or for the one extension."""
    day = _today()
    await _new_member(
        world,
        "probationary",
        applied_at=day - dt.timedelta(days=1200),
        activist_at=day - dt.timedelta(days=1100),
        development_target_at=day - dt.timedelta(days=700),
        probation_at=day - dt.timedelta(days=400),
    )


async def _passed_vote(world: World, kind: str) -> None:
    """A closed, passed plenary vote of the branch about the member `fresh` just made."""
    from forum.models import Member, Org
    from tests.factories import make_plenary_vote

    branch = await Org.get(id=world.ids["branch"])
    member = await Member.get(id=_made["member"])
    world.ids["dev_vote"] = await make_plenary_vote(branch, kind, member)


async def fresh_due_conversion(world: World) -> None:
    await fresh_probationary(world)
    await _passed_vote(world, "conversion")


async def fresh_due_extension(world: World) -> None:
    await fresh_probationary(world)
    await _passed_vote(world, "extension")


async def fresh_due_cancellation(world: World) -> None:
    await fresh_probationary(world)
    await _passed_vote(world, "cancellation")


async def fresh_pending_decision(world: World) -> None:
    """A conversion the branch reported, waiting for the committee above it."""
    from forum.members.approvals import superior_committee
    from forum.members.models import StatusDecision
    from forum.models import Member

    await fresh_due_conversion(world)
    member = await Member.get(id=_made["member"]).prefetch_related("org")
    committee = await superior_committee(member)
    assert committee is not None
    decision = await StatusDecision.create(
        member_id=member.id,
        kind="conversion",
        vote_id=world.ids["dev_vote"],
        voted_on=_today(),
        committee_id=committee.id,
    )
    _made["decision"] = decision.id
    world.ids["decision"] = decision.id


async def fresh_on_probation_sanction(world: World) -> None:
    """A full member whose 留党察看 (one year, two years ago) is due for the branch's decision."""
    from forum.members.models import Sanction

    await fresh_full(world)
    started = _today() - dt.timedelta(days=730)
    sanction = await Sanction.create(
        member_id=_made["member"],
        kind="probation",
        years=1,
        decision_number="纪〔2024〕1号",
        deciding_body="支部党员大会",
        decided_on=started,
        starts_on=started,
        ends_on=started + dt.timedelta(days=365),
        state="active",
    )
    world.ids["dev_sanction"] = sanction.id


async def fresh_suspended(world: World) -> None:
    from forum.members.models import MembershipSuspension

    await fresh_full(world)
    suspension = await MembershipSuspension.create(
        member_id=_made["member"],
        reason="失联",
        decision_number="支〔2024〕1号",
        approving_body="党委",
        approved_on=_today() - dt.timedelta(days=800),
    )
    world.ids["dev_suspension"] = suspension.id


async def fresh_target_due(world: World) -> None:
    """An activist of more than a year: due to become a development target."""
    day = _today()
    await _new_member(
        world,
        "activist",
        applied_at=day - dt.timedelta(days=600),
        activist_at=day - dt.timedelta(days=500),
    )


async def _decision(attribute: str) -> str | None:
    return await latest(_models().StatusDecision, attribute, id=_made["decision"])


async def fresh_activist(world: World) -> None:
    day = _today()
    await _new_member(
        world,
        "activist",
        applied_at=day - dt.timedelta(days=300),
        activist_at=day - dt.timedelta(days=200),
    )


async def fresh_full(world: World) -> None:
    """A full member with no open transfer and no floating registration."""
    from forum.models import Org

    if "sibling_branch" not in world.ids:
        world.ids["sibling_branch"] = (await Org.get(name="第二党支部")).id
    await _new_member(world, "full", full_at=_today() - dt.timedelta(days=800))


async def fresh_requested_transfer(world: World) -> None:
    """A transfer out of the secretary's branch waiting for the outgoing side."""
    from forum.members.models import Transfer

    await fresh_full(world)
    transfer = await Transfer.create(
        member_id=_made["member"],
        from_org_id=world.ids["branch"],
        to_org_id=world.ids["sibling_branch"],
        reason="工作调动",
        requested_by_id=world.ids["secretary_user"],
    )
    _made["transfer"] = transfer.id
    world.ids["transfer"] = transfer.id


async def _change(attribute: str) -> str | None:
    return await latest(_models().MemberChange, attribute, member_id=_made["member"], kind="status")


async def _change_tail(prefix: str) -> str | None:
    """The note or reason a status change keeps after its label: "转为正式党员：<note>"."""
    summary = await _change("summary")
    return None if summary is None else summary.removeprefix(prefix)


async def _of_member(model: str, attribute: str) -> str | None:
    return await latest(getattr(_models(), model), attribute, member_id=_made["member"])


async def _rejection() -> str | None:
    return await latest(_models().Transfer, "rejection_reason", id=_made["transfer"])


def _today_iso(w: World) -> str:
    return _today().isoformat()


async def fresh_duplicate(world: World) -> None:
    """Two records of the branch under one open duplicate case (the committee resolves)."""
    from forum.members.models import DuplicateCase

    one = await _new_member(world, "applicant")
    two = await _new_member(world, "applicant")
    case = await DuplicateCase.create(member_id=two, existing_id=one, org_id=world.ids["branch"])
    _made["duplicate"], world.ids["duplicate"], world.ids["dup_keep"] = case.id, case.id, one


async def _duplicate_note() -> str | None:
    return await latest(_models().DuplicateCase, "note", id=_made["duplicate"])


async def fresh_exclusion(world: World, *, approved: bool = False) -> None:
    """A full member the branch proposed not to count in 应到 (approved: and the committee
    approved it, with the plenary's passed vote ready to cite)."""
    from forum.members.approvals import superior_committee
    from forum.members.models import RollExclusion
    from forum.models import Member

    await fresh_full(world)
    member = await Member.get(id=_made["member"]).prefetch_related("org")
    committee = await superior_committee(member)
    assert committee is not None
    item = await RollExclusion.create(
        member_id=member.id,
        org_id=member.org_id,
        committee_id=committee.id,
        category="abroad",
        reason="自费留学",
        state="approved" if approved else "proposed",
        approved_on=_today() if approved else None,
    )
    _made["exclusion"] = world.ids["exclusion"] = item.id
    if approved:
        await _passed_vote(world, "exclusion")


async def fresh_approved_exclusion(world: World) -> None:
    await fresh_exclusion(world, approved=True)


async def _exclusion(attribute: str) -> str | None:
    return await latest(_models().RollExclusion, attribute, id=_made["exclusion"])


FORMS: dict[str, Form] = {
    # 不计入应到: proposed by the branch, approved by the committee, passed by the plenary.
    "roll exclusion: propose": Form(
        "secretary",
        lambda w: f"/members/{w.ids['dev_member']}/roll-exclusions",
        {
            "category": None,  # one of five keys: naughty strings are refused
            "reason": lambda: _of_member("RollExclusion", "reason"),
        },
        lambda w: {"category": "abroad", "reason": "自费留学两年"},
        fresh=fresh_full,
    ),
    "roll exclusion: approve": Form(
        "admin",
        lambda w: f"/members/roll-exclusions/{w.ids['exclusion']}/approve",
        {"on": lambda: _exclusion("approved_on"), "note": lambda: _exclusion("approval_note")},
        lambda w: {"on": _today_iso(w), "note": "组〔2026〕1号", "confirmed": "1"},
        fresh=fresh_exclusion,
    ),
    "roll exclusion: reject": Form(
        "admin",
        lambda w: f"/members/roll-exclusions/{w.ids['exclusion']}/reject",
        {"on": lambda: _exclusion("approved_on"), "note": lambda: _exclusion("approval_note")},
        lambda w: {"on": _today_iso(w), "note": "情况不符", "confirmed": "1"},
        fresh=fresh_exclusion,
    ),
    "roll exclusion: plenary vote": Form(
        "secretary",
        lambda w: f"/members/roll-exclusions/{w.ids['exclusion']}/vote",
        {"vote_id": lambda: _exclusion("vote_id")},
        lambda w: {"vote_id": str(w.ids["dev_vote"]), "confirmed": "1"},
        fresh=fresh_approved_exclusion,
    ),
    "roll exclusion: end": Form(
        "secretary",
        lambda w: f"/members/roll-exclusions/{w.ids['exclusion']}/end",
        {
            "ended_on": lambda: _exclusion("ended_on"),
            "end_reason": lambda: _exclusion("end_reason"),
        },
        lambda w: {"ended_on": _today_iso(w), "end_reason": "已回国", "confirmed": "1"},
        fresh=fresh_approved_exclusion,
    ),
    "duplicates: merge": Form(
        "admin",
        lambda w: f"/members/duplicates/{w.ids['duplicate']}/merge",
        {"keep": None, "note": _duplicate_note},
        lambda w: {"keep": str(w.ids["dup_keep"]), "note": "同一人", "confirmed": "1"},
        fresh=fresh_duplicate,
    ),
    "duplicates: dismiss": Form(
        "admin",
        lambda w: f"/members/duplicates/{w.ids['duplicate']}/dismiss",
        {"note": _duplicate_note},
        lambda w: {"note": "不是同一人"},
        fresh=fresh_duplicate,
    ),
    # Conversion (转为正式党员): the plenary's vote reported to the committee, with a reason.
    "development: report conversion": Form(
        "secretary",
        lambda w: f"/members/{w.ids['dev_member']}/advance",
        {
            "vote_id": lambda: _of_member("StatusDecision", "vote_id"),  # a positive number
            "reason": lambda: _of_member("StatusDecision", "reason"),
        },
        # Confirmed (the report goes to the committee): the strings reach the step itself.
        lambda w: {
            "target": "full",
            "vote_id": str(w.ids["dev_vote"]),
            "reason": "按期转正",
            "confirmed": "1",
        },
        fresh=fresh_due_conversion,
    ),
    "development: report extension": Form(
        "secretary",
        lambda w: f"/members/{w.ids['dev_member']}/extend",
        {
            "vote_id": lambda: _of_member("StatusDecision", "vote_id"),
            "reason": lambda: _of_member("StatusDecision", "reason"),
        },
        lambda w: {
            "months": "6",
            "vote_id": str(w.ids["dev_vote"]),
            "reason": "需继续考察",
            "confirmed": "1",
        },
        fresh=fresh_due_extension,
    ),
    # The steps a secretary takes alone (here: 确定为发展对象) keep their date and note.
    "development: advance": Form(
        "secretary",
        lambda w: f"/members/{w.ids['dev_member']}/advance",
        {
            "on": lambda: _change("effective_on"),  # a date: naughty strings are refused
            "note": lambda: _change_tail("确定为发展对象："),
        },
        lambda w: {
            "target": "development_target",
            "on": _today_iso(w),
            "note": "考察合格",
            "confirmed": "1",
        },
        fresh=fresh_target_due,
    ),
    "development: report cancellation": Form(
        "secretary",
        lambda w: f"/members/{w.ids['dev_member']}/decisions",
        {"reason": lambda: _of_member("StatusDecision", "reason")},
        lambda w: {
            "kind": "cancellation",
            "vote_id": str(w.ids["dev_vote"]),
            "reason": "不履行党员义务",
            "confirmed": "1",
        },
        fresh=fresh_due_cancellation,
    ),
    "development: approve": Form(
        "admin",
        lambda w: f"/members/decisions/{w.ids['decision']}/approve",
        {
            "on": lambda: _decision("decided_on"),
            "note": lambda: _decision("decision_note"),
        },
        lambda w: {"on": _today_iso(w), "note": "同意", "confirmed": "1"},
        fresh=fresh_pending_decision,
    ),
    "development: reject": Form(
        "admin",
        lambda w: f"/members/decisions/{w.ids['decision']}/reject",
        {
            "on": lambda: _decision("decided_on"),
            "note": lambda: _decision("decision_note"),
        },
        lambda w: {"on": _today_iso(w), "note": "材料不全", "confirmed": "1"},
        fresh=fresh_pending_decision,
    ),
    "discipline: end probation sanction": Form(
        "secretary",
        lambda w: f"/members/sanctions/{w.ids['dev_sanction']}/end",
        {
            "on": lambda: _of_member("Sanction", "outcome_on"),
            "decision_number": lambda: _of_member("Sanction", "outcome_decision"),
        },
        lambda w: {
            "outcome": "restore",
            "on": _today_iso(w),
            "decision_number": "支〔2026〕5号",
            "confirmed": "1",
        },
        fresh=fresh_on_probation_sanction,
    ),
    "discipline: end suspension": Form(
        "secretary",
        lambda w: f"/members/suspensions/{w.ids['dev_suspension']}/end",
        {
            "on": lambda: _of_member("MembershipSuspension", "ended_on"),
            "note": lambda: _of_member("MembershipSuspension", "end_note"),
        },
        lambda w: {
            "outcome": "restore",
            "on": _today_iso(w),
            "note": "已取得联系",
            "confirmed": "1",
        },
        fresh=fresh_suspended,
    ),
    "discipline: record sanction": Form(
        "secretary",
        lambda w: f"/members/{w.ids['dev_member']}/sanctions",
        {
            "decision_number": lambda: _of_member("Sanction", "decision_number"),
            "deciding_body": lambda: _of_member("Sanction", "deciding_body"),
            "decided_on": lambda: _of_member("Sanction", "decided_on"),
            "approving_body": lambda: _of_member("Sanction", "approving_body"),
            "approved_on": lambda: _of_member("Sanction", "approved_on"),
        },
        lambda w: {
            "kind": "warning",
            "decision_number": "纪〔2026〕1号",
            "deciding_body": "支部党员大会",
            "decided_on": _today_iso(w),
            "approving_body": "党委",
            "approved_on": _today_iso(w),
            "confirmed": "1",
        },
        fresh=fresh_full,
    ),
    "discipline: suspend membership": Form(
        "secretary",
        lambda w: f"/members/{w.ids['dev_member']}/suspensions",
        {
            "reason": lambda: _of_member("MembershipSuspension", "reason"),
            "decision_number": lambda: _of_member("MembershipSuspension", "decision_number"),
            "approving_body": lambda: _of_member("MembershipSuspension", "approving_body"),
            "approved_on": lambda: _of_member("MembershipSuspension", "approved_on"),
        },
        lambda w: {
            "reason": "失去联系超过六个月",
            "decision_number": "支〔2026〕2号",
            "approving_body": "党委",
            "approved_on": _today_iso(w),
            "confirmed": "1",
        },
        fresh=fresh_full,
    ),
    "development: review": Form(
        "secretary",
        lambda w: f"/members/{w.ids['dev_member']}/reviews",
        {
            "reviewed_on": lambda: _of_member("DevelopmentReview", "reviewed_on"),
            "summary": lambda: _of_member("DevelopmentReview", "summary"),
        },
        lambda w: {"reviewed_on": _today_iso(w), "summary": "表现良好"},
        fresh=fresh_activist,
    ),
    # The admin's and the member's own transfer forms post the same fields here.
    "development: request transfer": Form(
        "secretary",
        lambda w: f"/members/{w.ids['dev_member']}/transfers",
        {"reason": lambda: _of_member("Transfer", "reason")},
        lambda w: {"to_org_id": str(w.ids["sibling_branch"]), "reason": "工作调动"},
        fresh=fresh_full,
    ),
    "development: reject transfer": Form(
        "secretary",
        lambda w: f"/members/transfers/{w.ids['transfer']}/reject",
        {"reason": _rejection},
        lambda w: {"reason": "材料不全", "confirmed": "1"},
        fresh=fresh_requested_transfer,
    ),
    "development: floating outflow": Form(
        "secretary",
        lambda w: f"/members/{w.ids['dev_member']}/floating",
        {
            "certificate_number": lambda: _of_member("FloatingRecord", "certificate_number"),
            "host_place": lambda: _of_member("FloatingRecord", "host_place"),
            "starts_on": lambda: _of_member("FloatingRecord", "starts_on"),
            "ends_on": lambda: _of_member("FloatingRecord", "ends_on"),
        },
        lambda w: {
            "certificate_number": "LD-2024-001",
            "host_org_id": "",
            "host_place": "广东省深圳市南山区",
            "starts_on": _today_iso(w),
            "ends_on": (_today() + dt.timedelta(days=365)).isoformat(),
        },
        fresh=fresh_full,
    ),
}
