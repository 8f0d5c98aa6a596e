"""Meeting actions on the real database: a full branch plenary, votes, audit and events."""

from __future__ import annotations

import datetime as dt

import pytest
from tortoise.exceptions import IntegrityError

from forum.auditlog import AuditEntry
from forum.errors import ActionError, Conflict, Forbidden
from forum.services import Services
from realtime.meetings import actions, queries
from realtime.meetings.models import Ballot, Meeting, MeetingMessage, Minutes, RollEntry, Vote
from tests.capture import PublishedEvents, count_queries
from tests.integration.meetings_fixtures import live_plenary, make_branch, v

pytestmark = pytest.mark.usefixtures("database")


async def _audit(action: str) -> list[AuditEntry]:
    return await AuditEntry.filter(action=action).order_by("id")


async def test_start_meeting_generates_expected_roll_with_voters(services: Services) -> None:
    branch = await make_branch()
    meeting = await live_plenary(branch)
    roll = await RollEntry.filter(meeting_id=meeting.id)
    expected = [r for r in roll if not r.guest]
    # 16 voters + probationary + sanctioned; the activist sits in, the guest is a guest.
    assert len(expected) == 18
    assert sum(r.voter for r in expected) == 16
    guests = [r for r in roll if r.guest]
    assert [g.user_id for g in guests] == [branch.floating_guest.id]
    assert not guests[0].voter
    sanctioned = next(r for r in roll if r.user_id == branch.sanctioned.id)
    assert not sanctioned.voter
    assert meeting.status == "live"
    assert len(await _audit("meeting.started")) == 1


async def test_full_plenary_admission_fails_on_quorum_then_passes(
    published_events: PublishedEvents,
) -> None:
    branch = await make_branch()
    meeting = await live_plenary(branch)
    log = published_events.on(f"meeting:{meeting.id}")
    host = await v(branch.secretary)

    # 8 of 16 voters check in: exactly half, no quorum.
    for user in branch.voters[:8]:
        await actions.check_in(await v(user), meeting)
    attendance = await queries.attendance(meeting)
    assert (attendance.present_voters, attendance.expected_voters) == (8, 16)
    assert not attendance.quorum

    first = await actions.create_vote(
        host,
        meeting,
        kind="admission",
        title="接收某同志为预备党员",
        candidate_id=branch.development_target.id,
    )
    await actions.open_vote(host, meeting, first)
    for user in branch.voters[:8]:
        await actions.cast_ballot(await v(user), meeting, first, choice="yes")
    closed = await actions.close_vote(host, meeting, first)
    assert closed.result is not None
    assert closed.result["quorum"] is False and closed.result["passed"] is False
    assert closed.result["reason"] == "no_quorum"

    # The 9th voter arrives: quorum; 8 yes at the meeting + 1 written opinion of an absent
    # voter makes 9 of 16: passes (8 alone would be exactly half).
    await actions.check_in(await v(branch.voters[8]), meeting)
    await actions.post_message(await v(branch.voters[1]), meeting, "同意，**该同志表现突出**")
    second = await actions.create_vote(
        host,
        meeting,
        kind="admission",
        title="接收某同志为预备党员（复议）",
        candidate_id=branch.development_target.id,
    )
    await actions.open_vote(host, meeting, second)
    absent = await RollEntry.get(meeting_id=meeting.id, user_id=branch.voters[15].id)
    await actions.enter_written_opinion(host, meeting, second, absent.member_id, "yes")
    for user in branch.voters[:8]:
        await actions.cast_ballot(await v(user), meeting, second, choice="yes")
    await actions.cast_ballot(await v(branch.voters[8]), meeting, second, choice="no")
    closed = await actions.close_vote(host, meeting, second)
    assert closed.result is not None
    assert closed.result["passed"] is True
    assert closed.result["written_yes"] == 1
    assert closed.result["expected_voters"] == 16 and closed.result["present_voters"] == 9

    assert len(await _audit("vote.closed")) == 2
    assert len(await _audit("vote.written_opinion_entered")) == 1
    assert log.types.count("member.checked_in") == 9
    assert log.types.count("ballot.cast") == 17
    assert log.types.count("vote.closed") == 2
    message = log.of("message.posted")[0]["data"]
    assert "<strong>该同志表现突出</strong>" in message["html"]
    assert message["number"] == 1


