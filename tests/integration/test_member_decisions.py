"""Admission, conversion, extension and cancellation through HTTP: the branch cites a closed,
passed plenary vote about the person, the superior committee approves (domain.md §2)."""

from __future__ import annotations

import datetime as dt

from forum import clock
from forum.auditlog import AuditEntry
from forum.members.development import add_months
from forum.members.models import MemberChange, ProbationExtension, StatusDecision
from forum.models import Member
from tests.factories import Tree, make_member, make_person, make_plenary_vote, make_tree
from tests.helpers import Client

TODAY = clock.today()


async def _people(tree: Tree) -> None:
    await make_person(tree.branch_a, role="secretary", username="sec")
    await make_person(tree.branch_b, role="secretary", username="sibling")
    await make_person(tree.committee, role="secretary", username="committee")
    await make_person(tree.other_committee, role="secretary", username="stranger")


async def _target(tree: Tree) -> Member:
    target = await make_member(
        tree.branch_a,
        "development_target",
        name="发展对象甲",
        applied_at=TODAY - dt.timedelta(days=900),
        activist_at=TODAY - dt.timedelta(days=800),
        development_target_at=TODAY - dt.timedelta(days=200),
    )
    for name in ("介绍人甲", "介绍人乙"):
        person = await make_member(tree.branch_a, "full", name=name)
        from forum.members.models import DevelopmentContact

        await DevelopmentContact.create(
            member_id=target.id, person_id=person.id, kind="introducer", assigned_on=TODAY
        )
    return target


async def test_admission_waits_for_the_committee_and_dates_come_from_the_vote(
    client: Client,
) -> None:
    tree = await make_tree()
    await _people(tree)
    target = await _target(tree)
    voted = TODAY - dt.timedelta(days=10)
    vote = await make_plenary_vote(
        tree.branch_a, "admission", target, closed_on=voted, title="接收发展对象甲为预备党员"
    )
    await client.login("sec")
    page = await client.get(f"/members/{target.id}")
    assert "报上级党委审批" in page.text and "接收发展对象甲为预备党员" in page.text
    step = {"target": "probationary", "vote_id": str(vote)}
    asked = await client.post_form(f"/members/{target.id}/advance", step)
    assert asked.status_code == 200 and "确定报批" in asked.text
    assert not await StatusDecision.exists(member_id=target.id)
    response = await client.post_form(f"/members/{target.id}/advance", {**step, "confirmed": "1"})
    assert response.status_code == 303
    page = await client.get(response.headers["location"])
    assert "已报" in page.text and "待上级党委审批" in page.text
    assert (await Member.get(id=target.id)).status == "development_target"
    decision = await StatusDecision.get(member_id=target.id)
    assert decision.state == "pending" and decision.voted_on == voted
    # The branch secretary cannot approve its own report.
    refused = await client.post_form(
        f"/members/decisions/{decision.id}/approve", {"on": TODAY.isoformat(), "confirmed": "1"}
    )
    assert refused.status_code == 403
    # A sibling branch and another committee do not see it at all.
    for outsider in ("sibling", "stranger"):
        await client.logout()
        await client.login(outsider)
        response = await client.post_form(
            f"/members/decisions/{decision.id}/approve",
            {"on": TODAY.isoformat(), "confirmed": "1"},
        )
        assert response.status_code == 404, outsider
        listing = await client.get("/members/approvals")
        assert "发展对象甲" not in listing.text
    await client.logout()
    await client.login("committee")
    listing = await client.get("/members/approvals")
    assert listing.status_code == 200 and "发展对象甲" in listing.text
    url = f"/members/decisions/{decision.id}/approve"
    future = await client.post_form(
        url, {"on": (TODAY + dt.timedelta(days=1)).isoformat(), "confirmed": "1"}
    )
    assert future.status_code == 400 and "不能晚于今天" in future.text
    early = await client.post_form(
        url, {"on": (voted - dt.timedelta(days=1)).isoformat(), "confirmed": "1"}
    )
    assert early.status_code == 400 and "不能早于" in early.text
    asked = await client.post_form(url, {"on": TODAY.isoformat()})
    assert asked.status_code == 200 and "确定批准" in asked.text
    assert (await Member.get(id=target.id)).status == "development_target"
    done = await client.post_form(url, {"on": TODAY.isoformat(), "confirmed": "1"})
    assert done.status_code == 303
    member = await Member.get(id=target.id)
    # Probation runs from the day the plenary passed admission, not from the approval.
    assert member.status == "probationary" and member.probation_at == voted
    decision = await StatusDecision.get(id=decision.id)
    assert decision.state == "approved" and decision.decided_on == TODAY and not decision.late
    actions = set(
        await AuditEntry.filter(target_id=target.id, target_type="member").values_list(
            "action", flat=True
        )
    )
    assert {"member.status_proposed", "member.status_approved"} <= actions
    again = await client.post_form(url, {"on": TODAY.isoformat(), "confirmed": "1"})
    assert again.status_code == 400 and "已审批" in again.text


