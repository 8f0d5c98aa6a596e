"""不计入应到 through HTTP (domain.md §3): the branch proposes with the reason, the superior org
approves, the plenary passes it by a vote about the member; from then every roll leaves the
member out of 应到 and the quorum, until the branch ends it."""

from __future__ import annotations

import datetime as dt

import pytest

from forum import clock
from forum.auditlog import AuditEntry
from forum.errors import ActionError
from forum.members.models import MemberChange, RollExclusion
from forum.models import Member
from forum.notifications import Notification
from realtime.meetings import queries
from realtime.meetings.models import RollEntry
from tests.factories import make_member, make_person, make_plenary_vote
from tests.helpers import Client
from tests.integration.meetings_fixtures import live_plenary, make_branch

pytestmark = pytest.mark.usefixtures("database")
TODAY = clock.today()


async def test_the_three_steps_then_every_roll_uses_it_until_ended(client: Client) -> None:
    branch = await make_branch(voters=3)
    await make_person(branch.tree.committee, role="secretary", username="committee_sec")
    await make_person(branch.tree.branch_b, role="secretary", username="sibling_sec")
    await make_member(branch.tree.branch_a, "full")  # 4 expected voters
    abroad = await Member.get(user_id=branch.voters[2].id)
    before = await live_plenary(branch, title="排除前的会议")
    assert (await queries.attendance(before)).expected_voters == 4

    # 1. The branch proposes it, with the circumstance and its reason.
    await client.login(branch.secretary.username)
    page = await client.get(f"/members/{abroad.id}")
    assert "提出不计入应到" in page.text
    url = f"/members/{abroad.id}/roll-exclusions"
    record = f"/members/{abroad.id}"
    refused = await client.post_form(
        url,
        {"_form": "exclusion-propose", "reason": "自费留学"},
        headers={"Referer": f"http://testserver{record}"},
    )
    # The same page again, the section open with the input kept and the message at the field.
    assert refused.status_code == 303 and refused.headers["location"].startswith(record)
    again = await client.get(record)
    assert "请选择不计入应到的情形" in again.text and ">自费留学</textarea>" in again.text
    refused = await client.post_form(url, {"category": "abroad", "reason": " "})
    assert refused.status_code == 400 and "具体原因" in refused.text
    assert not await RollExclusion.exists(member_id=abroad.id)
    proposed = await client.post_form(url, {"category": "abroad", "reason": "自费留学两年"})
    assert proposed.status_code == 303
    assert "已报上级党组织批准" in (await client.get(proposed.headers["location"])).text
    item = await RollExclusion.get(member_id=abroad.id)
    assert (item.state, item.category, item.committee_id) == (
        "proposed",
        "abroad",
        branch.tree.committee.id,
    )
    again = await client.post_form(url, {"category": "abroad", "reason": "再报一次"})
    assert again.status_code == 400 and "已有办理中" in again.text
    approve = f"/members/roll-exclusions/{item.id}/approve"
    own = await client.post_form(approve, {"on": TODAY.isoformat(), "confirmed": "1"})
    assert own.status_code == 403  # the branch cannot approve its own proposal
    # Not yet in force: a roll generated now still counts the member.
    assert (await queries.attendance(await live_plenary(branch))).expected_voters == 4

    # 2. The superior org approves; a sibling branch does not even see it.
    await client.logout()
    await client.login("sibling_sec")
    hidden = await client.post_form(approve, {"on": TODAY.isoformat(), "confirmed": "1"})
    assert hidden.status_code == 404
    await client.logout()
    await client.login("committee_sec")
    listing = await client.get("/members/approvals")
    assert abroad.name in listing.text and "自费出国半年以上" in listing.text
    future = (TODAY + dt.timedelta(days=1)).isoformat()
    late = await client.post_form(approve, {"on": future, "confirmed": "1"})
    assert late.status_code == 400 and "不能晚于今天" in late.text
    asked = await client.post_form(approve, {"on": TODAY.isoformat(), "note": "组〔2026〕7号"})
    assert asked.status_code == 200 and "批准后由支部党员大会表决" in asked.text
    assert (await RollExclusion.get(id=item.id)).state == "proposed"
    approved = await client.post_form(
        approve, {"on": TODAY.isoformat(), "note": "组〔2026〕7号", "confirmed": "1"}
    )
    assert approved.status_code == 303
    assert (await RollExclusion.get(id=item.id)).state == "approved"

    # 3. The plenary's vote about this member, closed and passed, on or after the approval.
    await client.logout()
    await client.login(branch.secretary.username)
    other = await Member.get(user_id=branch.voters[1].id)
    vote_url = f"/members/roll-exclusions/{item.id}/vote"
    cases = {
        "999999": "找不到本支部党员大会的该项表决",
        str(await make_plenary_vote(branch.tree.branch_a, "exclusion", abroad, passed=False)): (
            "未获通过"
        ),
        str(await make_plenary_vote(branch.tree.branch_a, "exclusion", other)): "不是关于该同志",
        str(await make_plenary_vote(branch.tree.branch_a, "admission", abroad)): (
            "不是「不计入应到」表决"
        ),
        str(
            await make_plenary_vote(
                branch.tree.branch_a,
                "exclusion",
                abroad,
                closed_on=TODAY - dt.timedelta(days=1),
            )
        ): "早于上级党组织批准",
    }
    for vote_id, message in cases.items():
        response = await client.post_form(vote_url, {"vote_id": vote_id, "confirmed": "1"})
        assert response.status_code == 400 and message in response.text, vote_id
    assert (await RollExclusion.get(id=item.id)).state == "approved"
    passed = await make_plenary_vote(
        branch.tree.branch_a, "exclusion", abroad, title="同意该同志不计入应到"
    )
    page = await client.get(f"/members/{abroad.id}")
    assert "同意该同志不计入应到" in page.text  # offered in the picker
    asked = await client.post_form(vote_url, {"vote_id": str(passed)})
    assert asked.status_code == 200 and "确定生效" in asked.text
    done = await client.post_form(vote_url, {"vote_id": str(passed), "confirmed": "1"})
    assert done.status_code == 303
    item = await RollExclusion.get(id=item.id)
    assert (item.state, item.vote_id, item.voted_on) == ("active", passed, TODAY)
    # The member learns it took effect.
    assert await Notification.exists(user_id=branch.voters[2].id, kind="member.roll_exclusion")

    # Every roll generated from now on leaves the member out, with all three facts.
    after = await live_plenary(branch, title="排除后的会议")
    attendance = await queries.attendance(after)
    assert attendance.expected_voters == 3
    entry = await RollEntry.get(meeting_id=after.id, member_id=abroad.id)
    assert entry.excluded_category == "abroad" and entry.excluded_reason == "自费留学两年"
    assert "组〔2026〕7号" in entry.excluded_approval
    assert f"表决 #{passed}" in entry.excluded_decision
    room = await client.get(f"/meetings/{after.id}")
    assert "不计入应到" in room.text and "自费留学两年" in room.text
    # A roll generated before stays as it was.
    assert (await queries.attendance(before)).expected_voters == 4

    # The branch ends it when the circumstance ends: later rolls count the member again.
    end = f"/members/roll-exclusions/{item.id}/end"
    refused = await client.post_form(end, {"ended_on": TODAY.isoformat(), "confirmed": "1"})
    assert refused.status_code == 400 and "原因" in refused.text
    asked = await client.post_form(end, {"ended_on": TODAY.isoformat(), "end_reason": "已回国"})
    assert asked.status_code == 200 and "确定恢复" in asked.text
    ended = await client.post_form(
        end, {"ended_on": TODAY.isoformat(), "end_reason": "已回国", "confirmed": "1"}
    )
    assert ended.status_code == 303
    assert (await RollExclusion.get(id=item.id)).state == "ended"
    assert (await queries.attendance(await live_plenary(branch))).expected_voters == 4

    actions = await AuditEntry.filter(target_type="member", target_id=abroad.id).values_list(
        "action", flat=True
    )
    assert {
        "member.roll_exclusion_proposed",
        "member.roll_exclusion_approved",
        "member.roll_exclusion_passed",
        "member.roll_exclusion_ended",
    } <= set(actions)
    history = await MemberChange.filter(member_id=abroad.id, kind="roll").count()
    assert history == 4