async def test_eight_yes_of_sixteen_fails_even_with_quorum(services: Services) -> None:
    branch = await make_branch()
    meeting = await live_plenary(branch)
    host = await v(branch.secretary)
    for user in branch.voters[:12]:
        await actions.check_in(await v(user), meeting)
    vote = await actions.create_vote(host, meeting, kind="motion", title="议题")
    await actions.open_vote(host, meeting, vote)
    for i, user in enumerate(branch.voters[:12]):
        await actions.cast_ballot(await v(user), meeting, vote, choice="yes" if i < 8 else "no")
    closed = await actions.close_vote(host, meeting, vote)
    assert closed.result is not None
    assert closed.result["quorum"] is True and closed.result["passed"] is False


@pytest.mark.parametrize("who", ["probationary", "activist", "sanctioned", "floating_guest"])
async def test_cast_ballot_by_non_voter_refused(services: Services, who: str) -> None:
    branch = await make_branch()
    meeting = await live_plenary(branch)
    host = await v(branch.secretary)
    user = getattr(branch, who)
    await actions.check_in(await v(user), meeting)
    vote = await actions.create_vote(host, meeting, kind="motion", title="议题")
    await actions.open_vote(host, meeting, vote)
    with pytest.raises(Forbidden):
        await actions.cast_ballot(await v(user), meeting, vote, choice="yes")
    assert await Ballot.filter(vote_id=vote.id).count() == 0


async def test_outsider_cannot_check_in(services: Services) -> None:
    branch = await make_branch()
    meeting = await live_plenary(branch)
    with pytest.raises(Forbidden):
        await actions.check_in(await v(branch.outsider), meeting)


async def test_duplicate_ballot_refused_by_the_database(services: Services) -> None:
    branch = await make_branch()
    meeting = await live_plenary(branch)
    host = await v(branch.secretary)
    voter = branch.voters[3]
    await actions.check_in(await v(voter), meeting)
    vote = await actions.create_vote(host, meeting, kind="motion", title="议题")
    await actions.open_vote(host, meeting, vote)
    ballot = await actions.cast_ballot(await v(voter), meeting, vote, choice="yes")
    with pytest.raises(Conflict):
        await actions.cast_ballot(await v(voter), meeting, vote, choice="no")
    # Bypassing the action: the unique constraint itself refuses the second row.
    with pytest.raises(IntegrityError):
        await Ballot.create(vote_id=vote.id, voter_id=ballot.voter_id, choice="no")
    refreshed = await Vote.get(id=vote.id)
    assert refreshed.ballots_cast == 1
    assert await queries.tallies_of(refreshed) == {"yes": 1, "no": 0, "abstain": 0}


async def test_secret_ballot_stores_no_choice_and_events_reveal_none(
    published_events: PublishedEvents,
) -> None:
    branch = await make_branch()
    meeting = await live_plenary(branch)
    log = published_events.on(f"meeting:{meeting.id}")
    host = await v(branch.secretary)
    for user in branch.voters[:10]:
        await actions.check_in(await v(user), meeting)
    vote = await actions.create_vote(host, meeting, kind="motion", title="无记名", secret=True)
    await actions.open_vote(host, meeting, vote)
    await actions.cast_ballot(await v(branch.voters[2]), meeting, vote, choice="no")
    ballots = await Ballot.filter(vote_id=vote.id)
    assert [b.choice for b in ballots] == [""]
    cast = log.of("ballot.cast")[0]["data"]
    assert set(cast) == {"meeting_id", "vote_id", "ballots_cast"}
    state = await queries.serialize_vote(host, meeting, await Vote.get(id=vote.id))
    assert state["tallies"] is None  # hidden until closed, for hosts too
    await actions.close_vote(host, meeting, vote)
    state = await queries.serialize_vote(host, meeting, await Vote.get(id=vote.id))
    assert state["tallies"] == {"yes": 0, "no": 1, "abstain": 0}


async def test_muted_member_loses_speech_at_once_but_keeps_vote(services: Services) -> None:
    branch = await make_branch()
    meeting = await live_plenary(branch)
    host = await v(branch.secretary)
    member = branch.voters[4]
    await actions.check_in(await v(member), meeting)
    await actions.post_message(await v(member), meeting, "第一条")
    await actions.mute_participant(host, meeting, member.id, "mute", "跑题")
    with pytest.raises(Forbidden):
        await actions.post_message(await v(member), meeting, "第二条")
    vote = await actions.create_vote(host, meeting, kind="motion", title="议题")
    await actions.open_vote(host, meeting, vote)
    await actions.cast_ballot(await v(member), meeting, vote, choice="yes")
    await actions.mute_participant(host, meeting, member.id, "remove", "扰乱会场")
    vote2 = await actions.create_vote(host, meeting, kind="motion", title="议题二")
    await actions.open_vote(host, meeting, vote2)
    with pytest.raises(Forbidden):
        await actions.cast_ballot(await v(member), meeting, vote2, choice="yes")
    assert len(await _audit("meeting.participant_muted")) == 1
    assert len(await _audit("meeting.participant_removed")) == 1


