"""Hybrid meetings on the real database: proxy and QR check-in, the recorder, in-person hand
counts, 应到 exclusions and the minutes (local time, 主持人 / 记录人 / 列席)."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from forum.auditlog import AuditEntry
from forum.errors import ActionError, Conflict, Forbidden
from forum.models import Member
from forum.services import Services
from realtime.meetings import actions, qr, queries
from realtime.meetings.models import CheckIn, Minutes, Vote
from tests.capture import PublishedEvents
from tests.disposition import parse
from tests.factories import make_member
from tests.helpers import Client
from tests.integration.meetings_fixtures import Branch, live_plenary, make_branch, v

pytestmark = pytest.mark.usefixtures("database")


async def _branch_with_unaccounted(extra: int) -> tuple[Branch, list[Member]]:
    """3 voters with accounts plus `extra` full members without any account."""
    branch = await make_branch(voters=3)
    members = [await make_member(branch.tree.branch_a, "full") for _ in range(extra)]
    return branch, members


async def test_record_attendance_counts_toward_quorum_audited(
    published_events: PublishedEvents,
) -> None:
    branch, offline = await _branch_with_unaccounted(4)  # 7 expected voters
    meeting = await live_plenary(branch)
    log = published_events.on(f"meeting:{meeting.id}")
    host = await v(branch.secretary)
    assert (await queries.attendance(meeting)).expected_voters == 7
    for member in offline:
        await actions.record_attendance(host, meeting, member.id, note="现场签字")
    attendance = await queries.attendance(meeting)
    assert (attendance.present_voters, attendance.quorum) == (4, True)
    rows = await CheckIn.filter(meeting_id=meeting.id)
    assert {(r.method, r.recorded_by_id, r.note) for r in rows} == {
        ("proxy", branch.secretary.id, "现场签字")
    }
    assert await AuditEntry.filter(action="meeting.attendance_recorded").count() == 4
    events = log.of("member.checked_in")
    assert [e["data"]["method"] for e in events] == ["proxy"] * 4
    assert events[-1]["data"]["attendance"]["present_voters"] == 4
    with pytest.raises(Conflict):
        await actions.record_attendance(host, meeting, offline[0].id)


async def test_record_attendance_refused_for_member_allowed_for_named_recorder(
    services: Services,
) -> None:
    branch, offline = await _branch_with_unaccounted(1)
    meeting = await live_plenary(branch)
    member = await v(branch.voters[1])
    with pytest.raises(Forbidden):
        await actions.record_attendance(member, meeting, offline[0].id)
    with pytest.raises(ActionError):  # the outsider is of another branch
        await actions.name_recorder(await v(branch.secretary), meeting, branch.outsider.username)
    await actions.name_recorder(await v(branch.secretary), meeting, branch.voters[1].username)
    checkin = await actions.record_attendance(member, meeting, offline[0].id)
    assert checkin.recorded_by_id == branch.voters[1].id
    assert await AuditEntry.filter(action="meeting.recorder_named").count() == 1
    with pytest.raises(ActionError):  # not on this meeting's roll
        await actions.record_attendance(member, meeting, (await v(branch.outsider)).member_id or 0)


async def test_in_person_count_bounded_by_present_voters_then_passes(services: Services) -> None:
    branch, offline = await _branch_with_unaccounted(6)  # 9 expected voters: 5 to pass
    meeting = await live_plenary(branch)
    host = await v(branch.secretary)
    for member in offline[:5]:
        await actions.record_attendance(host, meeting, member.id)
    await actions.check_in(host, meeting)  # 6 present voters
    vote = await actions.create_vote(host, meeting, kind="motion", title="通过学习计划")
    vote = await actions.open_vote(host, meeting, vote)
    await actions.cast_ballot(host, meeting, vote, choice="yes")  # 1 electronic ballot
    with pytest.raises(ActionError, match="超过"):
        await actions.record_in_person_count(host, meeting, vote, yes=5, no=1, abstain=0)
    with pytest.raises(ActionError):
        await actions.record_in_person_count(host, meeting, vote, yes=-1, no=0, abstain=0)
    unchanged = await Vote.get(id=vote.id)
    assert (unchanged.ballots_cast, unchanged.in_person_yes) == (1, 0)
    await actions.record_in_person_count(host, meeting, vote, yes=3, no=1, abstain=0)
    # A correction replaces the count: the tallies move by the difference.
    counted = await actions.record_in_person_count(host, meeting, vote, yes=4, no=0, abstain=1)
    assert counted.ballots_cast == 6
    assert await queries.tallies_of(counted) == {"yes": 5, "no": 0, "abstain": 1}
    assert await AuditEntry.filter(action="vote.in_person_counted").count() == 2
    closed = await actions.close_vote(host, meeting, counted)
    assert closed.result is not None
    assert (closed.result["passed"], closed.result["quorum"]) == (True, True)
    assert closed.result["in_person_yes"] == 4


async def test_in_person_count_refused_for_secret_ballot(services: Services) -> None:
    branch, _offline = await _branch_with_unaccounted(2)
    meeting = await live_plenary(branch)
    host = await v(branch.secretary)
    vote = await actions.create_vote(host, meeting, kind="motion", title="无记名", secret=True)
    vote = await actions.open_vote(host, meeting, vote)
    with pytest.raises(Forbidden, match="一人一票"):
        await actions.record_in_person_count(host, meeting, vote, yes=1, no=0, abstain=0)
    assert (await Vote.get(id=vote.id)).ballots_cast == 0


async def test_exclusion_drops_member_from_expected_with_reason(
    client: Client, services: Services
) -> None:
    branch, offline = await _branch_with_unaccounted(2)
    meeting = await live_plenary(branch)
    host = await v(branch.secretary)
    before = await queries.attendance(meeting)
    with pytest.raises(ActionError):  # all three facts are required
        await actions.exclude_from_roll(
            host, meeting, offline[0].id, category="abroad", reason="出国", approval="", decision=""
        )
    entry = await actions.exclude_from_roll(
        host,
        meeting,
        offline[0].id,
        category="abroad",
        reason="自费留学两年",
        approval="上级党委组〔2026〕12号",
        decision="2026年10月支部党员大会通过",
    )
    assert entry.excluded_category == "abroad"
    after = await queries.attendance(meeting)
    assert (after.expected, after.expected_voters) == (
        before.expected - 1,
        before.expected_voters - 1,
    )
    with pytest.raises(ActionError):
        await actions.record_attendance(host, meeting, offline[0].id)
    await client.login(branch.secretary.username)
    room = await client.get(f"/meetings/{meeting.id}")
    assert "不计入应到" in room.text and "自费留学两年" in room.text
    assert "上级党委组〔2026〕12号" in room.text
    await actions.restore_to_roll(host, meeting, offline[0].id)
    assert (await queries.attendance(meeting)).expected_voters == before.expected_voters
    assert await AuditEntry.filter(action="meeting.roll_excluded").count() == 1
    assert await AuditEntry.filter(action="meeting.roll_restored").count() == 1


async def test_qr_checkin_valid_expired_other_meeting_and_not_on_roll(
    client: Client, other_client: Client, services: Services
) -> None:
    branch = await make_branch(voters=3)
    meeting = await live_plenary(branch)
    other = await live_plenary(branch, title="另一次会议")
    now = dt.datetime.now(dt.UTC)
    await client.login(branch.voters[1].username)

    # The scan opens a confirm page; the GET itself checks nobody in.
    code = qr.issue(meeting.id, now)
    page = await client.get(f"/meetings/{meeting.id}/checkin/qr?code={code}")
    assert page.status_code == 200 and "确认签到" in page.text
    assert not await CheckIn.exists(meeting_id=meeting.id)

    # Replayed to another meeting, or expired: refused with a Chinese message.
    replay = await client.post_form(f"/meetings/{other.id}/checkin/qr", {"code": code})
    assert replay.status_code == 400 and "不属于本次会议" in replay.text
    stale = qr.issue(meeting.id, now - dt.timedelta(seconds=qr.VALID_SECONDS + qr.ROTATE_SECONDS))
    expired = await client.post_form(f"/meetings/{meeting.id}/checkin/qr", {"code": stale})
    assert expired.status_code == 400 and "签到码已过期" in expired.text
    forged = await client.post_form(
        f"/meetings/{meeting.id}/checkin/qr", {"code": code.split(".")[0] + ".AAAA"}
    )
    assert forged.status_code == 400
    # An over-long code is refused as it is, on the page and by the POST, never cut to fit.
    long_code = code + "A" * (65 - len(code))
    shown = await client.get(f"/meetings/{meeting.id}/checkin/qr?code={long_code}")
    assert shown.status_code == 400 and "签到码无效" in shown.text
    too_long = await client.post_form(f"/meetings/{meeting.id}/checkin/qr", {"code": long_code})
    assert too_long.status_code == 400 and "签到码无效" in too_long.text
    assert not await CheckIn.exists(meeting_id=meeting.id)

    done = await client.post_form(f"/meetings/{meeting.id}/checkin/qr", {"code": code})
    assert done.status_code == 303
    row = await CheckIn.get(meeting_id=meeting.id)
    assert row.method == "qr" and row.recorded_by_id is None

    # A member of another branch (not on the roll) cannot use a valid code.
    await other_client.login(branch.outsider.username)
    outsider = await other_client.post_form(f"/meetings/{meeting.id}/checkin/qr", {"code": code})
    assert outsider.status_code in {403, 404}
    assert await CheckIn.filter(meeting_id=meeting.id).count() == 1


async def test_qr_scan_without_login_goes_to_login_and_host_sees_code(
    client: Client, other_client: Client, services: Services
) -> None:
    branch = await make_branch(voters=3)
    meeting = await live_plenary(branch)
    code = qr.issue(meeting.id, dt.datetime.now(dt.UTC))
    anonymous = await other_client.get(f"/meetings/{meeting.id}/checkin/qr?code={code}")
    assert anonymous.status_code == 303 and anonymous.headers["location"].startswith("/login?next=")
    await client.login(branch.secretary.username)
    room = await client.get(f"/meetings/{meeting.id}")
    assert '<svg viewBox="' in room.text and "扫码签到" in room.text
    fresh = await client.get(f"/meetings/{meeting.id}/qr")
    assert fresh.json()["url"].startswith(
        f"http://testserver/meetings/{meeting.id}/checkin/qr?code="
    )
    await other_client.login(branch.voters[1].username)
    assert (await other_client.get(f"/meetings/{meeting.id}/qr")).status_code == 404


async def test_hybrid_forms_without_js_and_minutes_in_local_time(
    client: Client, services: Services
) -> None:
    branch, offline = await _branch_with_unaccounted(3)  # 6 expected voters
    meeting = await live_plenary(branch)
    await client.login(branch.secretary.username)
    # The host picks the recorder by name from the roll (no username to type).
    picker = (await client.get(f"/meetings/{meeting.id}")).text
    recorder = branch.voters[2]
    assert f'<option value="{recorder.username}">' in picker
    await client.post_form(f"/meetings/{meeting.id}/name_recorder", {"username": recorder.username})
    picker = (await client.get(f"/meetings/{meeting.id}")).text
    assert f'<option value="{recorder.username}" selected>' in picker
    for member in offline:
        posted = await client.post_form(
            f"/meetings/{meeting.id}/record_attendance",
            {"member_id": str(member.id), "note": "补签"},
        )
        assert posted.status_code == 303
    await actions.check_in(await v(branch.activist), meeting)  # sits in (列席)
    await client.post_form(
        f"/meetings/{meeting.id}/create_vote", {"kind": "motion", "title": "通过计划"}
    )
    vote = await Vote.get(meeting_id=meeting.id)
    await client.post_form(f"/meetings/{meeting.id}/open_vote", {"vote_id": str(vote.id)})
    over = await client.post_form(
        f"/meetings/{meeting.id}/record_in_person_count",
        {"vote_id": str(vote.id), "yes": "4", "no": "0", "abstain": "0"},
    )
    assert over.status_code == 400  # 3 present voters
    await client.post_form(
        f"/meetings/{meeting.id}/record_in_person_count",
        {"vote_id": str(vote.id), "yes": "3", "no": "0", "abstain": "0"},
    )
    await client.post_form(
        f"/meetings/{meeting.id}/close_vote", {"vote_id": str(vote.id), "confirmed": "1"}
    )
    room = await client.get(f"/meetings/{meeting.id}")
    assert "现场举手表决计数" in room.text and "由主持人代签到" in room.text
    await client.post_form(f"/meetings/{meeting.id}/end", {"confirmed": "1"})

    minutes = await Minutes.get(meeting_id=meeting.id)
    row = await CheckIn.filter(meeting_id=meeting.id, method="proxy").first()
    assert row is not None
    local = row.checked_in_at.astimezone(dt.timezone(dt.timedelta(hours=8))).strftime("%H:%M")
    utc = row.checked_in_at.astimezone(dt.UTC).strftime("%H:%M")
    page = await client.get(f"/meetings/{meeting.id}/minutes")
    download = await client.get(f"/meetings/{meeting.id}/minutes.md")
    markdown = download.text
    # Named for people and for Windows: title, the meeting's local date, extension last.
    day = meeting.scheduled_at.astimezone(dt.timezone(dt.timedelta(hours=8))).date().isoformat()
    kind, params = parse(download.headers["content-disposition"])
    assert kind == "attachment"
    assert params["filename*"] == f"{meeting.title}会议记录-{day}.md"
    assert params["filename"] == f"meeting-{meeting.id}-minutes-{day}.md"
    for text in (page.text, markdown):
        assert f"{local} 由主持人代签到" in text
        assert "补签" in text
        assert "现场举手表决计数：赞成 3" in text
    if local != utc:
        assert f"出席 {utc}" not in markdown
    assert re.search(r"主持人：.*" + re.escape(await _name(branch.secretary.id)), markdown)
    assert "记录人：" + await _name(branch.voters[2].id) in markdown
    assert "列席：" + await _name(branch.activist.id) in markdown
    assert "<th>主持人</th>" in page.text and "<th>列席</th>" in page.text
    assert minutes.record["hosts"]


async def _name(user_id: int) -> str:
    return (await Member.get(user_id=user_id)).name
