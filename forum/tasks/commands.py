"""CLI: `forum remind-tasks` (run daily: reminders before a task's deadline, once each)."""

from __future__ import annotations

import argparse
import asyncio
from typing import Any


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "remind-tasks", help="remind receivers of tasks due within two days (once each)"
    )
    parser.set_defaults(func=cmd_remind_tasks)


def cmd_remind_tasks(args: argparse.Namespace) -> int:
    from forum.db import with_db
    from forum.tasks.actions import remind_due

    count = asyncio.run(with_db(remind_due))
    print(f"已提醒 {count} 个接收方。")
    return 0