async def test_over_long_reasons_and_notes_are_refused_not_cut(services: Services) -> None:
    """A host's reasons and a written opinion's note longer than their columns are refused
    with a message naming the field (they used to be cut to 500 characters silently)."""
    branch = await make_branch()
    meeting = await live_plenary(branch)
    host = await v(branch.secretary)
    member = branch.voters[6]
    await actions.check_in(await v(member), meeting)
    message = await actions.post_message(await v(member), meeting, "一条发言")
    with pytest.raises(ActionError) as removal:
        await actions.remove_message(host, meeting, message.number, "长" * 501)
    assert removal.value.field == "reason"
    with pytest.raises(ActionError) as mute:
        await actions.mute_participant(host, meeting, member.id, "mute", "长" * 501)
    assert mute.value.field == "reason"
    vote = await actions.create_vote(
        host,
        meeting,
        kind="admission",
        title="接收预备党员",
        candidate_id=branch.development_target.id,
    )
    absent = branch.voters[7]
    absent_member = await RollEntry.get(meeting_id=meeting.id, user_id=absent.id)
    with pytest.raises(ActionError) as opinion:
        await actions.enter_written_opinion(
            host, meeting, vote, absent_member.member_id, "yes", "长" * 501
        )
    assert opinion.value.field == "note"
    assert not (await MeetingMessage.get(id=message.id)).removed
    assert (
        await AuditEntry.filter(
            action__in=["meeting_message.removed", "meeting.participant_muted"]
        ).count()
        == 0
    )
    # At the limit (after trimming) they are kept whole.
    await actions.remove_message(host, meeting, message.number, " " + "长" * 500 + " ")
    assert (await MeetingMessage.get(id=message.id)).removed_reason == "长" * 500
    entered = await actions.enter_written_opinion(
        host, meeting, vote, absent_member.member_id, "yes", "意" * 500
    )
    assert entered.note == "意" * 500


async def test_schedule_refuses_unknown_or_over_long_host_names(services: Services) -> None:
    """A host name longer than a username matches nobody: a clear refusal, not a 500."""
    branch = await make_branch()
    host = await v(branch.secretary)
    when = dt.datetime.now(dt.UTC) + dt.timedelta(days=1)
    for names, message in (
        (["a" * 40], "主持人用户名不能超过 32 个字符"),  # the limit named, the name never cut
        (["nobody_here"], "找不到用户“nobody_here”"),
    ):
        with pytest.raises(ActionError) as refused:
            await actions.schedule_meeting(
                host,
                branch.tree.branch_a,
                type="branch_plenary",
                title="会议",
                scheduled_at=when,
                host_usernames=names,
            )
        assert refused.value.field == "hosts" and refused.value.message == message
    with pytest.raises(ActionError) as location:
        await actions.schedule_meeting(
            host,
            branch.tree.branch_a,
            type="branch_plenary",
            title="会议",
            scheduled_at=when,
            location="地" * 121,
        )
    assert location.value.field == "location"
    assert await Meeting.filter(title="会议").count() == 0


async def test_sanctioned_mid_meeting_loses_vote_at_once(services: Services) -> None:
    branch = await make_branch()
    meeting = await live_plenary(branch)
    host = await v(branch.secretary)
    member = branch.voters[5]
    await actions.check_in(await v(member), meeting)
    stale = await v(member)  # the connect-time viewer
    vote = await actions.create_vote(host, meeting, kind="motion", title="议题")
    await actions.open_vote(host, meeting, vote)
    from forum.models import Member

    await Member.filter(user_id=member.id).update(on_probation_sanction=True)
    with pytest.raises(Forbidden):
        await actions.cast_ballot(stale, meeting, vote, choice="yes")


async def test_remove_message_hidden_in_room_kept_for_record(
    published_events: PublishedEvents,
) -> None:
    branch = await make_branch()
    meeting = await live_plenary(branch)
    log = published_events.on(f"meeting:{meeting.id}")
    host = await v(branch.secretary)
    member = branch.voters[1]
    await actions.check_in(await v(member), meeting)
    message = await actions.post_message(await v(member), meeting, "不当言论")
    await actions.remove_message(host, meeting, message.number, "违反会议纪律")
    stored = await MeetingMessage.get(id=message.id)
    assert stored.removed and stored.body_raw == "不当言论"
    state = await queries.room_state(await v(member), meeting)
    assert state["messages"] == []
    host_state = await queries.room_state(host, meeting)
    assert host_state["messages"][0]["removed"] is True
    entries = await _audit("meeting_message.removed")
    assert len(entries) == 1 and entries[0].before == {"number": 1, "body": "不当言论"}
    assert log.of("message.removed")[0]["data"] == {"meeting_id": meeting.id, "number": 1}


