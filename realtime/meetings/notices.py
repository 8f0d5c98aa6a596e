"""The notifications meetings send: a meeting scheduled, changed (time or place), starting
soon, a vote opened.

Who receives them is decided here with the policy: the people on the meeting's roll whom
`can_see_meeting` admits (a sibling branch's member never hears of another branch's
meeting). `forum remind-meetings` (run from cron every few minutes) sends "starting soon"
once per person and meeting."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from forum import notifications
from forum.clock import utcnow
from forum.notifications import Announcement, NotificationKind
from forum.outbox import ics, links
from forum.policy import Viewer, can_see_meeting
from forum.templating import format_datetime
from forum.viewer import viewer_for_user
from realtime.meetings import queries
from realtime.meetings.models import Meeting, MeetingStatus, RollEntry

GROUP = "会议"
# Meeting notices also go out by e-mail (with an .ics invitation) unless the member opts out.
EMAIL = frozenset({"email"})
SCHEDULED = NotificationKind("meeting.scheduled", "我要参加的会议发布了通知", GROUP, channels=EMAIL)
CHANGED = NotificationKind("meeting.changed", "我要参加的会议改了时间或地点", GROUP, channels=EMAIL)
SOON = NotificationKind("meeting.soon", "我要参加的会议即将开始", GROUP)
VOTE = NotificationKind("meeting.vote", "我参加的会议开始表决", GROUP)
KINDS = (SCHEDULED, CHANGED, SOON, VOTE)

SOON_WITHIN = dt.timedelta(minutes=60)
MEETING_LENGTH = dt.timedelta(hours=2)  # meetings have no end time; the invitation says 2 h


def subject(meeting: Meeting) -> str:
    return f"meeting:{meeting.id}"


async def may_see(meeting: Meeting, user_ids: Iterable[int | None]) -> list[int]:
    """Only the people the policy lets see the meeting."""
    people = sorted({u for u in user_ids if u is not None})
    viewers = [await viewer_for_user(u) for u in people]
    return [v.user_id for v in viewers if v.user_id is not None and can_see_meeting(v, meeting)]


async def roll_user_ids(meeting: Meeting) -> list[int | None]:
    """Who is expected: the frozen roll once the meeting started, else the expected roll."""
    rows = await RollEntry.filter(meeting_id=meeting.id, on_leave=False).values_list(
        "user_id", "excluded_category"
    )
    if rows:
        return [u for u, excluded in rows if not excluded]
    return [c.member.user_id for c in await queries.expected_roll(meeting)]


async def _notify(
    meeting: Meeting,
    user_ids: Iterable[int | None],
    kind: NotificationKind,
    text: str,
    actor_id: int | None = None,
    invite: bool = False,
) -> Announcement:
    return await notifications.notify(
        await may_see(meeting, user_ids),
        kind.key,
        text=text,
        title=meeting.title,
        url=f"/meetings/{meeting.id}",
        subject=subject(meeting),
        actor_id=actor_id,
        data={
            "meeting_id": meeting.id,
            "title": meeting.title,
            "scheduled_at": meeting.scheduled_at.isoformat(),
        },
        ics=invitation(meeting) if invite else None,
    )


def invitation(meeting: Meeting) -> str:
    """The meeting's .ics (one UID per meeting; a change raises the SEQUENCE)."""
    start = meeting.scheduled_at
    return ics.invitation(
        uid=f"meeting-{meeting.id}@grassroots",
        title=meeting.title,
        start=start,
        end=start + MEETING_LENGTH,
        location=meeting.location,
        description=meeting.description[:500],
        url=links.absolute(f"/meetings/{meeting.id}"),
        sequence=int(utcnow().timestamp()) // 60 % 100000,
    )


async def scheduled(actor: Viewer, meeting: Meeting) -> Announcement:
    """Inside the publishing transaction: the roll hears of the meeting."""
    when = format_datetime(meeting.scheduled_at)
    return await _notify(
        meeting,
        await roll_user_ids(meeting),
        SCHEDULED,
        f"{when} 召开会议",
        actor_id=actor.user_id,
        invite=True,
    )


def nobody() -> Announcement:
    return Announcement()


async def changed(actor: Viewer, meeting: Meeting) -> Announcement:
    """Inside the rescheduling transaction: the roll hears the new time and place."""
    when = format_datetime(meeting.scheduled_at)
    where = f"，地点：{meeting.location}" if meeting.location else ""
    return await _notify(
        meeting,
        await roll_user_ids(meeting),
        CHANGED,
        f"会议改为 {when} 召开{where}",
        actor_id=actor.user_id,
        invite=True,
    )


async def vote_opened(actor: Viewer, meeting: Meeting, title: str) -> Announcement:
    return await _notify(
        meeting,
        await roll_user_ids(meeting),
        VOTE,
        f"会议开始表决“{title}”",
        actor_id=actor.user_id,
    )


async def remind_due(within: dt.timedelta = SOON_WITHIN) -> int:
    """ "Starting soon" for scheduled meetings within `within`, once per person (idempotent)."""
    now = utcnow()
    due = await Meeting.filter(
        status=MeetingStatus.scheduled, scheduled_at__gt=now, scheduled_at__lte=now + within
    )
    sent = 0
    for meeting in due:
        told = await notifications.told_about(SOON.key, subject(meeting))
        people = [u for u in await roll_user_ids(meeting) if u is not None and u not in told]
        when = format_datetime(meeting.scheduled_at)
        announcement = await _notify(meeting, people, SOON, f"会议即将开始（{when}）")
        await announcement.send()
        sent += len(announcement.user_ids)
    return sent
