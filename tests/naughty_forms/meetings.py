"""Meetings: scheduling, the room (messages, votes, leave) and minutes forms."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from forum.policy import Viewer
from tests.naughty import (
    Form,
    World,
    latest,
    meetings_models,
)

TZ = ZoneInfo("Asia/Shanghai")


# --- Readers of values that are not one plain column ----------------------------------------


async def _hosts() -> str | None:
    """The usernames the newest meeting names as hosts (None when it names none)."""
    from forum.models import User

    meeting = await meetings_models().Meeting.all().order_by("-id").first()
    if meeting is None or not meeting.host_user_ids:
        return None
    names = {u.id: u.username for u in await User.filter(id__in=meeting.host_user_ids)}
    return ",".join(names[i] for i in meeting.host_user_ids)


async def _scheduled_at() -> str | None:
    """The newest meeting's time as the datetime-local input writes it (Beijing time)."""
    value = await meetings_models().Meeting.all().order_by("-id").first()
    return None if value is None else value.scheduled_at.astimezone(TZ).strftime("%Y-%m-%dT%H:%M")


async def _seats() -> str | None:
    return await latest(meetings_models().Vote, "seats")


# --- Targets --------------------------------------------------------------------------------


async def _host(world: World) -> Viewer:
    from forum.viewer import viewer_for_user

    return await viewer_for_user(world.ids["secretary_user"])


async def live_plenary(world: World) -> None:
    """Once per run: a live branch plenary (votes need one; the demo's live meeting is a theme
    day, which votes on nothing), hosted by the secretary, nobody checked in yet."""
    if "plenary" in world.ids:
        return
    from forum.models import Org
    from realtime.meetings import actions, queries

    host = await _host(world)
    branch = await Org.get(id=world.ids["branch"])
    meeting = await actions.schedule_meeting(
        host,
        branch,
        type="branch_plenary",
        title="语料表决会议",
        scheduled_at=dt.datetime.now(dt.UTC) + dt.timedelta(hours=1),
        agenda=["表决事项"],
    )
    meeting = await actions.start_meeting(host, meeting)
    world.ids["plenary"] = meeting.id
    voters = await queries.eligible_candidates(meeting, "election")
    world.ids["candidate_a"], world.ids["candidate_b"] = voters[0].id, voters[1].id
    entry = (
        await meetings_models()
        .RollEntry.filter(meeting_id=meeting.id, voter=True, guest=False)
        .order_by("id")
        .first()
    )
    world.ids["absent_voter"] = entry.member_id


async def fresh_opinion_vote(world: World) -> None:
    """A new admission question on the plenary: one written opinion per voter and question."""
    await live_plenary(world)
    vote = await meetings_models().Vote.create(
        meeting_id=world.ids["plenary"],
        kind="admission",
        title="语料接收预备党员",
        created_by_id=world.ids["secretary_user"],
    )
    world.ids["opinion_vote"] = vote.id


async def ended_meeting(world: World) -> None:
    """Once per run: a meeting the secretary hosted and ended (its minutes are editable)."""
    if "ended" in world.ids:
        return
    from forum.models import Org
    from realtime.meetings import actions

    host = await _host(world)
    branch = await Org.get(id=world.ids["branch"])
    meeting = await actions.schedule_meeting(
        host,
        branch,
        type="theme_day",
        title="语料纪要会议",
        scheduled_at=dt.datetime.now(dt.UTC) + dt.timedelta(hours=1),
    )
    meeting = await actions.start_meeting(host, meeting)
    meeting = await actions.end_meeting(host, meeting)
    world.ids["ended"] = meeting.id


async def archived_meeting(world: World) -> None:
    """The demo's archived plenary (corrections are appended to archived minutes only)."""
    if "archived" not in world.ids:
        meeting = await meetings_models().Meeting.get(status="archived")
        world.ids["archived"] = meeting.id


async def fresh_scheduled(world: World) -> None:
    """A new scheduled plenary of the branch: a member asks for leave once per meeting."""
    from forum.models import Org

    branch = await Org.get(id=world.ids["branch"])
    meeting = await meetings_models().Meeting.create(
        org_id=branch.id,
        org_path=branch.path,
        type="branch_plenary",
        title="语料请假会议",
        scheduled_at=dt.datetime.now(dt.UTC) + dt.timedelta(days=3),
        status="scheduled",
        created_by_id=world.ids["secretary_user"],
    )
    world.ids["scheduled"] = meeting.id