async def test_refusal_and_withdrawal_and_who_may_propose(client: Client) -> None:
    branch = await make_branch(voters=3)
    await make_person(branch.tree.committee, role="secretary", username="committee_sec")
    await make_person(branch.tree.branch_b, role="secretary", username="sibling_sec")
    member = await Member.get(user_id=branch.voters[1].id)
    url = f"/members/{member.id}/roll-exclusions"
    form = {"category": "bedridden", "reason": "长期卧床"}
    # A sibling branch's secretary does not see the record at all.
    await client.login("sibling_sec")
    assert (await client.post_form(url, form)).status_code == 404
    await client.logout()
    # A member cannot propose it, not even for themself.
    await client.login(branch.voters[1].username)
    assert (await client.post_form(url, form)).status_code in {403, 404}
    await client.logout()
    # Those outside 应到 anyway (an activist) cannot be excluded from it.
    await client.login(branch.secretary.username)
    activist = await Member.get(user_id=branch.activist.id)
    response = await client.post_form(f"/members/{activist.id}/roll-exclusions", form)
    assert response.status_code == 400 and "本就不在应到人数之内" in response.text
    assert not await RollExclusion.exists()
    assert (await client.post_form(url, form)).status_code == 303
    item = await RollExclusion.get(member_id=member.id)
    # The superior org refuses it, with a reason (required).
    await client.logout()
    await client.login("committee_sec")
    reject = f"/members/roll-exclusions/{item.id}/reject"
    blank = await client.post_form(reject, {"on": TODAY.isoformat(), "confirmed": "1"})
    assert blank.status_code == 400 and "批准文号或理由" in blank.text
    rejected = await client.post_form(
        reject, {"on": TODAY.isoformat(), "note": "情况不符", "confirmed": "1"}
    )
    assert rejected.status_code == 303
    assert (await RollExclusion.get(id=item.id)).state == "rejected"
    # A refused proposal ends the matter; the branch may propose again, and withdraw it.
    await client.logout()
    await client.login(branch.secretary.username)
    assert (await client.post_form(url, form)).status_code == 303
    second = await RollExclusion.get(member_id=member.id, state="proposed")
    vote_url = f"/members/roll-exclusions/{second.id}/vote"
    vote = await make_plenary_vote(branch.tree.branch_a, "exclusion", member)
    early = await client.post_form(vote_url, {"vote_id": str(vote), "confirmed": "1"})
    assert early.status_code == 400 and "上级党组织批准后" in early.text
    withdraw = f"/members/roll-exclusions/{second.id}/end"
    done = await client.post_form(
        withdraw, {"ended_on": TODAY.isoformat(), "end_reason": "情况变化", "confirmed": "1"}
    )
    assert done.status_code == 303
    assert (await RollExclusion.get(id=second.id)).state == "ended"
    assert (await queries.attendance(await live_plenary(branch))).expected_voters == 3


