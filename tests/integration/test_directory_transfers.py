"""Transfer of membership relation: the state machine, expiry, cross-committee, both sides."""

from __future__ import annotations

import datetime as dt

import pytest

from forum import clock
from forum.auditlog import AuditEntry
from forum.errors import ActionError, Forbidden
from forum.members import transfers
from forum.members.models import MemberChange, Transfer
from forum.models import Member
from forum.orgs.actions import do_create_org
from tests.factories import make_member, make_person, make_tree, viewer_of
from tests.helpers import Client


async def _setup():  # type: ignore[no-untyped-def]
    tree = await make_tree()
    member = await make_member(tree.branch_a, name="转出人")
    member = await Member.get(id=member.id).prefetch_related("org")
    out_admin = await viewer_of(await make_person(tree.branch_a, role="secretary"))
    in_admin = await viewer_of(await make_person(tree.branch_x, role="secretary"))
    return tree, member, out_admin, in_admin


async def test_cross_committee_transfer_full_path(database: object) -> None:
    tree, member, out_admin, in_admin = await _setup()
    group_x = await do_create_org(tree.branch_x, "外单位一组", "group")
    t = await transfers.request_transfer(out_admin, member, tree.branch_x, "工作调动")
    assert t.state == "requested"
    # The receiving side cannot approve for the outgoing side.
    with pytest.raises(Forbidden):
        await transfers.advance_transfer(in_admin, t, "approve")
    t = await transfers.get_transfer_for(out_admin, t.id)
    await transfers.advance_transfer(out_admin, t, "approve")
    await transfers.advance_transfer(out_admin, t, "issue_letter")
    # Valid 90 days, the day of issue the first: the last valid day is issue + 89.
    assert t.letter_number and t.letter_expires_on == clock.today() + dt.timedelta(days=89)
    assert (await Member.get(id=member.id)).org_id == tree.branch_a.id  # not yet
    t = await transfers.get_transfer_for(in_admin, t.id)  # the receiving side sees the slip
    await transfers.advance_transfer(in_admin, t, "accept")
    assert (await Member.get(id=member.id)).org_id == tree.branch_x.id  # only now
    await transfers.advance_transfer(in_admin, t, "place", placed_org=group_x)
    moved = await Member.get(id=member.id)
    assert (moved.org_id, moved.group_id) == (tree.branch_x.id, group_x.id)
    t = await transfers.get_transfer_for(out_admin, t.id)  # the old side still sees it
    await transfers.advance_transfer(out_admin, t, "confirm_receipt")
    assert (await Transfer.get(id=t.id)).state == "completed"
    actions = await AuditEntry.filter(target_type="transfer", target_id=str(t.id)).order_by("id")
    assert [a.action for a in actions] == [
        "transfer.requested",
        "transfer.approved",
        "transfer.letter_issued",
        "transfer.accepted",
        "transfer.placed",
        "transfer.completed",
    ]
    assert await MemberChange.filter(member_id=member.id, kind="transfer").count() == 2


async def test_reject_needs_reason_and_withdraw(database: object) -> None:
    tree, member, out_admin, _in_admin = await _setup()
    t = await transfers.request_transfer(out_admin, member, tree.branch_c, "")
    t = await transfers.get_transfer_for(out_admin, t.id)
    with pytest.raises(ActionError, match="原因"):
        await transfers.advance_transfer(out_admin, t, "reject")
    await transfers.advance_transfer(out_admin, t, "reject", reason="材料不全")
    assert (await Transfer.get(id=t.id)).rejection_reason == "材料不全"
    with pytest.raises(ActionError):  # a finished slip takes no more steps
        await transfers.advance_transfer(out_admin, t, "approve")
    t2 = await transfers.request_transfer(out_admin, member, tree.branch_c, "")
    with pytest.raises(ActionError, match="正在办理"):
        await transfers.request_transfer(out_admin, member, tree.branch_b, "")
    t2 = await transfers.get_transfer_for(out_admin, t2.id)
    await transfers.advance_transfer(out_admin, t2, "withdraw")
    assert (await Transfer.get(id=t2.id)).state == "withdrawn"
    assert (await Member.get(id=member.id)).org_id == tree.branch_a.id


