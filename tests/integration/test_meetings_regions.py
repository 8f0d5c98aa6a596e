"""`GET /meetings/{id}/regions`: the room's regions re-rendered for the viewer, as the page.

The live room morphs these in place of its own copy instead of reloading (docs/meetings.md,
"The room updates in place"), so each region must be exactly what the page shows this viewer,
under the same policy: hosts-only controls and unpublished votes stay with hosts, outsiders
get 404, and user text is escaped.
"""

from __future__ import annotations

import pytest

from realtime.meetings import actions
from realtime.meetings.pages.room import REGIONS
from tests.helpers import Client
from tests.integration.meetings_fixtures import live_plenary, make_branch, v

pytestmark = pytest.mark.usefixtures("database")


async def test_regions_are_the_page_s_own_for_each_viewer(
    client: Client, other_client: Client
) -> None:
    branch = await make_branch(voters=3)
    meeting = await live_plenary(branch)
    host = await v(branch.secretary)
    hidden = await actions.create_vote(host, meeting, kind="motion", title="尚未公布的议题")
    shown = await actions.create_vote(host, meeting, kind="motion", title="已公布的议题")
    await actions.open_vote(host, meeting, shown)
    member = branch.voters[1]
    await actions.check_in(await v(member), meeting)
    await actions.post_message(await v(member), meeting, "**好**<script>alert(1)</script>")
    await client.login(branch.secretary.username)
    await other_client.login(member.username)
    url = f"/meetings/{meeting.id}/regions"

    everything = await other_client.get(url)
    assert everything.status_code == 200
    assert everything.headers["cache-control"] == "no-store"
    body = everything.json()
    assert set(body["regions"]) == set(REGIONS)
    assert body["status"] == "live" and isinstance(body["last_event_id"], int)
    for name, html in body["regions"].items():
        assert html.lstrip().startswith("<") and f'id="region-{name}"' in html

    # Each region is the page's own markup for the same viewer (same state, same policy).
    page = (await other_client.get(f"/meetings/{meeting.id}")).text
    picked = (await other_client.get(url + "?names=votes,roll,queue,discussion")).json()
    assert list(picked["regions"]) == ["votes", "roll", "queue", "discussion"]
    for html in picked["regions"].values():
        assert html.strip() in page

    member_votes = picked["regions"]["votes"]
    assert "已公布的议题" in member_votes and "/cast_ballot" in member_votes
    assert "尚未公布的议题" not in member_votes and "/open_vote" not in member_votes
    member_host = body["regions"]["host"]
    assert "主持人操作" not in member_host
    discussion = picked["regions"]["discussion"]
    assert "<script>alert" not in discussion and "<strong>好</strong>" in discussion
    assert 'id="message-body"' in discussion  # checked in: the composer

    host_votes = (await client.get(url + "?names=votes,host")).json()["regions"]
    assert "尚未公布的议题" in host_votes["votes"] and f'value="{hidden.id}"' in host_votes["votes"]
    assert "/close_vote" in host_votes["votes"] and "主持人操作" in host_votes["host"]


async def test_regions_refuse_outsiders_and_unknown_names(
    client: Client, other_client: Client
) -> None:
    branch = await make_branch(voters=3)
    meeting = await live_plenary(branch)
    await client.login(branch.outsider.username)
    assert (await client.get(f"/meetings/{meeting.id}/regions")).status_code == 404
    await other_client.login(branch.voters[1].username)
    unknown = await other_client.get(f"/meetings/{meeting.id}/regions?names=votes,secrets")
    assert unknown.status_code == 400 and "未知的会场区域" in unknown.text
