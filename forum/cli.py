"""The `forum` command: serve, migrate, demo, collectstatic, check, and the parts' commands.

Parts add subcommands (e.g. `createadmin`, `import-members`; the kernel's own `rebake`) by
listing a `register(subparsers)` function in their `Part.commands`; it sets `func` on its
parser.
"""

from __future__ import annotations

import argparse
import asyncio
import sys

from forum import site
from forum.db import with_db
from forum.settings import ConfigError, get_settings, id_number_key, secret_key


def cmd_migrate(args: argparse.Namespace) -> int:
    from forum import db

    print(f"数据库：{db.database_label()}")
    applied = asyncio.run(db.migrate(progress=print))
    print(f"已应用 {len(applied)} 个迁移。" if applied else "数据库结构已是最新，无需迁移。")
    return 0


def cmd_makemigrations(args: argparse.Namespace) -> int:
    from forum import db

    drift = asyncio.run(db.migration_drift())
    if args.check:
        for line in drift:
            print(f"模型与迁移不一致：{line}（请运行 tortoise makemigrations）", file=sys.stderr)
        print("模型与迁移一致。" if not drift else "", end="\n" if not drift else "")
        return 1 if drift else 0
    import subprocess

    return subprocess.call([sys.executable, "-m", "tortoise", "makemigrations"])


def cmd_demo(args: argparse.Namespace) -> int:
    from forum import demo

    async def work() -> bool:
        return await demo.seed_demo() is not None

    created = asyncio.run(with_db(work))
    print("演示数据已创建。" if created else "演示数据已存在，未做任何修改。")
    for line in demo.account_lines():
        print(line)
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    from forum import db
    from forum.services import close_services, open_services

    settings = get_settings()
    print(f"环境: {settings.env}")
    print(f"数据目录: {settings.data_dir}")
    print(f"数据库: {_redact(settings.database_url)}")
    redis = _redact(settings.redis_url) if settings.redis_url else "未配置（使用进程内消息代理）"
    print(f"Redis: {redis}")
    print(f"允许的来源: {', '.join(settings.allowed_origins)}")
    print(f"时区: {settings.timezone}")
    secret_key()
    id_number_key()
    print("密钥: 已配置")

    async def work() -> tuple[bool, list[str], bool]:
        database = await db.database_ok()
        pending = await db.pending_migrations() if database else []
        services = await open_services(settings)
        broker = await services.broker.healthy()
        await close_services(services)
        return database, pending, broker

    database, pending, broker = asyncio.run(with_db(work))
    print(f"数据库连接: {'正常' if database else '失败'}")
    print(f"待应用迁移: {', '.join(pending) if pending else '无'}")
    print(f"消息代理: {'正常' if broker else '不可用'}")
    return 0 if database and broker and not pending else 1


def _redact(url: str | None) -> str:
    if not url or "@" not in url:
        return url or ""
    scheme, rest = url.split("://", 1)
    credentials, host = rest.rsplit("@", 1)
    user = credentials.split(":", 1)[0]
    return f"{scheme}://{user}:***@{host}" if ":" in credentials else url


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from forum import db
    from forum.observability import log_config

    settings = get_settings()
    if args.workers > 1 and (settings.redis_url is None or settings.is_sqlite):
        print("错误：多个工作进程需要 Redis（FORUM_REDIS_URL）和 PostgreSQL。", file=sys.stderr)
        return 2
    secret_key()
    applied = asyncio.run(db.migrate(progress=print))
    if applied:
        print(f"已应用 {len(applied)} 个迁移。")
    if args.demo:
        cmd_demo(args)
    print(f"基层党建交流平台已启动：http://{args.host}:{args.port}")
    uvicorn.run(
        "forum.asgi:app",
        host=args.host,
        port=args.port,
        workers=args.workers,
        log_level=settings.log_level,
        log_config=log_config(settings.log_level),
        access_log=False,
        ws_max_size=settings.ws_max_frame_bytes,
        proxy_headers=args.proxy_headers,
        server_header=False,
    )
    return 0


def cmd_collectstatic(args: argparse.Namespace) -> int:
    from pathlib import Path

    from forum.staticfiles import STATIC_DIR, collect, unreadable_ancestors

    target = Path(args.directory)
    copied = collect(target)
    print(f"已将 {len(copied)} 个静态文件从 {STATIC_DIR} 复制到 {target.resolve()}。")
    for parent in unreadable_ancestors(target):
        print(
            f"警告：其他用户无法进入 {parent}（缺少 o+x 权限），"
            "以其他用户身份运行的 nginx 将无法读取这些文件。",
            file=sys.stderr,
        )
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="forum", description="基层党建交流平台")
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="apply migrations and serve")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=1)
    serve.add_argument("--demo", action="store_true", help="seed demo data (once) before serving")
    serve.add_argument(
        "--proxy-headers", action="store_true", help="trust X-Forwarded-* (behind nginx)"
    )
    serve.set_defaults(func=cmd_serve)
    sub.add_parser("migrate", help="apply pending migrations").set_defaults(func=cmd_migrate)
    sub.add_parser("demo", help="seed demo data (idempotent)").set_defaults(func=cmd_demo)
    makemigrations = sub.add_parser("makemigrations", help="write migrations for model changes")
    makemigrations.add_argument("--check", action="store_true", help="only report drift; exit 1")
    makemigrations.set_defaults(func=cmd_makemigrations)
    collectstatic = sub.add_parser(
        "collectstatic", help="copy the static files to DIR for the web server (modes 0644/0755)"
    )
    collectstatic.add_argument("directory", metavar="DIR")
    collectstatic.set_defaults(func=cmd_collectstatic)
    sub.add_parser("check", help="print configuration, database and broker status").set_defaults(
        func=cmd_check
    )
    for part in site.install():
        for register in part.commands:
            register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except ConfigError as exc:
        print(f"配置错误：{exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
