"""`forum close-due-topics`: close topics whose timed close is due (run from cron); what
`forum rebake` (forum/rebake.py) re-renders of the boards."""

from __future__ import annotations

import argparse
import asyncio
from typing import Any

from forum.boards.models import Post
from forum.rebake import Rebake

REBAKE = (Rebake("boards.posts", "帖子", Post),)


def cmd_close_due_topics(args: argparse.Namespace) -> int:
    from forum.boards import timed_close
    from forum.db import with_db

    closed = asyncio.run(with_db(timed_close.close_due_topics))
    print(f"已按计划关闭 {closed} 个主题。")
    return 0


def register(subparsers: Any) -> None:
    subparsers.add_parser(
        "close-due-topics", help="close topics whose timed close is due (run from cron)"
    ).set_defaults(func=cmd_close_due_topics)
