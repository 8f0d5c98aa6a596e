#!/usr/bin/env python3
"""Forum benchmark: seed N topics x M posts, serve, load pages with wrk, compare to "hello".

    python bench/boards_bench.py [--topics 10000] [--posts 200000] [--duration 10]
                                 [--connections 64] [--database-url URL]

Seeds one public board (the policy still runs on every request) with N topics and M posts
spread over them (bulk inserts; Markdown rendered once and reused), starts the forum and a
plain Starlette app with the same uvicorn settings (1 worker, httptools, uvloop, no access
log), then runs wrk against: /hello, the board list, board pages (random cursor-free first
pages of the seeded board) and topic pages (random topics, via a wrk Lua script). Prints
req/s and p50/p99 latency per endpoint and the ratio to /hello. Needs `wrk` on PATH.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import datetime as dt
import os
import random
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
UVICORN = ["--workers", "1", "--http", "httptools", "--loop", "uvloop", "--no-access-log"]


BENCH_USER = "benchmember"  # also the password (seeded below)


def production_env() -> dict[str, str]:
    """Production mode (template auto-reload off, as deployed) with throwaway keys; cookies
    without the Secure flag because the bench speaks plain HTTP to 127.0.0.1."""
    return {
        "FORUM_ENV": "production",
        "FORUM_SECRET_KEY": secrets.token_urlsafe(48),
        "FORUM_ID_NUMBER_KEY": base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
        "FORUM_SECURE_COOKIES": "0",
    }


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def seed(database_url: str, topics: int, posts: int) -> tuple[int, int, int]:
    """Bulk-insert the data set; returns (board id, first topic id, last topic id)."""
    from tortoise import Tortoise

    from forum import markup
    from forum.boards.actions import PUBLIC_MATRIX, do_create_board
    from forum.boards.models import Post, Topic
    from forum.models import User
    from forum.site import orm_config as tortoise_config

    await Tortoise.init(config=tortoise_config(database_url), _enable_global_fallback=True)
    try:
        authors = [
            await User.create(username=f"bench{i}", display_name=f"压测用户{i}", password_hash="!")
            for i in range(50)
        ]
        board = await do_create_board("压测版块", matrix=PUBLIC_MATRIX)
        body = "推进**基层党建**工作，落实“三会一课”。\n\n" + "学习心得。" * 40
        html = markup.render(body)
        rng = random.Random(1)
        per_topic = max(1, posts // topics)
        start = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
        batch: list[Topic] = []
        for n in range(topics):
            batch.append(
                Topic(
                    board_id=board.id,
                    title=f"压测主题 {n} 推进基层党建工作",
                    author_id=authors[n % 50].id,
                    last_activity_at=start + dt.timedelta(minutes=n),
                    last_poster_name="压测用户",
                    reply_count=per_topic - 1,
                    last_number=per_topic,
                )
            )
            if len(batch) == 1000:
                await Topic.bulk_create(batch)
                batch = []
        if batch:
            await Topic.bulk_create(batch)
        ids = [
            t
            for t in await Topic.filter(board_id=board.id)
            .order_by("id")
            .values_list("id", flat=True)
        ]
        rows: list[Post] = []
        for topic_id in ids:
            for number in range(1, per_topic + 1):
                rows.append(
                    Post(
                        topic_id=topic_id,
                        number=number,
                        author_id=authors[rng.randrange(50)].id,
                        body_raw=body,
                        body_html=html,
                        render_version=markup.VERSION,
                    )
                )
                if len(rows) == 2000:
                    await Post.bulk_create(rows)
                    rows = []
        if rows:
            await Post.bulk_create(rows)
        await (
            type(board)
            .filter(id=board.id)
            .update(topic_count=topics, post_count=per_topic * topics)
        )
        await seed_member()
        return board.id, int(ids[0]), int(ids[-1])
    finally:
        await Tortoise.close_connections()


async def seed_member() -> None:
    """One logged-in reader: a full member of a branch (org facts, sanctions and moderator
    grants are all looked up for it on every request, like for any member)."""
    from forum import crypto, idcard
    from forum.models import Member, User
    from forum.orgs.actions import do_create_org
    from forum.security.passwords import hash_password

    committee = await do_create_org(None, "压测党委", "committee")
    branch = await do_create_org(committee, "压测支部", "branch")
    user = await User.create(
        username=BENCH_USER, display_name="压测党员", password_hash=await hash_password(BENCH_USER)
    )
    first17 = "11010119800101001"
    number = idcard.parse(first17 + idcard.check_char(first17))
    await Member.create(
        user=user,
        name="压测党员",
        status="full",
        org=branch,
        sex=number.sex,
        birth_date=number.birth_date,
        id_number_encrypted=crypto.encrypt(number.value),
        id_number_hash=crypto.lookup_hash(number.value),
        id_number_hint=idcard.mask(number.value),
    )


def login_cookie(base: str) -> str:
    """Log the bench member in over HTTP; returns the Cookie header for wrk."""
    with httpx.Client(base_url=base) as http:
        token = http.get("/api/v1/csrf").json()["csrf_token"]
        response = http.post(
            "/login", data={"csrf_token": token, "username": BENCH_USER, "password": BENCH_USER}
        )
        if response.status_code != 303:
            raise RuntimeError(f"bench login failed: {response.status_code}")
        return "; ".join(f"{k}={v}" for k, v in http.cookies.items())


def wait_up(url: str) -> None:
    for _ in range(400):
        try:
            if httpx.get(url, timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.05)
    raise RuntimeError(f"server did not start: {url}")


def wrk(
    url: str,
    duration: int,
    connections: int,
    script: str | None = None,
    cookie: str | None = None,
) -> dict[str, float]:
    cmd = ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--latency", url]
    if script:
        cmd[1:1] = ["-s", script]
    if cookie:
        cmd[1:1] = ["-H", f"Cookie: {cookie}"]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out)[1])  # type: ignore[index]

    def pct(label: str) -> float:
        match = re.search(rf"\s{label}%\s+([\d.]+)(us|ms|s)", out)
        if match is None:
            return float("nan")
        value, unit = float(match[1]), match[2]
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    timeouts = re.search(r"timeout (\d+)", out)  # wrk gives up on a request after 2 s
    return {
        "rps": rps,
        "p50": pct("50"),
        "p99": pct("99"),
        "non2xx": float(errors[1]) if errors else 0,
        "timeouts": float(timeouts[1]) if timeouts else 0,
    }


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--topics", type=int, default=10_000)
    parser.add_argument("--posts", type=int, default=200_000)
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        print("wrk is required (apt-get install wrk)", file=sys.stderr)
        return 2
    data = tempfile.mkdtemp(prefix="boards-bench-")
    url = args.database_url or f"sqlite://{data}/bench.sqlite3"
    env = {k: v for k, v in os.environ.items() if not k.startswith("FORUM_")}
    env.update(
        FORUM_DATA_DIR=data,
        FORUM_DATABASE_URL=url,
        FORUM_LOG_LEVEL="warning",
        **production_env(),
        PYTHONWARNINGS="ignore",
    )
    subprocess.run(
        [sys.executable, "-m", "forum.cli", "migrate"],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    os.environ.update(env)
    began = time.monotonic()
    board_id, first, last = asyncio.run(seed(url, args.topics, args.posts))
    print(
        f"seeded {args.topics} topics x {args.posts // args.topics} posts "
        f"on {url.split('://')[0]} in {time.monotonic() - began:.1f}s"
    )
    ports = {"forum": free_port(), "hello": free_port()}
    servers = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "forum.asgi:app",
                "--port",
                str(ports["forum"]),
                "--log-level",
                "warning",
                *UVICORN,
            ],
            env=env,
            cwd=ROOT,
        ),
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "bench.hello:app",
                "--port",
                str(ports["hello"]),
                "--log-level",
                "warning",
                *UVICORN,
            ],
            env=env,
            cwd=ROOT,
        ),
    ]
    try:
        forum = f"http://127.0.0.1:{ports['forum']}"
        wait_up(forum + "/healthz")
        wait_up(f"http://127.0.0.1:{ports['hello']}/hello")
        script = Path(data) / "topics.lua"
        script.write_text(
            f"math.randomseed(7)\nrequest = function()\n"
            f"  return wrk.format('GET', '/t/' .. math.random({first}, {last}))\nend\n"
        )
        cookie = login_cookie(forum)
        targets = [
            ("hello (plain Starlette)", f"http://127.0.0.1:{ports['hello']}/hello", None, None),
            ("board list /forum", forum + "/forum", None, None),
            ("board page /forum/b/id", f"{forum}/forum/b/{board_id}", None, None),
            ("topic pages /t/random", forum + "/", str(script), None),
            ("member: board list", forum + "/forum", None, cookie),
            ("member: board page", f"{forum}/forum/b/{board_id}", None, cookie),
            ("member: topic pages", forum + "/", str(script), cookie),
        ]
        for _, target, lua, who in targets:  # warm-up
            wrk(target, 2, args.connections, lua, who)
        load = os.getloadavg()
        results = [
            (name, wrk(target, args.duration, args.connections, lua, who))
            for name, target, lua, who in targets
        ]
        load_after = os.getloadavg()
    finally:
        for server in servers:
            server.terminate()
            server.wait(10)
    base = results[0][1]["rps"]
    print(
        "load average (1, 5, 15 min) before: {:.2f} {:.2f} {:.2f}, after: {:.2f} {:.2f} {:.2f}".format(
            *load, *load_after
        )
    )
    print(
        f"\n{'endpoint':<26}{'req/s':>10}{'p50 ms':>9}{'p99 ms':>9}{'vs hello':>10}"
        f"{'errors':>8}{'timeouts':>10}"
    )
    for name, r in results:
        print(
            f"{name:<26}{r['rps']:>10.0f}{r['p50']:>9.2f}{r['p99']:>9.2f}"
            f"{r['rps'] / base:>10.3f}{int(r['non2xx']):>8}{int(r['timeouts']):>10}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
