"""`forum import-words FILE`: load the sensitive-word list from a UTF-8 text file."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path
from typing import Any

from forum.errors import ActionError


def cmd_import_words(args: argparse.Namespace) -> int:
    from forum.db import with_db
    from moderation import words

    path = Path(args.file)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        print(f"无法读取 {path}：{exc}", file=sys.stderr)
        return 1

    async def work() -> words.ImportResult:
        return await words.import_words(None, text, args.action)

    try:
        result = asyncio.run(with_db(work))
    except ActionError as exc:
        print(f"导入失败：{exc.message}", file=sys.stderr)
        return 1
    skipped = len(result.errors)
    print(f"导入完成：新增 {result.created} 个，更新 {result.updated} 个，跳过 {skipped} 行。")
    for line in result.errors[:20]:
        print(f"  {line}", file=sys.stderr)
    return 0


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "import-words",
        help="import sensitive words from a text file (词语[,处理方式[,类别]] per line)",
    )
    parser.add_argument("file", help="UTF-8 text file")
    parser.add_argument(
        "--action",
        default="block",
        help="default action for lines without one: block, replace, review or flag",
    )
    parser.set_defaults(func=cmd_import_words)
