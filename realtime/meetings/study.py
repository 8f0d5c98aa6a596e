"""A 党课's attendance counts as organized study (forum.studyrecords.OrganizedStudy).

A member checked in to a 党课 of the year that has ended earns its length in 学时 (one 学时 =
45 minutes, `MINUTES_PER_HOUR`, rounded down to a tenth, at most 8 a session); a 党课 whose
start and end were not recorded counts `DEFAULT_TENTHS`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from forum.studyrecords import OrganizedStudy, StudySession
from realtime.meetings.models import CheckIn

MINUTES_PER_HOUR = 45
DEFAULT_TENTHS = 10
MAX_TENTHS = 80


def tenths_for(started: dt.datetime | None, ended: dt.datetime | None) -> int:
    if started is None or ended is None or ended <= started:
        return DEFAULT_TENTHS
    minutes = (ended - started).total_seconds() / 60
    return max(0, min(MAX_TENTHS, int(minutes * 10 // MINUTES_PER_HOUR)))


async def lectures(member_ids: Sequence[int], year: int) -> list[StudySession]:
    start = dt.datetime(year, 1, 1, tzinfo=dt.UTC)
    end = dt.datetime(year + 1, 1, 1, tzinfo=dt.UTC)
    rows = await CheckIn.filter(
        member_id__in=list(member_ids),
        meeting__type="party_lecture",
        meeting__status__in=["ended", "archived"],
        meeting__scheduled_at__gte=start,
        meeting__scheduled_at__lt=end,
    ).select_related("meeting")
    return [
        StudySession(
            member_id=c.member_id,
            title=c.meeting.title,
            day=c.meeting.scheduled_at.date(),
            hours_tenths=tenths_for(c.meeting.started_at, c.meeting.ended_at),
            source="党课",
        )
        for c in rows
    ]


PARTY_LECTURES = OrganizedStudy("meetings.party_lecture", "党课", lectures)