async def test_refused_votes_write_nothing(client: Client) -> None:
    tree = await make_tree()
    await _people(tree)
    target = await _target(tree)
    someone_else = await _target(tree)
    sibling_target = await make_member(tree.branch_b, "development_target")
    cases = {
        "999999": "找不到本支部党员大会的该项表决",
        str(await make_plenary_vote(tree.branch_a, "admission", target, passed=False)): "未获通过",
        str(await make_plenary_vote(tree.branch_a, "admission", someone_else)): "不是关于该同志",
        # A plenary of the sibling branch: answered like an unknown vote.
        str(
            await make_plenary_vote(tree.branch_b, "admission", sibling_target)
        ): "找不到本支部党员大会的该项表决",
        str(
            await make_plenary_vote(
                tree.branch_a, "admission", target, meeting_type="branch_committee"
            )
        ): "找不到本支部党员大会的该项表决",
        str(await make_plenary_vote(tree.branch_a, "admission", target, state="open")): "尚未结束",
        str(await make_plenary_vote(tree.branch_a, "motion", None)): "不是「接收为预备党员」表决",
    }
    await client.login("sec")
    for vote_id, message in cases.items():
        response = await client.post_form(
            f"/members/{target.id}/advance",
            {"target": "probationary", "vote_id": vote_id, "confirmed": "1"},
        )
        assert response.status_code == 400 and message in response.text, vote_id
        api = await client.post_json(
            f"/api/v1/members/{target.id}/decisions",
            {"kind": "admission", "vote_id": int(vote_id)},
        )
        assert api.status_code == 400 and message in api.json()["error"], vote_id
    assert not await StatusDecision.exists(member_id=target.id)
    assert not await MemberChange.exists(member_id=target.id)
    assert (await Member.get(id=target.id)).status == "development_target"


