#!/usr/bin/env python3
"""In-process timing and profile of the forum read path (no network, no wrk).

    python bench/boards_profile.py [--topics 300] [--posts 6000] [--requests 200]
                                   [--profile board|topic|list|healthz] [--as member|visitor]

Seeds a fresh SQLite database (the same data set as `boards_bench.py`, plus one logged-in
member), then sends requests through the whole ASGI app (every middleware) with httpx's
ASGI transport and prints the mean wall and CPU time (the process's, so the SQLite thread
is included; CPU time is the steadier figure on a shared machine) per request for /healthz, the board list, the board
page and topic pages, as a visitor and as a logged-in member. `--profile NAME` runs that
page under cProfile and prints the top functions by cumulative and internal time.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import logging
import os
import pstats
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


async def run(args: argparse.Namespace) -> None:
    from tortoise import Tortoise

    from bench.boards_bench import BENCH_USER, seed
    from forum.app import create_app
    from forum.site import orm_config as tortoise_config

    url = os.environ["FORUM_DATABASE_URL"]
    board_id, first, last = await seed(url, args.topics, args.posts)

    from forum.services import close_services, open_services
    from forum.settings import get_settings

    app = create_app(with_lifespan=False)
    await Tortoise.init(config=tortoise_config(url), _enable_global_fallback=True)
    services = await open_services(get_settings())
    rng = random.Random(3)
    pages = {
        "healthz": lambda: "/healthz",
        "list": lambda: "/forum",
        "board": lambda: f"/forum/b/{board_id}",
        "topic": lambda: f"/t/{rng.randint(first, last)}",
    }

    def client() -> httpx.AsyncClient:
        transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 50000))
        return httpx.AsyncClient(transport=transport, base_url="http://bench")

    visitor = client()
    member = client()
    token = (await member.get("/api/v1/csrf")).json()["csrf_token"]
    login = await member.post(
        "/login", data={"csrf_token": token, "username": BENCH_USER, "password": BENCH_USER}
    )
    assert login.status_code == 303, login.status_code
    who = {"visitor": visitor, "member": member}
    if args.layers:
        await time_layers(member.cookies, args.requests)
    if args.sql:  # print the SQL of one request per page and role
        statements: list[str] = []

        class Collect(logging.Handler):
            def emit(self, record: logging.LogRecord) -> None:
                statements.append(record.getMessage()[:160])

        sql_log = logging.getLogger("tortoise.db_client")
        sql_log.setLevel(logging.DEBUG)
        sql_log.addHandler(Collect())
        trips = count_round_trips()
        for name, path in pages.items():
            for role, http in who.items():
                (await http.get(path())).raise_for_status()  # asyncpg prepares once
                statements.clear()
                trips.clear()
                (await http.get(path())).raise_for_status()
                extra = f", {len(trips)} PostgreSQL round trips" if trips else ""
                print(f"--- {name} as {role}: {len(statements)} statements{extra}")
                for trip in trips:
                    if trip not in statements:
                        print("    (round trip)", trip)
                for statement in statements:
                    print("   ", statement)
        sql_log.setLevel(logging.WARNING)
    try:
        for name, path in pages.items():
            for role, http in who.items():
                for _ in range(10):  # warm-up
                    (await http.get(path())).raise_for_status()
                began, cpu = time.perf_counter(), time.process_time()
                for _ in range(args.requests):
                    (await http.get(path())).raise_for_status()
                ms = (time.perf_counter() - began) * 1000 / args.requests
                cpu_ms = (time.process_time() - cpu) * 1000 / args.requests
                print(f"{name:<8}{role:<8}{ms:8.2f} ms/request wall{cpu_ms:8.2f} ms CPU")
        if args.profile:
            http = who[args.role]
            profiler = cProfile.Profile()
            profiler.enable()
            for _ in range(args.requests):
                await http.get(pages[args.profile]())
            profiler.disable()
            stats = pstats.Stats(profiler).strip_dirs()
            stats.sort_stats("cumulative").print_stats(45)
            stats.sort_stats("tottime").print_stats(30)
            if args.callers:
                stats.print_callers(args.callers)
    finally:
        await visitor.aclose()
        await member.aclose()
        await close_services(services)
        await Tortoise.close_connections()


def count_round_trips() -> list[str]:
    """Every statement asyncpg sends (each is one round trip: extended protocol with
    arguments, simple protocol without), the pool's reset query included; [] on SQLite."""
    import asyncpg.connection

    sent: list[str] = []
    connection = asyncpg.connection.Connection
    execute, _execute = connection.execute, connection._execute

    async def counted_execute(self: object, query: str, *args: object, **kw: object) -> object:
        if not args:
            sent.append(query[:160])
        return await execute(self, query, *args, **kw)  # type: ignore[arg-type]

    async def counted__execute(self: object, query: str, *args: object, **kw: object) -> object:
        sent.append(query[:160])
        return await _execute(self, query, *args, **kw)  # type: ignore[arg-type]

    connection.execute = counted_execute  # type: ignore[method-assign, assignment]
    connection._execute = counted__execute  # type: ignore[method-assign, assignment]
    return sent


