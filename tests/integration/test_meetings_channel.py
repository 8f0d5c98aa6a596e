"""The `meeting:{id}` channel kind: subscription, delivery filter and inbound actions."""

from __future__ import annotations

from typing import Any

import pytest

from forum.errors import ActionError, Forbidden, NotFound
from forum.services import Services
from realtime.channels import kind_for
from realtime.meetings import actions, channel, presence, queries
from realtime.meetings.models import Ballot
from tests.capture import PublishedEvents
from tests.integration.meetings_fixtures import live_plenary, make_branch, v

pytestmark = pytest.mark.usefixtures("database")


async def test_kind_registered_and_subscription_rules(services: Services) -> None:
    branch = await make_branch(voters=3)
    meeting = await live_plenary(branch)
    found = kind_for(f"meeting:{meeting.id}")
    assert found is not None and found[0].prefix == "meeting"
    assert await channel.can_subscribe(await v(branch.voters[1]), meeting.id)
    assert await channel.can_subscribe(await v(branch.activist), meeting.id)  # sits in
    assert await channel.can_subscribe(await v(branch.floating_guest), meeting.id)
    assert not await channel.can_subscribe(await v(branch.outsider), meeting.id)
    assert not await channel.can_subscribe(await v(branch.voters[1]), 999999)
    host = await v(branch.secretary)
    await actions.mute_participant(host, meeting, branch.voters[1].id, "remove", "冒用账号")
    assert not await channel.can_subscribe(await v(branch.voters[1]), meeting.id)


async def test_on_action_flow_and_strict_frames(published_events: PublishedEvents) -> None:
    branch = await make_branch(voters=3)
    meeting = await live_plenary(branch)
    log = published_events.on(f"meeting:{meeting.id}")
    host = await v(branch.secretary)
    member = await v(branch.voters[1])
    ack = await channel.on_action(member, meeting.id, "check_in", {})
    assert "checked_in_at" in ack
    assert await channel.on_action(member, meeting.id, "message", {"body": "你好"}) == {"number": 1}
    for action, data in (
        ("message", {"body": 5}),
        ("message", {"body": "x", "html": "<b>"}),
        ("message", {}),
        ("lock", {"locked": "yes"}),
        ("give_floor", {"request_id": True}),
        ("teleport", {}),
    ):
        with pytest.raises(ActionError):
            await channel.on_action(member, meeting.id, action, data)
    with pytest.raises(Forbidden):
        await channel.on_action(member, meeting.id, "lock", {"locked": True})
    with pytest.raises(NotFound):
        await channel.on_action(await v(branch.outsider), meeting.id, "check_in", {})

    created = await channel.on_action(
        host, meeting.id, "create_vote", {"kind": "motion", "title": "议题", "secret": True}
    )
    await channel.on_action(host, meeting.id, "open_vote", {"vote_id": created["vote_id"]})
    ack = await channel.on_action(
        member, meeting.id, "cast_ballot", {"vote_id": created["vote_id"], "choice": "no"}
    )
    assert ack == {"vote_id": created["vote_id"], "accepted": True}
    with pytest.raises(ActionError):
        await channel.on_action(
            member, meeting.id, "cast_ballot", {"vote_id": created["vote_id"], "choice": "yes"}
        )
    assert await Ballot.filter(vote_id=created["vote_id"]).count() == 1
    cast = log.of("ballot.cast")[0]
    assert "no" not in str(cast["data"]) and "tallies" not in cast["data"]


def _event(
    kind: str,
    data: dict[str, Any],
    *,
    meeting_id: int,
    hosts_only: bool = False,
    org_path: str,
    org_id: int,
) -> dict[str, Any]:
    return {
        "channel": f"meeting:{meeting_id}",
        "id": 1,
        "event": kind,
        "data": data,
        "audience": {
            "meeting_id": meeting_id,
            "type": "branch_plenary",
            "org_id": org_id,
            "org_path": org_path,
            "host_user_ids": [],
            "hosts_only": hosts_only,
        },
    }


async def test_can_receive_filters_hosts_only_and_removed(services: Services) -> None:
    branch = await make_branch(voters=3)
    org = branch.tree.branch_a
    host = await v(branch.secretary)
    member = await v(branch.voters[1])
    outsider = await v(branch.outsider)
    args = {"meeting_id": 424242, "org_path": org.path, "org_id": org.id}
    posted = _event("message.posted", {"number": 1}, **args)
    assert channel.can_receive(member, posted)
    assert channel.can_receive(host, posted)
    assert not channel.can_receive(outsider, posted)
    secret = _event("vote.created", {"vote_id": 1}, hosts_only=True, **args)
    assert channel.can_receive(host, secret) and not channel.can_receive(member, secret)
    removed = _event("participant.removed", {"user_id": member.user_id}, **args)
    assert channel.can_receive(member, removed)  # they learn it, then nothing more
    assert not channel.can_receive(member, posted)
    restored = _event("participant.restored", {"user_id": member.user_id}, **args)
    assert channel.can_receive(member, restored)
    assert channel.can_receive(member, posted)
    assert not channel.can_receive(member, {"event": "x", "audience": {"type": "nope"}})


async def test_presence_from_subscribe_and_heartbeat(services: Services) -> None:
    branch = await make_branch(voters=3)
    meeting = await live_plenary(branch)
    alice, bob = await v(branch.voters[1]), await v(branch.voters[2])
    assert await channel.can_subscribe(alice, meeting.id)
    ack = await channel.on_action(bob, meeting.id, "here", {})
    assert ack == {"present": sorted([alice.user_id, bob.user_id]), "count": 2}
    with pytest.raises(NotFound):
        await channel.on_action(await v(branch.outsider), meeting.id, "here", {})
    state = await queries.room_state(alice, meeting)
    assert state["present_user_ids"] == sorted([alice.user_id, bob.user_id])
    await presence.leave(meeting.id, alice.user_id or 0)
    assert await presence.present(meeting.id) == [bob.user_id]