async def test_the_same_steps_through_the_json_api(client: Client) -> None:
    branch = await make_branch(voters=3)
    await make_person(branch.tree.committee, role="secretary", username="committee_sec")
    member = await Member.get(user_id=branch.voters[1].id)
    await client.login(branch.secretary.username)
    url = f"/api/v1/members/{member.id}/roll-exclusions"
    bad = await client.post_json(url, {"category": "holiday", "reason": "休假"})
    assert bad.status_code == 400 and bad.json()["field"] == "category"
    unknown = await client.post_json(url, {"category": "away", "reason": "外出", "x": 1})
    assert unknown.status_code == 400
    created = await client.post_json(url, {"category": "away", "reason": "外出务工一年"})
    assert created.status_code == 201 and created.json()["state"] == "proposed"
    xid = created.json()["id"]
    await client.logout()
    await client.login("committee_sec")
    waiting = await client.get("/api/v1/members/roll-exclusions")
    assert [x["id"] for x in waiting.json()["items"]] == [xid]
    approved = await client.post_json(
        f"/api/v1/members/roll-exclusions/{xid}/approve", {"on": TODAY.isoformat()}
    )
    assert approved.status_code == 200 and approved.json()["state"] == "approved"
    await client.logout()
    await client.login(branch.secretary.username)
    vote_url = f"/api/v1/members/roll-exclusions/{xid}/vote"
    wrong = await client.post_json(vote_url, {"vote_id": "1"})
    assert wrong.status_code == 400 and wrong.json()["field"] == "vote_id"
    vote = await make_plenary_vote(branch.tree.branch_a, "exclusion", member)
    passed = await client.post_json(vote_url, {"vote_id": vote})
    assert passed.status_code == 200 and passed.json()["state"] == "active"
    attendance = await queries.attendance(await live_plenary(branch))
    assert attendance.expected_voters == 2
    ended = await client.post_json(
        f"/api/v1/members/roll-exclusions/{xid}/end",
        {"ended_on": TODAY.isoformat(), "end_reason": "已返回"},
    )
    assert ended.status_code == 200 and ended.json()["state"] == "ended"


async def test_a_plenary_puts_the_question_and_the_closed_vote_is_offered(
    client: Client,
) -> None:
    """The vote the record cites is a real meeting question of kind 不计入应到 naming the member."""
    from realtime.meetings import actions
    from realtime.meetings.decisions import votes_about
    from tests.integration.meetings_fixtures import v

    branch = await make_branch(voters=3)
    meeting = await live_plenary(branch)
    host = await v(branch.secretary)
    member = await Member.get(user_id=branch.voters[2].id)
    activist = await Member.get(user_id=branch.activist.id)
    with pytest.raises(ActionError, match="符合条件"):  # not in 应到 anyway
        await actions.create_vote(
            host, meeting, kind="exclusion", title="不计入应到", candidate_id=activist.id
        )
    vote = await actions.create_vote(
        host, meeting, kind="exclusion", title="同意其不计入应到", candidate_id=member.id
    )
    assert vote.candidate_id == member.id
    await client.login(branch.secretary.username)
    room = await client.get(f"/meetings/{meeting.id}")
    assert '<option value="exclusion">不计入应到</option>' in room.text
    vote = await actions.open_vote(host, meeting, vote)
    await actions.close_vote(host, meeting, vote)
    offered = await votes_about(member.id, branch.tree.branch_a.id)
    assert [(o.id, o.kind, o.closed) for o in offered] == [(vote.id, "exclusion", True)]
