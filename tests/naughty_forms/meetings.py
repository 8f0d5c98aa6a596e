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
        lambda w: f"/meetings/{w.ids['scheduled']}/leave",
        {"reason": lambda: latest(meetings_models().LeaveRequest, "reason")},
        fresh=fresh_scheduled,
    ),
    "meetings: remove message": Form(
        "secretary",
        lambda w: f"/meetings/{w.ids['meeting']}/remove-message",
        {
            "reason": lambda: latest(
                meetings_models().MeetingMessage, "removed_reason", removed=True
            )
        },
        lambda w: {"number": str(w.ids["message_number"])},
        fresh=fresh_message,
    ),
    "meetings: new vote": Form(
        "secretary",
        lambda w: f"/meetings/{w.ids['plenary']}/votes",
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
        lambda w: f"/meetings/{w.ids['plenary']}/votes/{w.ids['opinion_vote']}/opinion",
        {"note": lambda: latest(meetings_models().WrittenOpinion, "note")},
        lambda w: {"member_id": str(w.ids["absent_voter"]), "choice": "yes"},
        fresh=fresh_opinion_vote,
    ),
    "meetings: minutes summary": Form(
        "secretary",
        lambda w: f"/meetings/{w.ids['ended']}/minutes",
        {"summary": lambda: latest(meetings_models().Minutes, "summary_raw")},
        fresh=ended_meeting,
    ),
    "meetings: minutes correction": Form(
        "secretary",
        lambda w: f"/meetings/{w.ids['archived']}/correction",
        {"body": lambda: latest(meetings_models().MinutesCorrection, "body_raw")},
        fresh=archived_meeting,
    ),
}
