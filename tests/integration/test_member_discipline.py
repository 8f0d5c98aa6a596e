"""Discipline (党纪处分) and 停止党籍 through HTTP: recorded with decision and approval, shown
on the record, rights follow at once (open sockets are told), every step audited."""

from __future__ import annotations

import datetime as dt
from typing import Any

from forum import clock
from forum.auditlog import AuditEntry
from forum.members.models import MembershipSuspension, Sanction
from forum.models import Member
from forum.policy import add_months, can_vote_in
from tests.factories import make_person, make_tree, viewer_of
from tests.helpers import Client

TODAY = clock.today()


async def _setup() -> tuple[Any, Member, Any]:
    tree = await make_tree()
    await make_person(tree.branch_a, role="discipline_member", username="jiwei")
    await make_person(tree.branch_a, role="organization_member", username="zuzhi")
    await make_person(tree.branch_b, role="secretary", username="sibling")
    await make_person(tree.committee, role="org_admin", username="committee")
    user = await make_person(
        tree.branch_a, "full", username="offender", full_at=dt.date(2010, 1, 1)
    )
    member = await Member.get(user_id=user.id)
    return tree, member, user


def _sanction_form(**overrides: str) -> dict[str, str]:
    return {
        "kind": "probation",
        "years": "1",
        "decision_number": "党纪〔2026〕3号",
        "deciding_body": "甲支部党员大会",
        "decided_on": (TODAY - dt.timedelta(days=10)).isoformat(),
        "approving_body": "党委",
        "approved_on": (TODAY - dt.timedelta(days=5)).isoformat(),
        "confirmed": "1",
        **overrides,
    }


async def test_probation_sanction_removes_the_vote_at_once_and_ends_on_its_day(
    client: Client, published_events: Any
) -> None:
    tree, member, user = await _setup()
    assert can_vote_in(await viewer_of(user), tree.branch_a)
    messages = published_events.on(f"user:{user.id}")
    # Who may not: the organization member, a sibling branch (it does not even see him).
    for outsider, status in (("zuzhi", 403), ("sibling", 404)):
        await client.login(outsider)
        response = await client.post_form(f"/members/{member.id}/sanctions", _sanction_form())
        assert response.status_code == status, outsider
        await client.logout()
    assert not await Sanction.exists(member_id=member.id)
    await client.login("jiwei")
    refused = await client.post_form(f"/members/{member.id}/sanctions", _sanction_form(years="3"))
    assert refused.status_code == 400 and "1 年或 2 年" in refused.text
    no_number = await client.post_form(
        f"/members/{member.id}/sanctions", _sanction_form(decision_number=" ")
    )
    assert no_number.status_code == 400 and "处分决定文号" in no_number.text
    half = await client.post_form(f"/members/{member.id}/sanctions", _sanction_form(approved_on=""))
    assert half.status_code == 400 and "同时填写" in half.text
    asked = await client.post_form(
        f"/members/{member.id}/sanctions", {**_sanction_form(), "confirmed": ""}
    )
    assert asked.status_code == 200 and "不能撤回" in asked.text
    assert not await Sanction.exists(member_id=member.id)
    done = await client.post_form(f"/members/{member.id}/sanctions", _sanction_form())
    assert done.status_code == 303
    sanction = await Sanction.get(member_id=member.id)
    starts = TODAY - dt.timedelta(days=5)
    assert sanction.starts_on == starts and sanction.ends_on == add_months(starts, 12)
    assert not can_vote_in(await viewer_of(user), tree.branch_a)
    assert "viewer.changed" in [m["type"] for m in messages]
    page = await client.get(f"/members/{member.id}")
    assert "留党察看 1 年" in page.text and "党纪〔2026〕3号" in page.text
    # Not before its end.
    end = await client.post_form(
        f"/members/sanctions/{sanction.id}/end",
        {"outcome": "restore", "on": TODAY.isoformat(), "decision_number": "支〔2027〕1号",
         "confirmed": "1"},
    )  # fmt: skip
    assert end.status_code == 400 and "届满" in end.text
    # A second sanction during 留党察看 can only be 开除党籍.
    again = await client.post_form(
        f"/members/{member.id}/sanctions", _sanction_form(kind="serious_warning")
    )
    assert again.status_code == 400 and "开除党籍" in again.text
    # At its end (moved back in time here) the branch restores the rights.
    await Sanction.filter(id=sanction.id).update(
        starts_on=TODAY - dt.timedelta(days=400),
        ends_on=add_months(TODAY - dt.timedelta(days=400), 12),
    )
    end = await client.post_form(
        f"/members/sanctions/{sanction.id}/end",
        {"outcome": "restore", "on": TODAY.isoformat(), "decision_number": "支〔2027〕1号",
         "confirmed": "1"},
    )  # fmt: skip
    assert end.status_code == 303
    assert can_vote_in(await viewer_of(user), tree.branch_a)
    assert (await Sanction.get(id=sanction.id)).state == "restored"
    actions = await AuditEntry.filter(target_id=str(member.id)).values_list("action", flat=True)
    assert {"member.sanction_recorded", "member.sanction_ended"} <= set(actions)
    assert [m["type"] for m in messages].count("viewer.changed") >= 2


