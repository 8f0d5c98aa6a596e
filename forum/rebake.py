"""`forum rebake`: re-render every stored Markdown body whose HTML came from an older
`markup.VERSION` (Discourse's "rebake").

Markdown is rendered once, on write: a row keeps its source, the HTML and the version that
rendered it. Each part declares what it stores with a `Rebake` in its `Part.provides` (the
kernel knows no part's models); the command walks every declared table in batches, keyset
by id, and prints its progress ("帖子 1500/3200"). Only the HTML and the version change: the
source text, timestamps and search index stay as they are, and a row written meanwhile (it
carries the current version) is left alone. Running it again finds nothing to do.
"""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from tortoise.models import Model
from tortoise.transactions import in_transaction

from forum import markup
from forum.parts import Registry

BATCH = 500


@dataclass(frozen=True)
class Rebake:
    """A table of rendered Markdown: `fields` pairs each source column with its HTML
    column; one `version` column covers them all."""

    key: str
    label: str  # the progress lines' name for its rows: 帖子, 会议发言 ...
    model: type[Model]
    fields: Sequence[tuple[str, str]] = (("body_raw", "body_html"),)
    version: str = "render_version"

    def install(self) -> None:
        TARGETS.add(self.key, self)


TARGETS: Registry[Rebake] = Registry("rebake targets")


async def rebake_target(
    target: Rebake, batch: int = BATCH, progress: Callable[[str], Any] = print
) -> int:
    """Re-render the rows of one table older than `markup.VERSION`; return how many."""
    model, version = target.model, target.version
    older = {f"{version}__lt": markup.VERSION}
    total = await model.filter(**older).count()
    done = last_id = 0
    while total:
        rows = (
            await model.filter(**older, id__gt=last_id)
            .order_by("id")
            .limit(batch)
            .values("id", version, *(raw for raw, _ in target.fields))
        )
        if not rows:
            break
        async with in_transaction():
            for row in rows:
                html = {column: markup.render(row[raw] or "") for raw, column in target.fields}
                await model.filter(id=row["id"], **{version: row[version]}).update(
                    **html, **{version: markup.VERSION}
                )
        done += len(rows)
        last_id = rows[-1]["id"]
        progress(f"{target.label} {done}/{max(done, total)}")
    return done


async def rebake(batch: int = BATCH, progress: Callable[[str], Any] = print) -> dict[str, int]:
    """Every declared table, in installation order: rows re-rendered per target key."""
    return {target.key: await rebake_target(target, batch, progress) for target in TARGETS}


def cmd_rebake(args: argparse.Namespace) -> int:
    from forum.db import with_db

    counts = asyncio.run(with_db(lambda: rebake(args.batch)))
    labels = {target.key: target.label for target in TARGETS}
    done = {labels[key]: n for key, n in counts.items() if n}
    if not done:
        print(f"所有内容已是渲染版本 {markup.VERSION}，无需重新渲染。")
    else:
        detail = "，".join(f"{label} {n}" for label, n in done.items())
        print(f"已重新渲染 {sum(done.values())} 条内容（渲染版本 {markup.VERSION}）：{detail}。")
    return 0


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "rebake", help="re-render stored Markdown of an older markup version (every part)"
    )
    parser.add_argument("--batch", type=int, default=BATCH, help="rows per batch (default 500)")
    parser.set_defaults(func=cmd_rebake)