async def test_conversion_counts_party_age_from_the_end_of_probation_and_flags_late(
    client: Client,
) -> None:
    tree = await make_tree()
    await _people(tree)
    start = TODAY - dt.timedelta(days=500)
    member = await make_member(tree.branch_a, "probationary", probation_at=start)
    voted = TODAY - dt.timedelta(days=120)  # after the year, approval now: over three months
    vote = await make_plenary_vote(tree.branch_a, "conversion", member, closed_on=voted)
    await client.login("sec")
    response = await client.post_json(
        f"/api/v1/members/{member.id}/decisions", {"kind": "conversion", "vote_id": vote}
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["state"] == "pending" and body["deadline"] == add_months(voted, 3).isoformat()
    reused = await client.post_json(
        f"/api/v1/members/{member.id}/decisions", {"kind": "conversion", "vote_id": vote}
    )
    assert reused.status_code == 400
    await client.logout()
    await client.login("committee")
    pending = await client.get("/api/v1/members/decisions")
    assert [d["id"] for d in pending.json()["items"]] == [body["id"]]
    approved = await client.post_json(
        f"/api/v1/members/decisions/{body['id']}/approve", {"on": TODAY.isoformat()}
    )
    assert approved.status_code == 200 and approved.json()["late"] is True
    converted = await Member.get(id=member.id)
    assert converted.status == "full" and converted.full_at == add_months(start, 12)
    page = await client.get(f"/members/{member.id}")
    assert "超过三个月审批期限" in page.text


async def test_rejection_needs_a_reason_and_changes_nothing(client: Client) -> None:
    tree = await make_tree()
    await _people(tree)
    member = await make_member(
        tree.branch_a, "probationary", probation_at=TODAY - dt.timedelta(days=400)
    )
    vote = await make_plenary_vote(tree.branch_a, "cancellation", member)
    await client.login("sec")
    response = await client.post_form(
        f"/members/{member.id}/decisions",
        {
            "kind": "cancellation",
            "vote_id": str(vote),
            "reason": "不履行党员义务",
            "confirmed": "1",
        },
    )
    assert response.status_code == 303
    decision = await StatusDecision.get(member_id=member.id)
    await client.logout()
    await client.login("committee")
    url = f"/members/decisions/{decision.id}/reject"
    blank = await client.post_form(url, {"on": TODAY.isoformat(), "confirmed": "1"})
    assert blank.status_code == 400 and "须填写理由" in blank.text
    rejected = await client.post_form(
        url, {"on": TODAY.isoformat(), "note": "材料不全", "confirmed": "1"}
    )
    assert rejected.status_code == 303
    assert (await Member.get(id=member.id)).status == "probationary"
    assert (await StatusDecision.get(id=decision.id)).state == "rejected"
    assert await AuditEntry.exists(action="member.status_rejected", target_id=member.id)


async def test_cancellation_and_extension_take_effect_on_approval(client: Client) -> None:
    tree = await make_tree()
    await _people(tree)
    start = TODAY - dt.timedelta(days=400)
    extended = await make_member(tree.branch_a, "probationary", probation_at=start)
    cancelled = await make_member(tree.branch_a, "probationary", probation_at=start)
    await client.login("sec")
    for months, ok in (("5", False), ("13", False), ("12", True)):
        vote = await make_plenary_vote(tree.branch_a, "extension", extended)
        response = await client.post_form(
            f"/members/{extended.id}/extend",
            {"months": months, "vote_id": str(vote), "confirmed": "1"},
        )
        assert (response.status_code == 303) is ok, months
    vote = await make_plenary_vote(tree.branch_a, "cancellation", cancelled)
    response = await client.post_json(
        f"/api/v1/members/{cancelled.id}/decisions", {"kind": "cancellation", "vote_id": vote}
    )
    assert response.status_code == 201
    await client.logout()
    await client.login("committee")
    for decision in await StatusDecision.filter(state="pending"):
        response = await client.post_json(
            f"/api/v1/members/decisions/{decision.id}/approve", {"on": TODAY.isoformat()}
        )
        assert response.status_code == 200, response.text
    extension = await ProbationExtension.get(member_id=extended.id)
    assert extension.months == 12
    assert (await Member.get(id=cancelled.id)).status == "public"
    assert (await Member.get(id=extended.id)).status == "probationary"


async def test_demo_plenary_passed_the_targets_admission(client: Client) -> None:
    """The demo's archived plenary leaves a closed, passed admission vote about the demo
    development target: the secretary's record page offers it for reporting."""
    from forum.demo import seed_demo

    assert await seed_demo(progress=lambda _: None) is not None
    await client.login("secretary")
    target = await Member.get(user__username="target")
    page = await client.get(f"/members/{target.id}")
    assert page.status_code == 200
    from realtime.meetings.models import Vote

    votes = await Vote.filter(candidate_id=target.id).values("kind", "state", "result", "title")
    assert votes and votes[0]["result"]["passed"], votes
    assert f"讨论接收{target.name}为预备党员（通过）" in page.text
    # The demo's discipline cases went through the real actions: recorded, audited.
    from forum.members.models import MembershipSuspension, Sanction

    sanctioned = await Member.get(user__username="sanctioned")
    assert sanctioned.on_probation_sanction
    assert await Sanction.exists(member_id=sanctioned.id, kind="probation", state="active")
    suspension = await MembershipSuspension.get(state="active").prefetch_related("member")
    assert suspension.member.membership_suspended
    assert await AuditEntry.filter(action="member.sanction_recorded").count() == 1
    assert await AuditEntry.filter(action="member.membership_suspended").count() == 1
