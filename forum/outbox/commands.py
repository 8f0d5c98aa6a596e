"""`forum outbox run|digest|list`: the delivery worker, the daily digest, a masked listing."""

from __future__ import annotations

import argparse
import asyncio
import signal
from typing import Any

from forum.db import with_db
from forum.outbox import worker
from forum.outbox.models import OutboxMessage


def cmd_run(args: argparse.Namespace) -> int:
    async def work() -> None:
        if args.once:
            tally = await worker.drain(worker.worker_name())
            print(f"已发送 {tally.sent}，待重试 {tally.retried}，失败 {tally.failed}。")
            return
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        await worker.run_forever(stop)

    asyncio.run(with_db(work))
    return 0


def cmd_digest(args: argparse.Namespace) -> int:
    made = asyncio.run(with_db(worker.build_digests))
    print(f"已生成 {made} 封摘要邮件。")
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    async def work() -> list[OutboxMessage]:
        return list(await OutboxMessage.all().order_by("-id").limit(args.limit))

    for m in asyncio.run(with_db(work)):
        # Masked addresses only: the listing is for operators, not a copy of the directory.
        print(f"{m.id}\t{m.channel}\t{m.kind}\t{m.address_hint}\t{m.state}\t{m.attempts}")
    return 0


def register(subparsers: Any) -> None:
    outbox = subparsers.add_parser("outbox", help="the e-mail/SMS outbox")
    sub = outbox.add_subparsers(dest="outbox_command", required=True)
    run = sub.add_parser("run", help="run the delivery worker")
    run.add_argument("--once", action="store_true", help="deliver what is due, then exit")
    run.set_defaults(func=cmd_run)
    sub.add_parser("digest", help="write the daily digests (run once a day)").set_defaults(
        func=cmd_digest
    )
    listing = sub.add_parser("list", help="the latest messages (addresses masked)")
    listing.add_argument("--limit", type=int, default=50)
    listing.set_defaults(func=cmd_list)