async def test_probation_may_end_in_expulsion_through_the_api(client: Client) -> None:
    _tree, member, _user = await _setup()
    await client.login("committee")
    body = {
        "kind": "probation",
        "years": 2,
        "decision_number": "党委纪〔2024〕1号",
        "deciding_body": "党委",
        "decided_on": (TODAY - dt.timedelta(days=800)).isoformat(),
    }
    response = await client.post_json(f"/api/v1/members/{member.id}/sanctions", body)
    assert response.status_code == 201, response.text
    data = response.json()
    assert data["ends_on"] == add_months(TODAY - dt.timedelta(days=800), 24).isoformat()
    ended = await client.post_json(
        f"/api/v1/members/sanctions/{data['id']}/end",
        {"outcome": "expel", "on": TODAY.isoformat(), "decision_number": "支〔2026〕9号"},
    )
    assert ended.status_code == 200 and ended.json()["state"] == "expelled"
    assert (await Member.get(id=member.id)).status == "public"


async def test_suspension_restore_and_removal_after_two_years(
    client: Client, published_events: Any
) -> None:
    tree, member, user = await _setup()
    messages = published_events.on(f"user:{user.id}")
    await client.login("jiwei")
    form = {
        "reason": "失去联系超过六个月",
        "decision_number": "支〔2025〕2号",
        "approving_body": "党委",
        "approved_on": (TODAY - dt.timedelta(days=30)).isoformat(),
        "confirmed": "1",
    }
    response = await client.post_form(f"/members/{member.id}/suspensions", form)
    assert response.status_code == 303
    assert not can_vote_in(await viewer_of(user), tree.branch_a)
    assert "viewer.changed" in [m["type"] for m in messages]
    suspension = await MembershipSuspension.get(member_id=member.id)
    early = await client.post_form(
        f"/members/suspensions/{suspension.id}/end",
        {"outcome": "remove", "on": TODAY.isoformat(), "confirmed": "1"},
    )
    assert early.status_code == 400 and "满 2 年" in early.text
    restored = await client.post_form(
        f"/members/suspensions/{suspension.id}/end",
        {"outcome": "restore", "on": TODAY.isoformat(), "note": "已取得联系", "confirmed": "1"},
    )
    assert restored.status_code == 303
    assert can_vote_in(await viewer_of(user), tree.branch_a)
    # Suspended again, two years ago to the day: removal (除名) is allowed.
    since = add_months(TODAY, -24)
    response = await client.post_json(
        f"/api/v1/members/{member.id}/suspensions",
        {"reason": "失联", "decision_number": "支〔2024〕5号", "approving_body": "党委",
         "approved_on": since.isoformat()},
    )  # fmt: skip
    assert response.status_code == 201, response.text
    sid = response.json()["id"]
    removed = await client.post_json(
        f"/api/v1/members/suspensions/{sid}/end", {"outcome": "remove", "on": TODAY.isoformat()}
    )
    assert removed.status_code == 200 and removed.json()["state"] == "removed"
    assert (await Member.get(id=member.id)).status == "public"
    actions = await AuditEntry.filter(target_id=str(member.id)).values_list("action", flat=True)
    assert {
        "member.membership_suspended",
        "member.membership_restored",
        "member.membership_removed",
    } <= set(actions)
