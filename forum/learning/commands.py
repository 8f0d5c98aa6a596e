"""`forum remind-learning`: remind members of required study due soon (run from cron daily;
each assignment reminds once)."""

from __future__ import annotations

import argparse
import asyncio
from typing import Any


def cmd_remind(args: argparse.Namespace) -> int:
    from forum.db import with_db
    from forum.learning import actions

    sent = asyncio.run(with_db(actions.remind_due))
    print(f"已发送 {sent} 条必学内容即将到期的提醒。")
    return 0


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "remind-learning", help="remind members of required study due soon"
    )
    parser.set_defaults(func=cmd_remind)