async def time_layers(cookies: httpx.Cookies, requests: int) -> None:
    """Cost of each middleware layer for a logged-in GET: the same trivial endpoint under
    the first k layers of the real stack, k = 0..all; the difference is that layer's cost."""
    from starlette.applications import Starlette
    from starlette.responses import PlainTextResponse
    from starlette.routing import Route

    from forum.app import middleware_stack

    async def ok(request: object) -> PlainTextResponse:
        return PlainTextResponse("ok")

    stack = middleware_stack()
    previous = None
    print("middleware layers, logged-in GET of a plain-text endpoint (CPU ms per request):")
    for k in range(len(stack) + 1):
        app = Starlette(routes=[Route("/ok", ok)], middleware=stack[:k])
        transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 50000))
        async with httpx.AsyncClient(
            transport=transport, base_url="http://bench", cookies=cookies
        ) as http:
            for _ in range(20):
                (await http.get("/ok")).raise_for_status()
            best = float("inf")
            for _ in range(3):  # best of three: the machine is shared
                cpu = time.process_time()
                for _ in range(requests):
                    (await http.get("/ok")).raise_for_status()
                best = min(best, (time.process_time() - cpu) * 1000 / requests)
        name = "no middleware" if k == 0 else "+ " + stack[k - 1].cls.__name__  # type: ignore[attr-defined]
        delta = "" if previous is None else f"  (+{best - previous:.3f})"
        print(f"  {name:<36}{best:7.3f}{delta}")
        previous = best


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--topics", type=int, default=300)
    parser.add_argument("--posts", type=int, default=6000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--profile", choices=["healthz", "list", "board", "topic"])
    parser.add_argument("--callers", help="with --profile: who calls functions matching this")
    parser.add_argument("--database-url", default="", help="an empty database (default: SQLite)")
    parser.add_argument("--layers", action="store_true", help="time each middleware layer")
    parser.add_argument("--sql", action="store_true", help="print each page's SQL once")
    parser.add_argument("--as", dest="role", choices=["member", "visitor"], default="member")
    args = parser.parse_args()
    from bench.boards_bench import production_env

    data = tempfile.mkdtemp(prefix="boards-profile-")
    for key in [k for k in os.environ if k.startswith("FORUM_")]:
        del os.environ[key]
    os.environ.update(
        FORUM_DATA_DIR=data,
        FORUM_DATABASE_URL=args.database_url or f"sqlite://{data}/bench.sqlite3",
        FORUM_LOG_LEVEL="warning",
        **production_env(),
    )
    subprocess.run(
        [sys.executable, "-m", "forum.cli", "migrate"], cwd=ROOT, check=True, capture_output=True
    )
    asyncio.run(run(args))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