async def fresh_message(world: World) -> None:
    """A new message in the live meeting for the host to remove (removal is one-shot)."""
    from tortoise.expressions import F

    models = meetings_models()
    meeting_id = world.ids["meeting"]
    await models.Meeting.filter(id=meeting_id).update(last_message_no=F("last_message_no") + 1)
    meeting = await models.Meeting.get(id=meeting_id)
    await models.MeetingMessage.create(
        meeting_id=meeting_id,
        number=meeting.last_message_no,
        author_id=world.ids["publicity_user"],
        author_name="语料",
        body_raw="待移除的发言",
        body_html="<p>待移除的发言</p>",
        render_version=1,
    )
    world.ids["message_number"] = meeting.last_message_no


async def fresh_chat_window(world: World) -> None:
    """The room's burst limit (5 messages in 10 s, tested on its own) starts over, so every
    try reaches the validation of the body."""
    from forum.services import get_services

    user_id = world.ids["secretary_user"]
    await get_services().counter.reset(f"chat:meeting:{world.ids['meeting']}:{user_id}")


async def _roll_member(world: World, key: str, index: int) -> int:
    """A voter on the plenary's roll other than `absent_voter` (the written opinions' one)."""
    await live_plenary(world)
    if key not in world.ids:
        entries = (
            await meetings_models()
            .RollEntry.filter(meeting_id=world.ids["plenary"], voter=True, guest=False)
            .order_by("id")
        )
        world.ids[key] = entries[index].member_id
    return int(world.ids[key])


async def fresh_unrecorded(world: World) -> None:
    """A plenary voter not yet checked in, for the host's 代签到 (one-shot per member)."""
    member_id = await _roll_member(world, "proxy_voter", 1)
    await (
        meetings_models()
        .CheckIn.filter(meeting_id=world.ids["plenary"], member_id=member_id)
        .delete()
    )


async def fresh_included(world: World) -> None:
    """A plenary voter counted in 应到 again, for the host to exclude (one-shot per member)."""
    member_id = await _roll_member(world, "excluded_voter", 2)
    await (
        meetings_models()
        .RollEntry.filter(meeting_id=world.ids["plenary"], member_id=member_id)
        .update(
            excluded_category="", excluded_reason="", excluded_approval="", excluded_decision=""
        )
    )


async def fresh_open_motion(world: World) -> None:
    """An open motion on the plenary for the host's show-of-hands count (nobody is checked
    in there except by other rows, so only small counts fit)."""
    from forum.viewer import viewer_for_user
    from realtime.meetings import actions

    await live_plenary(world)
    host = await viewer_for_user(world.ids["secretary_user"])
    meeting = await meetings_models().Meeting.get(id=world.ids["plenary"])
    if "count_vote" not in world.ids:
        vote = await actions.create_vote(host, meeting, kind="motion", title="语料举手表决")
        await actions.open_vote(host, meeting, vote)
        world.ids["count_vote"] = vote.id
    await (
        meetings_models()
        .Vote.filter(id=world.ids["count_vote"])
        .update(in_person_yes=0, in_person_no=0, in_person_abstain=0, in_person_by_id=None)
    )


def _excluded(attribute: str):  # type: ignore[no-untyped-def]
    return lambda: latest(meetings_models().RollEntry, attribute, excluded_category="illness")


def _counted(attribute: str):  # type: ignore[no-untyped-def]
    return lambda: latest(meetings_models().Vote, attribute, in_person_by_id__isnull=False)


