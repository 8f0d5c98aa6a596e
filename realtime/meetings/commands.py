"""`forum remind-meetings`: tell each person on the roll that a meeting starts soon (run from
cron every few minutes; each person hears it once per meeting); what `forum rebake`
(forum/rebake.py) re-renders of the meetings."""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
from typing import Any

from forum.rebake import Rebake
from realtime.meetings.models import MeetingMessage, Minutes, MinutesCorrection

REBAKE = (
    Rebake("meetings.messages", "会议发言", MeetingMessage),
    Rebake("meetings.minutes", "会议纪要", Minutes, (("summary_raw", "summary_html"),)),
    Rebake("meetings.corrections", "纪要更正", MinutesCorrection),
)


def cmd_remind_meetings(args: argparse.Namespace) -> int:
    from forum.db import with_db
    from realtime.meetings import notices

    within = dt.timedelta(minutes=args.within)
    sent = asyncio.run(with_db(lambda: notices.remind_due(within)))
    print(f"已发送 {sent} 条会议即将开始的通知。")
    return 0


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "remind-meetings", help="notify the roll of meetings starting soon (run from cron)"
    )
    parser.add_argument("--within", type=int, default=60, help="minutes ahead (default 60)")
    parser.set_defaults(func=cmd_remind_meetings)
