"""`forum rebake`: re-render posts whose stored HTML came from an older markup version;
`forum close-due-topics`: close topics whose timed close is due (run from cron)."""

from __future__ import annotations

import argparse
import asyncio
from typing import Any

from forum import markup
from forum.boards.models import Post

BATCH = 500


async def rebake(batch: int = BATCH) -> int:
    """Re-render rows with `render_version < markup.VERSION`, by id (keyset), in batches."""
    done = 0
    last_id = 0
    while True:
        posts = (
            await Post.filter(render_version__lt=markup.VERSION, id__gt=last_id)
            .order_by("id")
            .limit(batch)
        )
        if not posts:
            return done
        for post in posts:
            await Post.filter(id=post.id, render_version=post.render_version).update(
                body_html=markup.render(post.body_raw), render_version=markup.VERSION
            )
        done += len(posts)
        last_id = posts[-1].id


def cmd_rebake(args: argparse.Namespace) -> int:
    from forum.db import with_db

    count = asyncio.run(with_db(lambda: rebake(args.batch)))
    print(f"已重新渲染 {count} 条回帖（渲染版本 {markup.VERSION}）。")
    return 0


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
    parser = subparsers.add_parser("rebake", help="re-render posts of an older markup version")
    parser.add_argument("--batch", type=int, default=BATCH)
    parser.set_defaults(func=cmd_rebake)