FORMS: dict[str, Form] = {
    "meetings: schedule": Form(
        "secretary",
        lambda w: f"/orgs/{w.ids['branch']}/meetings",
        {
            "title": lambda: latest(meetings_models().Meeting, "title"),
            "description": lambda: latest(meetings_models().Meeting, "description"),
            "location": lambda: latest(meetings_models().Meeting, "location"),
            "agenda": lambda: latest(meetings_models().AgendaItem, "title"),
            # Usernames that must exist: only values made of separators (naming nobody) pass.
            "hosts": _hosts,
            # A datetime-local value, parsed strictly: no naughty string is a time.
            "scheduled_at": _scheduled_at,
        },
        lambda w: {
            "type": "branch_plenary",
            "title": "语料会议",
            "scheduled_at": "2099-01-01T09:00",
            "agenda": "议程",
        },
    ),
    "meetings: message": Form(
        "secretary",
        lambda w: f"/meetings/{w.ids['meeting']}/message",
        {"body": lambda: latest(meetings_models().MeetingMessage, "body_raw")},
        fresh=fresh_chat_window,
    ),
    "meetings: leave": Form(
        "full_member",
        lambda w: f"/meetings/{w.ids['scheduled']}/request_leave",
        {"reason": lambda: latest(meetings_models().LeaveRequest, "reason")},
        fresh=fresh_scheduled,
    ),
    "meetings: remove message": Form(
        "secretary",
        lambda w: f"/meetings/{w.ids['meeting']}/remove_message",
        {
            "reason": lambda: latest(
                meetings_models().MeetingMessage, "removed_reason", removed=True
            )
        },
        # 移除 asks first: confirmed, so the sweep measures the field.
        lambda w: {"number": str(w.ids["message_number"]), "confirmed": "1"},
        fresh=fresh_message,
    ),
    "meetings: new vote": Form(
        "secretary",
        lambda w: f"/meetings/{w.ids['plenary']}/create_vote",
        {
            "title": lambda: latest(meetings_models().Vote, "title"),
            # A number from 1 to the count of candidates (two here): strictly validated.
            "seats": _seats,
        },
        lambda w: {
            "kind": "election",
            "title": "语料选举",
            "candidate_ids": [str(w.ids["candidate_a"]), str(w.ids["candidate_b"])],
            "seats": "1",
            "denominator": "expected",
        },
        fresh=live_plenary,
    ),
    "meetings: written opinion": Form(
        "secretary",
        lambda w: f"/meetings/{w.ids['plenary']}/enter_written_opinion",
        {"note": lambda: latest(meetings_models().WrittenOpinion, "note")},
        lambda w: {
            "vote_id": str(w.ids["opinion_vote"]),
            "member_id": str(w.ids["absent_voter"]),
            "choice": "yes",
        },
        fresh=fresh_opinion_vote,
    ),
    "meetings: minutes summary": Form(
        "secretary",
        lambda w: f"/meetings/{w.ids['ended']}/update_minutes",
        {"summary": lambda: latest(meetings_models().Minutes, "summary_raw")},
        fresh=ended_meeting,
    ),
    "meetings: minutes correction": Form(
        "secretary",
        lambda w: f"/meetings/{w.ids['archived']}/append_correction",
        {"body": lambda: latest(meetings_models().MinutesCorrection, "body_raw")},
        fresh=archived_meeting,
    ),
    "meetings: record attendance": Form(
        "secretary",
        lambda w: f"/meetings/{w.ids['plenary']}/record_attendance",
        {"note": lambda: latest(meetings_models().CheckIn, "note", method="proxy")},
        lambda w: {"member_id": str(w.ids["proxy_voter"])},
        fresh=fresh_unrecorded,
    ),
    "meetings: exclude from roll": Form(
        "secretary",
        lambda w: f"/meetings/{w.ids['plenary']}/exclude_from_roll",
        {
            "reason": _excluded("excluded_reason"),
            "approval": _excluded("excluded_approval"),
            "decision": _excluded("excluded_decision"),
        },
        lambda w: {
            "member_id": str(w.ids["excluded_voter"]),
            "category": "illness",
            "reason": "长期住院",
            "approval": "街道党委批复〔2026〕1号",
            "decision": "支部党员大会通过",
        },
        fresh=fresh_included,
    ),
    "meetings: show-of-hands count": Form(
        "secretary",
        lambda w: f"/meetings/{w.ids['plenary']}/record_in_person_count",
        {
            "yes": _counted("in_person_yes"),
            "no": _counted("in_person_no"),
            "abstain": _counted("in_person_abstain"),
        },
        lambda w: {"vote_id": str(w.ids["count_vote"]), "yes": "0", "no": "0", "abstain": "0"},
        fresh=fresh_open_motion,
    ),
}
