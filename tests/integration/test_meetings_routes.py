"""Meetings over HTTP: a full branch plenary through the POST forms (no JS), the JSON API."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from forum.auditlog import AuditEntry
from forum.services import Services
from realtime.meetings.models import Ballot, Meeting, RollEntry, Vote
from tests.capture import PublishedEvents
from tests.helpers import Client
from tests.integration.meetings_fixtures import live_plenary, make_branch

pytestmark = pytest.mark.usefixtures("database")


def _local(delta: dt.timedelta) -> str:
    when = (dt.datetime.now(dt.UTC) + delta).astimezone(dt.timezone(dt.timedelta(hours=8)))
    return when.strftime("%Y-%m-%dT%H:%M")


async def test_schedule_form_then_lists_and_overdue_flags(
    client: Client, services: Services
) -> None:
    branch = await make_branch(voters=3)
    org = branch.tree.branch_a
    await client.login(branch.secretary.username)
    page = await client.get(f"/orgs/{org.id}/meetings")
    assert page.status_code == 200
    assert "逾期未开的会议" in page.text and "支部党员大会" in page.text
    form = await client.get(f"/orgs/{org.id}/meetings/new")
    assert form.status_code == 200 and "党小组会" not in form.text
    bad = await client.post_form(
        f"/orgs/{org.id}/meetings",
        {"type": "branch_plenary", "title": "", "scheduled_at": _local(dt.timedelta(days=1))},
    )
    assert bad.status_code == 400 and "会议名称" in bad.text
    response = await client.post_form(
        f"/orgs/{org.id}/meetings",
        {
            "type": "branch_plenary",
            "title": "十一月支部党员大会",
            "scheduled_at": _local(dt.timedelta(days=1)),
            "agenda": "学习文件\n讨论发展党员",
            "publish": "1",
        },
    )
    assert response.status_code == 303
    meeting = await Meeting.get(title="十一月支部党员大会")
    assert meeting.status == "scheduled"
    assert response.headers["location"] == f"/meetings/{meeting.id}"
    listing = await client.get("/meetings")
    assert "十一月支部党员大会" in listing.text
    home = await client.get("/")
    assert "十一月支部党员大会" in home.text
    assert await AuditEntry.filter(action="meeting.scheduled").count() == 1


async def test_member_cannot_see_schedule_form(client: Client, services: Services) -> None:
    branch = await make_branch(voters=3)
    await client.login(branch.voters[1].username)
    response = await client.get(f"/orgs/{branch.tree.branch_a.id}/meetings/new")
    assert response.status_code == 404


async def test_plenary_through_forms(
    client: Client, other_client: Client, published_events: PublishedEvents
) -> None:
    branch = await make_branch(voters=3)
    meeting = await live_plenary(branch)
    log = published_events.on(f"meeting:{meeting.id}")
    await client.login(branch.secretary.username)
    member = branch.voters[1]
    await other_client.login(member.username)

    room = await other_client.get(f"/meetings/{meeting.id}")
    assert room.status_code == 200
    assert f'action="/meetings/{meeting.id}/check_in"' in room.text
    assert "签到后即可发言" in room.text
    assert (await other_client.post_form(f"/meetings/{meeting.id}/check_in")).status_code == 303
    again = await other_client.post_form(f"/meetings/{meeting.id}/check_in")
    assert again.status_code == 409
    posted = await other_client.post_form(
        f"/meetings/{meeting.id}/message", {"body": "我同意<script>alert(1)</script>"}
    )
    assert posted.status_code == 303
    room = await other_client.get(f"/meetings/{meeting.id}")
    assert "我同意" in room.text and "<script>alert(1)" not in room.text

    for user in branch.voters[0:1] + branch.voters[2:]:
        from realtime.meetings import actions
        from tests.integration.meetings_fixtures import v

        await actions.check_in(await v(user), meeting)
    created = await client.post_form(
        f"/meetings/{meeting.id}/create_vote", {"kind": "motion", "title": "通过学习计划"}
    )
    assert created.status_code == 303
    vote = await Vote.get(meeting_id=meeting.id)
    hidden = await other_client.get(f"/meetings/{meeting.id}")
    assert "通过学习计划" not in hidden.text  # unpublished: hosts only
    await client.post_form(f"/meetings/{meeting.id}/open_vote", {"vote_id": str(vote.id)})
    room = await other_client.get(f"/meetings/{meeting.id}")
    assert f'action="/meetings/{meeting.id}/cast_ballot"' in room.text
    assert f'<input type="hidden" name="vote_id" value="{vote.id}">' in room.text
    cast = await other_client.post_form(
        f"/meetings/{meeting.id}/cast_ballot", {"vote_id": str(vote.id), "choice": "yes"}
    )
    assert cast.status_code == 303
    twice = await other_client.post_form(
        f"/meetings/{meeting.id}/cast_ballot", {"vote_id": str(vote.id), "choice": "no"}
    )
    assert twice.status_code == 409
    assert await Ballot.filter(vote_id=vote.id).count() == 1
    await client.post_form(
        f"/meetings/{meeting.id}/close_vote", {"vote_id": str(vote.id), "confirmed": "1"}
    )
    room = await other_client.get(f"/meetings/{meeting.id}")
    assert "未通过" in room.text  # 1 yes of 3 expected

    ended = await client.post_form(f"/meetings/{meeting.id}/end", {"confirmed": "1"})
    assert ended.status_code == 303
    minutes = await other_client.get(f"/meetings/{meeting.id}/minutes")
    assert minutes.status_code == 200 and "通过学习计划" in minutes.text
    assert "编辑会议纪要" not in minutes.text
    markdown = await other_client.get(f"/meetings/{meeting.id}/minutes.md")
    assert markdown.headers["content-type"].startswith("text/markdown")
    assert "## 签到" in markdown.text and "我同意" in markdown.text
    export = await other_client.get(f"/meetings/{meeting.id}/minutes.html")
    assert "attachment" in export.headers["content-disposition"]
    await client.post_form(f"/meetings/{meeting.id}/update_minutes", {"summary": "会议达成一致"})
    await client.post_form(f"/meetings/{meeting.id}/archive", {"confirmed": "1"})
    archived = await client.get(f"/meetings/{meeting.id}/minutes")
    assert "追加更正" in archived.text and "会议达成一致" in archived.text
    refused = await client.post_form(f"/meetings/{meeting.id}/update_minutes", {"summary": "改"})
    assert refused.status_code == 403
    assert {"member.checked_in", "message.posted", "ballot.cast", "vote.closed"} <= set(log.types)


async def test_non_eligible_ballot_refused_over_http(client: Client, services: Services) -> None:
    branch = await make_branch(voters=3)
    meeting = await live_plenary(branch)
    from realtime.meetings import actions
    from tests.integration.meetings_fixtures import v

    host = await v(branch.secretary)
    vote = await actions.create_vote(host, meeting, kind="motion", title="议题")
    await actions.open_vote(host, meeting, vote)
    await client.login(branch.probationary.username)
    await client.post_form(f"/meetings/{meeting.id}/check_in")
    room = await client.get(f"/meetings/{meeting.id}")
    assert "/cast_ballot" not in room.text
    response = await client.post_form(
        f"/meetings/{meeting.id}/cast_ballot", {"vote_id": str(vote.id), "choice": "yes"}
    )
    assert response.status_code == 403
    assert await Ballot.filter(vote_id=vote.id).count() == 0


async def test_outsider_gets_404(client: Client, services: Services) -> None:
    branch = await make_branch(voters=3)
    meeting = await live_plenary(branch)
    await client.login(branch.outsider.username)
    assert (await client.get(f"/meetings/{meeting.id}")).status_code == 404
    assert (await client.get(f"/api/v1/meetings/{meeting.id}")).status_code == 404
    post = await client.post_form(f"/meetings/{meeting.id}/check_in")
    assert post.status_code == 404


async def test_api_state_and_actions(client: Client, services: Services) -> None:
    branch = await make_branch(voters=3)
    meeting = await live_plenary(branch)
    await client.login(branch.voters[2].username)
    state = await client.get(f"/api/v1/meetings/{meeting.id}")
    assert state.status_code == 200
    body = state.json()
    assert body["status"] == "live" and body["attendance"]["expected_voters"] == 3
    assert body["role"] == "voter" and body["checked_in"] is False
    url = f"/api/v1/meetings/{meeting.id}/actions"
    ok = await client.post_json(url, {"action": "check_in", "data": {}})
    assert ok.status_code == 200 and "checked_in_at" in ok.json()
    for bad in (
        {"action": "message", "data": {"body": 1}},
        {"action": "message", "data": {"body": "x", "extra": 1}},
        {"action": "message", "data": [], "x": 1},
        {"action": "give_floor", "data": {"request_id": True}},
    ):
        response = await client.post_json(url, bad)
        assert response.status_code == 400, bad
        assert set(response.json()) - {"field"} == {"error", "status"}
    unknown = await client.post_json(url, {"action": "nope", "data": {}})
    assert unknown.status_code == 404 and set(unknown.json()) - {"field"} == {"error", "status"}
    said = await client.post_json(url, {"action": "message", "data": {"body": "**好**"}})
    assert said.json() == {"number": 1}
    forbidden = await client.post_json(url, {"action": "lock", "data": {"locked": True}})
    assert forbidden.status_code == 403
    roll = await RollEntry.filter(meeting_id=meeting.id).count()
    assert roll == 6  # 3 voters, probationary, sanctioned and the floating guest


async def test_openapi_lists_meeting_operations(client: Client, services: Services) -> None:
    document = (await client.get("/api/v1/openapi.json")).json()
    assert "/api/v1/meetings/{meeting_id}" in document["paths"]
    assert "post" in document["paths"]["/api/v1/meetings/{meeting_id}/actions"]
    operation = document["paths"]["/api/v1/meetings/{meeting_id}"]["get"]
    assert operation["tags"] == ["meetings"]


async def test_draft_publish_leave_and_start_through_pages(
    app: Any, client: Client, other_client: Client, services: Services
) -> None:
    branch = await make_branch(voters=3)
    org = branch.tree.branch_a
    await client.login(branch.secretary.username)
    response = await client.post_form(
        f"/orgs/{org.id}/meetings",
        {
            "type": "party_lecture",
            "title": "专题党课",
            "scheduled_at": _local(dt.timedelta(days=3)),
            "hosts": branch.voters[1].username,
        },
    )
    meeting = await Meeting.get(title="专题党课")
    assert meeting.status == "draft" and meeting.host_user_ids == [branch.voters[1].id]
    await other_client.login(branch.voters[2].username)
    assert (await other_client.get(f"/meetings/{meeting.id}")).status_code == 404  # draft
    draft = await client.get(response.headers["location"])
    assert "发出会议通知" in draft.text
    assert (await client.post_form(f"/meetings/{meeting.id}/publish")).status_code == 303
    page = await other_client.get(f"/meetings/{meeting.id}")
    assert page.status_code == 200 and "提交请假" in page.text
    leave = await other_client.post_form(
        f"/meetings/{meeting.id}/request_leave", {"reason": "值班"}
    )
    assert leave.status_code == 303
    host_page = await client.get(f"/meetings/{meeting.id}")
    assert "开始会议" in host_page.text
    # The named host (not the secretary) may start it.
    named = Client(app)
    async with named:
        await named.login(branch.voters[1].username)
        assert (await named.post_form(f"/meetings/{meeting.id}/start")).status_code == 303
    room = await client.get(f"/meetings/{meeting.id}")
    assert "值班" in room.text  # hosts see the leave reason on the roll
    assert "新建表决事项" not in room.text  # no votes at a Party lecture