async def test_lock_discussion_and_speaking_queue(published_events: PublishedEvents) -> None:
    branch = await make_branch()
    meeting = await live_plenary(branch)
    log = published_events.on(f"meeting:{meeting.id}")
    host = await v(branch.secretary)
    member = branch.voters[2]
    await actions.check_in(await v(member), meeting)
    request = await actions.raise_hand(await v(member), meeting)
    with pytest.raises(Conflict):
        await actions.raise_hand(await v(member), meeting)
    await actions.give_floor(host, meeting, request.id)
    meeting = await actions.lock_discussion(host, meeting, True)
    with pytest.raises(Forbidden):
        await actions.post_message(await v(member), meeting, "锁定后发言")
    await actions.post_message(host, meeting, "主持人总结")  # hosts still speak
    await actions.next_agenda_item(host, meeting)
    with pytest.raises(ActionError):
        await actions.next_agenda_item(host, meeting)
    assert log.types == [
        "member.checked_in",
        "hand.raised",
        "floor.given",
        "discussion.locked",
        "message.posted",
        "agenda.advanced",
    ]
    # Per-channel ids from the realtime core: consecutive, after `meeting.started` (id 1).
    assert [m["id"] for m in log] == [2, 3, 4, 5, 6, 7]
    assert len(await _audit("meeting.discussion_locked")) == 1


async def test_leave_request_before_start_counts_on_leave(services: Services) -> None:
    branch = await make_branch()
    host = await v(branch.secretary)
    meeting = await actions.schedule_meeting(
        host,
        branch.tree.branch_a,
        type="branch_plenary",
        title="会",
        scheduled_at=dt.datetime.now(dt.UTC) + dt.timedelta(days=1),
    )
    await actions.request_leave(await v(branch.voters[7]), meeting, "出差")
    with pytest.raises(Conflict):
        await actions.request_leave(await v(branch.voters[7]), meeting, "出差")
    with pytest.raises(Forbidden):
        await actions.request_leave(await v(branch.activist), meeting, "不来")
    meeting = await actions.start_meeting(host, meeting)
    with pytest.raises(Forbidden):
        await actions.request_leave(await v(branch.voters[6]), meeting, "迟了")
    attendance = await queries.attendance(meeting)
    assert attendance.on_leave == 1 and attendance.absent == 17


async def test_schedule_validation_and_policy(services: Services) -> None:
    branch = await make_branch(voters=3)
    host = await v(branch.secretary)
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=1)
    with pytest.raises(ActionError):
        await actions.schedule_meeting(
            host, branch.tree.branch_a, type="group_meeting", title="x", scheduled_at=later
        )
    with pytest.raises(ActionError):
        await actions.schedule_meeting(
            host, branch.tree.branch_a, type="branch_plenary", title=" ", scheduled_at=later
        )
    with pytest.raises(Forbidden):
        await actions.schedule_meeting(
            await v(branch.voters[1]),
            branch.tree.branch_a,
            type="branch_plenary",
            title="x",
            scheduled_at=later,
        )
    with pytest.raises(Forbidden):  # a sibling branch is outside the secretary's scope
        await actions.schedule_meeting(
            host, branch.tree.branch_b, type="branch_plenary", title="x", scheduled_at=later
        )
    assert await Meeting.all().count() == 0


