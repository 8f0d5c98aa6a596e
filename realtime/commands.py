"""`forum prune-events --days N`: keep the realtime event log bounded."""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
from typing import Any

from forum.clock import utcnow


def cmd_prune_events(args: argparse.Namespace) -> int:
    from forum import events
    from forum.db import with_db

    if args.days < 1:
        print("错误：--days 至少为 1。")
        return 2
    cutoff = utcnow() - dt.timedelta(days=args.days)

    async def work() -> int:
        return await events.prune(cutoff)

    deleted = asyncio.run(with_db(work))
    print(f"已删除 {deleted} 条 {args.days} 天前的实时事件。")
    return 0


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "prune-events", help="delete realtime events older than N days (clients reload)"
    )
    parser.add_argument("--days", type=int, default=30)
    parser.set_defaults(func=cmd_prune_events)
