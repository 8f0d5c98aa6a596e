"""CLI: `forum import-members FILE --org ID [--dry-run] [--only-valid]` with a progress bar."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path
from typing import Any

BAR_WIDTH = 30


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("import-members", help="import members from CSV or XLSX")
    parser.add_argument("file", type=Path)
    parser.add_argument("--org", type=int, required=True, help="id of the receiving org")
    parser.add_argument("--dry-run", action="store_true", help="only check and report")
    parser.add_argument(
        "--only-valid", action="store_true", help="import the valid rows even if some are not"
    )
    parser.set_defaults(func=cmd_import_members)
    expire = subparsers.add_parser(
        "expire-transfers", help="mark transfer letters past their validity as expired"
    )
    expire.set_defaults(func=cmd_expire_transfers)


def progress_bar(done: int, total: int) -> None:
    filled = BAR_WIDTH * done // total if total else BAR_WIDTH
    percent = 100 * done // total if total else 100
    bar = "#" * filled + "-" * (BAR_WIDTH - filled)
    end = "\n" if done >= total else ""
    print(f"\r导入进度 [{bar}] {percent:3d}% {done}/{total}", end=end, file=sys.stderr, flush=True)


def cmd_import_members(args: argparse.Namespace) -> int:
    from forum.db import with_db
    from forum.errors import ActionError
    from forum.members import importer
    from forum.models import Org
    from forum.policy import Viewer

    # The command line runs with site-admin rights (whoever can run it owns the server).
    actor = Viewer(username="cli", roles=(_site_admin(),))

    async def work() -> int:
        org = await Org.get_or_none(id=args.org)
        if org is None:
            print(f"错误：组织 {args.org} 不存在", file=sys.stderr)
            return 2
        try:
            content = args.file.read_bytes()
        except OSError as exc:
            print(f"错误：无法读取文件：{exc}", file=sys.stderr)
            return 2
        try:
            if args.dry_run:
                report = await importer.validate(
                    org, await importer.read_table(args.file.name, content)
                )
                _print_report(report.as_json())
                print("试运行：未写入任何数据。")
                return 0 if not report.errors else 1
            batch = await importer.create_batch(actor, org, args.file.name, content)
        except ActionError as exc:
            print(f"错误：{exc.message}", file=sys.stderr)
            return 2
        _print_report(batch.report or {})
        try:
            count = await importer.run_batch(
                actor, batch, only_valid=args.only_valid, progress=progress_bar
            )
        except ActionError as exc:
            print(f"未导入：{exc.message}", file=sys.stderr)
            return 1
        print(f"已导入 {count} 名党员。")
        return 0

    return int(asyncio.run(with_db(work)))


def _print_report(report: dict[str, Any]) -> None:
    errors = report.get("errors", [])
    print(
        f"共 {report.get('total', 0)} 行，有效 {report.get('valid', 0)} 行，无效 {len(errors)} 行。"
    )
    for error in errors:
        reasons = "；".join(error["reasons"])
        print(f"  第 {error['row']} 行 {error['name']} {error['id_hint']}：{reasons}")


def cmd_expire_transfers(args: argparse.Namespace) -> int:
    from forum.db import with_db
    from forum.members.transfers import expire_transfers

    count = asyncio.run(with_db(expire_transfers))
    print(f"已将 {count} 份过期介绍信标记为过期。")
    return 0


def _site_admin() -> Any:
    from forum.policy import RoleGrant

    return RoleGrant(role="site_admin", org_id=None, org_path=None)