async def test_election_four_fifths_and_seats(services: Services) -> None:
    branch = await make_branch(voters=5)
    meeting = await live_plenary(branch)
    host = await v(branch.secretary)
    candidates = [
        (await RollEntry.get(meeting_id=meeting.id, user_id=u.id)).member_id
        for u in branch.voters[1:4]
    ]
    for user in branch.voters[:4]:  # 4 of 5: exactly four fifths, void
        await actions.check_in(await v(user), meeting)
    vote = await actions.create_vote(
        host, meeting, kind="election", title="选举支部委员", candidate_ids=candidates, seats=2
    )
    await actions.open_vote(host, meeting, vote)
    with pytest.raises(ActionError):
        await actions.cast_ballot(await v(branch.voters[0]), meeting, vote, selected=candidates)
    for user in branch.voters[:4]:
        await actions.cast_ballot(await v(user), meeting, vote, selected=candidates[:2])
    closed = await actions.close_vote(host, meeting, vote)
    assert closed.result is not None
    assert closed.result["quorum"] is False and closed.result["elected"] == []

    await actions.check_in(await v(branch.voters[4]), meeting)
    vote2 = await actions.create_vote(
        host, meeting, kind="election", title="再次选举", candidate_ids=candidates, seats=2
    )
    await actions.open_vote(host, meeting, vote2)
    for i, user in enumerate(branch.voters[:5]):
        picks = candidates[:2] if i < 3 else candidates[2:]
        await actions.cast_ballot(await v(user), meeting, vote2, selected=picks)
    closed = await actions.close_vote(host, meeting, vote2)
    assert closed.result is not None
    assert closed.result["quorum"] is True
    assert sorted(closed.result["elected"]) == sorted(candidates[:2])  # 3 of 5 > half


async def test_end_assembles_minutes_archive_is_immutable(services: Services) -> None:
    branch = await make_branch(voters=3)
    meeting = await live_plenary(branch)
    host = await v(branch.secretary)
    for user in branch.voters:
        await actions.check_in(await v(user), meeting)
    await actions.post_message(await v(branch.voters[1]), meeting, "发言内容")
    vote = await actions.create_vote(host, meeting, kind="motion", title="议题")
    await actions.open_vote(host, meeting, vote)
    await actions.cast_ballot(await v(branch.voters[1]), meeting, vote, choice="yes")
    meeting = await actions.end_meeting(host, meeting)  # closes the open vote
    assert (await Vote.get(id=vote.id)).state == "closed"
    minutes = await Minutes.get(meeting_id=meeting.id)
    assert minutes.record["attendance"]["present"] == 3
    assert minutes.record["messages"][0]["raw"] == "发言内容"
    assert minutes.record["votes"][0]["title"] == "议题"
    await actions.update_minutes_summary(host, meeting, "会议**顺利**召开")
    meeting = await actions.archive_meeting(host, meeting)
    with pytest.raises(Forbidden):
        await actions.update_minutes_summary(host, meeting, "篡改")
    await actions.append_correction(host, meeting, "更正：时间有误")
    with pytest.raises(Forbidden):
        await actions.append_correction(await v(branch.voters[1]), meeting, "x")
    for action in ("meeting.ended", "minutes.edited", "meeting.archived", "minutes.corrected"):
        assert len(await _audit(action)) == 1, action


async def test_room_state_query_count_does_not_grow_with_votes(services: Services) -> None:
    branch = await make_branch(voters=3)
    meeting = await live_plenary(branch)
    host = await v(branch.secretary)
    member = await v(branch.voters[1])
    await actions.check_in(member, meeting)
    await actions.post_message(member, meeting, "一")
    first = await actions.create_vote(host, meeting, kind="motion", title="一")
    await actions.open_vote(host, meeting, first)
    with count_queries() as one:
        await queries.room_state(member, meeting)
    for n in range(4):
        vote = await actions.create_vote(host, meeting, kind="motion", title=f"议题{n}")
        await actions.open_vote(host, meeting, vote)
        await actions.post_message(member, meeting, f"发言{n}")
    with count_queries() as five:
        await queries.room_state(member, meeting)
    assert one.count == five.count
    assert 5 < five.count <= 20, five.count  # the counter works, and the page stays cheap


async def test_publishing_notifies_the_expected_roll_only(
    published_events: PublishedEvents,
) -> None:
    branch = await make_branch(voters=3)
    host = await v(branch.secretary)
    voter = published_events.on(f"user:{branch.voters[1].id}")
    guest = published_events.on(f"user:{branch.floating_guest.id}")
    outsider = published_events.on(f"user:{branch.outsider.id}")
    draft = await actions.schedule_meeting(
        host,
        branch.tree.branch_a,
        type="branch_plenary",
        title="通知测试",
        scheduled_at=dt.datetime.now(dt.UTC) + dt.timedelta(days=2),
        publish=False,
    )
    assert voter == []  # a draft notifies nobody
    await actions.publish_meeting(host, draft)
    assert [m["type"] for m in voter] == ["notification.created"]
    assert voter[0]["kind"] == "meeting.scheduled"
    assert voter[0]["meeting_id"] == draft.id
    assert len(guest) == 1  # floating guests are told too
    assert outsider == []
    assert await AuditEntry.filter(action="meeting.published").count() == 1