async def test_letter_expiry_lists_unplaced_member(database: object) -> None:
    tree, member, out_admin, in_admin = await _setup()
    t = await transfers.request_transfer(out_admin, member, tree.branch_x, "")
    t = await transfers.get_transfer_for(out_admin, t.id)
    await transfers.advance_transfer(out_admin, t, "approve")
    await transfers.advance_transfer(out_admin, t, "issue_letter")
    # 91 days later the 90-day letter has run out.
    assert await transfers.expire_transfers(clock.today()) == 0
    letter = await Transfer.get(id=t.id)
    assert letter.letter_expires_on is not None
    assert await transfers.expire_transfers(letter.letter_expires_on) == 0  # last valid day
    await Transfer.filter(id=t.id).update(letter_expires_on=clock.today() - dt.timedelta(days=1))
    t = await transfers.get_transfer_for(in_admin, t.id)
    with pytest.raises(ActionError, match="过期"):
        await transfers.advance_transfer(in_admin, t, "accept")
    assert (await Transfer.get(id=t.id)).state == "expired"
    assert (await Member.get(id=member.id)).org_id == tree.branch_a.id
    lists = await transfers.transfer_lists(out_admin)
    assert [x.member.name for x in lists["expired"]] == ["转出人"]
    assert await AuditEntry.filter(action="transfer.expired").count() == 1


async def test_slip_visible_to_both_sides_not_to_siblings(client: Client) -> None:
    tree, member, out_admin, _in_admin = await _setup()
    await make_person(tree.branch_a, role="org_admin", username="outadm", status=None)
    await make_person(tree.branch_x, role="org_admin", username="inadm", status=None)
    await make_person(tree.branch_b, role="secretary", username="sibling")
    t = await transfers.request_transfer(out_admin, member, tree.branch_x, "随迁")
    for username, expected in (("outadm", 200), ("inadm", 200), ("sibling", 404)):
        await client.login(username)
        response = await client.get(f"/members/transfers/{t.id}")
        assert response.status_code == expected, username
    await client.login("outadm")
    response = await client.post_form(f"/members/transfers/{t.id}/approve")
    assert response.status_code == 303
    await client.login("inadm")
    response = await client.post_form(f"/members/transfers/{t.id}/issue_letter")
    assert response.status_code == 403
    await client.login("outadm")
    await client.post_form(f"/members/transfers/{t.id}/issue_letter")
    await client.login("inadm")
    page = await client.get("/members/transfers")
    assert "转出人" in page.text
    # Accepting moves the relation for good: asked first, nothing changes until confirmed.
    asked = await client.post_form(f"/members/transfers/{t.id}/accept")
    assert asked.status_code == 200 and "确定接收" in asked.text
    assert (await Member.get(id=member.id)).org_id == tree.branch_a.id
    response = await client.post_form(f"/members/transfers/{t.id}/accept", {"confirmed": "1"})
    assert response.status_code == 303
    assert (await Member.get(id=member.id)).org_id == tree.branch_x.id


async def test_member_requests_own_transfer_and_withdraws(client: Client) -> None:
    tree = await make_tree()
    user = await make_person(tree.branch_a, "full", username="mover")
    member = await Member.get(user_id=user.id)
    await client.login("mover")
    page = await client.get(f"/members/{member.id}")
    assert "申请组织关系转接" in page.text
    response = await client.post_form(
        f"/members/{member.id}/transfers", {"to_org_id": str(tree.branch_x.id), "reason": "随迁"}
    )
    assert response.status_code == 303
    slip_url = response.headers["location"]
    assert "撤回" in (await client.get(slip_url)).text
    assert (await client.post_form(slip_url + "/approve")).status_code == 403
    asked = await client.post_form(slip_url + "/withdraw")
    assert asked.status_code == 200 and "确定撤回" in asked.text
    assert (await Transfer.get(member_id=member.id)).state == "requested"
    withdrawn = await client.post_form(slip_url + "/withdraw", {"confirmed": "1"})
    assert withdrawn.status_code == 303
    assert (await Transfer.get(member_id=member.id)).state == "withdrawn"
    assert "已撤回该转接申请。" in (await client.get(withdrawn.headers["location"])).text


async def test_reject_reason_over_200_is_refused_not_cut(client: Client) -> None:
    """The slip's reason used to be cut to 200 characters."""
    tree, member, out_admin, _in_admin = await _setup()
    await make_person(tree.branch_a, role="secretary", username="outsec")
    t = await transfers.request_transfer(out_admin, member, tree.branch_x, "")
    await client.login("outsec")
    url = f"/members/transfers/{t.id}/reject"
    response = await client.post_form(url, {"reason": "退" * 201})
    assert response.status_code == 400 and "不能超过 200 个字符" in response.text
    assert (await Transfer.get(id=t.id)).state == "requested"
    confirmed = {"reason": "退" * 200, "confirmed": "1"}
    assert (await client.post_form(url, confirmed)).status_code == 303
    assert (await Transfer.get(id=t.id)).rejection_reason == "退" * 200
