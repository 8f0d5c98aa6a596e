#!/usr/bin/env python3
"""Forum under load: N simulated members posting and reading against 2 workers + PostgreSQL +
Redis, then an integrity check.

    python bench/forum_load.py [--members 200] [--duration 60] [--post-ratio 0.3] [--topics 30]
                               [--think 0] [--timeout 120]
                               [--pg postgres://postgres@127.0.0.1:55432] [--redis redis://127.0.0.1:6390/0]

Needs the services of `scripts/services up`. Creates a fresh database, migrates it, seeds the
demo data and starts `forum serve --workers 2` (cooldowns and new-member rules off, so that
every refusal counted is a real error; the per-IP write limit raised). Each simulated member
has its own account (full members `load0`.. seeded next to the demo's `full_member`, who also
opens `--topics` fresh topics so the replies spread) and its own session, and loops: read a
topic page or the board list, or reply to a random topic with a unique marker; a 429 or 503
with Retry-After is waited out and retried (counted apart). Prints throughput, p50/p99 latency and errors; then checks
in the database that every acknowledged reply exists exactly once and that every topic's
reply count still matches its posts. Exit status 1 if the check fails.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import socket
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import Awaitable
from pathlib import Path
from typing import Any

import asyncpg
import httpx

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def pct(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))]


async def member_client(base: str, username: str, timeout: float) -> httpx.AsyncClient:
    # No keep-alive: with 200 clients in one process on a loaded machine, a response is often
    # read seconds after the server sent it, so a reused connection races uvicorn's 5 s
    # keep-alive close ("Server disconnected without sending a response"). A connection per
    # request on loopback costs little and leaves only real errors to count.
    client = httpx.AsyncClient(
        base_url=base, timeout=timeout, limits=httpx.Limits(max_keepalive_connections=0)
    )
    token = (await client.get("/api/v1/csrf")).json()["csrf_token"]
    login = await client.post(
        "/login", data={"csrf_token": token, "username": username, "password": "demo-password-2026"}
    )
    if login.status_code != 303:
        raise RuntimeError(f"login {username}: {login.status_code}")
    client.headers["X-CSRF-Token"] = (await client.get("/api/v1/csrf")).json()["csrf_token"]
    return client


async def run(
    args: argparse.Namespace, base: str, topics: list[int]
) -> tuple[dict[str, list[float]], list[str], dict[str, int], float]:
    latencies: dict[str, list[float]] = {"read": [], "post": []}
    acked: list[str] = []
    errors: dict[str, int] = {}
    throttled: dict[str, int] = {}
    rng = random.Random(1)
    gate = asyncio.Semaphore(8)

    async def gated(login: Awaitable[httpx.AsyncClient]) -> httpx.AsyncClient:
        async with gate:
            return await login

    clients = await asyncio.gather(
        *(gated(member_client(base, f"load{i}", args.timeout)) for i in range(args.clients))
    )
    # Service time without queueing: one member alone, sequentially (the load is closed-loop
    # with no think time, so under saturation latency = members / throughput).
    probe: dict[str, list[float]] = {"read": [], "post": []}
    for n in range(20):
        started = time.perf_counter()
        if n % 4 == 3:
            marker = f"load-{uuid.uuid4().hex}"
            response = await clients[0].post(
                f"/api/v1/topics/{topics[n % len(topics)]}/posts",
                json={"body": f"压力测试回复 {marker}"},
            )
            if response.status_code == 201:
                acked.append(marker)
            probe["post"].append(time.perf_counter() - started)
        else:
            await clients[0].get(f"/t/{topics[n % len(topics)]}")
            probe["read"].append(time.perf_counter() - started)
    print(
        "one member alone: "
        + ", ".join(f"{k} median {statistics.median(v) * 1000:.0f} ms" for k, v in probe.items())
    )
    deadline = time.monotonic() + args.duration  # the measured window starts when all are in

    async def simulate(client: httpx.AsyncClient, seed: int) -> None:
        local = random.Random(seed)
        while time.monotonic() < deadline:
            if args.think:
                await asyncio.sleep(local.uniform(0, 2 * args.think))
            topic = local.choice(topics)
            started = time.perf_counter()
            try:
                if local.random() < args.post_ratio:
                    marker = f"load-{uuid.uuid4().hex}"
                    response = await honour_retry_after(
                        client,
                        "POST",
                        f"/api/v1/topics/{topic}/posts",
                        throttled,
                        json={"body": f"压力测试回复 {marker}"},
                    )
                    kind, ok = "post", response.status_code == 201
                    if ok:
                        acked.append(marker)
                else:
                    path = f"/t/{topic}" if local.random() < 0.7 else "/forum"
                    response = await honour_retry_after(client, "GET", path, throttled)
                    kind, ok = "read", response.status_code == 200
                if ok:
                    latencies[kind].append(time.perf_counter() - started)
                else:
                    key = f"{kind} {response.status_code}"
                    errors[key] = errors.get(key, 0) + 1
            except httpx.HTTPError as exc:
                key = f"transport {type(exc).__name__}"
                errors[key] = errors.get(key, 0) + 1

    started = time.monotonic()
    await asyncio.gather(*(simulate(c, rng.randrange(1 << 30)) for c in clients))
    elapsed = time.monotonic() - started  # the last requests end after the deadline
    await asyncio.gather(*(c.aclose() for c in clients))
    if throttled:
        print(f"answered 429/503 with Retry-After and retried (not errors): {throttled}")
    return latencies, acked, errors, elapsed


async def honour_retry_after(
    client: httpx.AsyncClient,
    method: str,
    path: str,
    throttled: dict[str, int],
    json: dict[str, Any] | None = None,
) -> httpx.Response:
    """Send; on 429 (rate limit) or 503 with Retry-After, wait as told and retry (at most 5
    times), like a well-behaved client. The retries are counted, not hidden."""
    for _ in range(5):
        response = await client.request(method, path, json=json)
        retry_after = response.headers.get("retry-after")
        if response.status_code not in (429, 503) or retry_after is None:
            return response
        key = str(response.status_code)
        throttled[key] = throttled.get(key, 0) + 1
        await asyncio.sleep(min(float(retry_after), 10.0))
    return response


async def integrity(dsn: str, acked: list[str]) -> list[str]:
    conn = await asyncpg.connect(dsn.replace("postgres://", "postgresql://", 1))
    try:
        rows = await conn.fetch(
            "SELECT substring(body_raw from 'load-[0-9a-f]{32}') AS marker, COUNT(*) AS n "
            "FROM boards_posts WHERE body_raw LIKE '%load-%' GROUP BY 1"
        )
        counts = {r["marker"]: r["n"] for r in rows}
        problems = [f"missing {m}" for m in acked if m not in counts]
        problems += [f"{m} stored {n} times" for m, n in counts.items() if n != 1]
        mismatched = await conn.fetch(
            # reply_count: visible replies (post 2 onwards, neither hidden nor deleted).
            "SELECT t.id, t.reply_count, COUNT(p.id) AS posts FROM boards_topics t "
            "LEFT JOIN boards_posts p ON p.topic_id = t.id AND p.number > 1 "
            "AND NOT p.hidden AND NOT p.deleted GROUP BY t.id, t.reply_count "
            "HAVING t.reply_count <> COUNT(p.id)"
        )
        problems += [
            f"topic {r['id']}: reply_count {r['reply_count']} but {r['posts']} replies"
            for r in mismatched
        ]
        return problems
    finally:
        await conn.close()


async def seed_members(count: int) -> None:
    """Run in a subprocess with the server's env: `count` more full members (usernames
    load0..) in the org of the demo account `full_member`, so each simulated member has an
    account of its own with the same rights."""
    import itertools
    import secrets

    sys.path.insert(0, str(ROOT))
    from tortoise import Tortoise

    from forum.site import orm_config as tortoise_config

    await Tortoise.init(config=tortoise_config(), _enable_global_fallback=True)
    try:
        from forum.models import Member, Org
        from tests import factories

        factories._seq = itertools.count(secrets.randbelow(7_000_000) + 1)
        member = await Member.get(user__username="full_member")
        org = await Org.get(id=member.org_id)
        for n in range(count):
            await factories.make_person(org, "full", username=f"load{n}")
    finally:
        await Tortoise.close_connections()


def main() -> int:
    if sys.argv[1:2] == ["--seed-members"]:
        asyncio.run(seed_members(int(sys.argv[2])))
        return 0
    parser = argparse.ArgumentParser()
    parser.add_argument("--members", "--clients", dest="clients", type=int, default=200)
    parser.add_argument("--duration", type=float, default=60)
    parser.add_argument(
        "--topics", type=int, default=30, help="topics created before the run (0: demo topics only)"
    )
    parser.add_argument("--post-ratio", type=float, default=0.3)
    parser.add_argument("--timeout", type=float, default=120, help="client timeout, seconds")
    parser.add_argument("--think", type=float, default=0, help="pause between requests, s")
    parser.add_argument("--keep-database", action="store_true", help="do not drop it after")
    parser.add_argument("--server-log", default="/tmp/forum_load_server.log")
    parser.add_argument(
        "--pg", default=os.environ.get("TEST_PG_DSN", "postgres://postgres@127.0.0.1:55432")
    )
    parser.add_argument(
        "--redis", default=os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6390/0")
    )
    args = parser.parse_args()
    dsn = f"{args.pg}/load_{uuid.uuid4().hex[:8]}"
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("FORUM_")}
    env.update(
        FORUM_DATABASE_URL=dsn + "?maxsize=20",
        FORUM_REDIS_URL=args.redis,
        FORUM_REDIS_PREFIX=f"load-{uuid.uuid4().hex[:6]}",
        FORUM_DATA_DIR=f"/tmp/{uuid.uuid4().hex[:8]}",
        FORUM_PASSWORD_PROFILE="fast",
        FORUM_POST_COOLDOWN_SECONDS="0",
        FORUM_NEW_ACCOUNT_POST_COOLDOWN_SECONDS="0",
        FORUM_NEW_ACCOUNT_DAYS="0",
        FORUM_NEW_ACCOUNT_MIN_POSTS="0",
        FORUM_IP_WRITE_LIMIT="100000000",
        FORUM_LOG_LEVEL="warning",
        PYTHONWARNINGS="ignore",
    )
    for command in (
        ["-m", "forum.cli", "migrate"],
        ["-m", "forum.cli", "demo"],
        [__file__, "--seed-members", str(args.clients)],
    ):
        subprocess.run([sys.executable, *command], env=env, cwd=ROOT, check=True)
    log = open(args.server_log, "w")  # noqa: SIM115 - closed with the server
    server = subprocess.Popen(
        [sys.executable, "-m", "forum.cli", "serve", "--port", str(port), "--workers", "2"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=log,
    )
    try:
        for _ in range(600):
            try:
                if httpx.get(base + "/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        with httpx.Client(base_url=base) as c:
            boards = c.get("/api/v1/boards").json()
        board_ids = [b["id"] for b in boards["items"]]

        async def topic_ids() -> list[int]:
            client = await member_client(base, "full_member", args.timeout)
            ids: list[int] = []
            listed = (await client.get("/api/v1/boards")).json()["items"]
            writable = [b["id"] for b in listed if b["can_start_topic"]]
            for board in board_ids:
                r = await client.get(f"/api/v1/boards/{board}/topics")
                if r.status_code == 200:
                    ids += [t["id"] for t in r.json()["items"] if not t.get("closed")]
            for n in range(args.topics):  # spread the replies like a live forum would
                r = await client.post(
                    f"/api/v1/boards/{writable[n % len(writable)]}/topics",
                    json={"title": f"压力测试主题 {n}", "body": "压力测试主题正文"},
                )
                if r.status_code == 201:
                    ids.append(r.json()["id"])
            await client.aclose()
            return ids

        topics = asyncio.run(topic_ids())
        print(
            f"{args.clients} members, {args.duration:.0f} s, {len(topics)} topics, "
            f"2 workers + PostgreSQL + Redis; load average before: {os.getloadavg()[0]:.2f}"
        )
        latencies, acked, errors, elapsed = asyncio.run(run(args, base, topics))
        total = sum(len(v) for v in latencies.values())
        print(
            f"requests ok: {total} in {elapsed:.1f} s ({total / elapsed:.1f}/s); "
            f"replies acknowledged: {len(acked)}"
        )
        for kind, values in latencies.items():
            if values:
                print(
                    f"  {kind:5} n={len(values):6}  p50={statistics.median(values) * 1000:7.1f} ms"
                    f"  p99={pct(values, 0.99) * 1000:7.1f} ms"
                )
        print(f"errors: {sum(errors.values())} {errors}")
        print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    finally:
        server.terminate()
        server.wait(20)
        log.close()
    problems = asyncio.run(integrity(dsn, acked))
    if not args.keep_database:
        subprocess.run(
            [
                "psql",
                f"{args.pg}/postgres",
                "-qc",
                f'DROP DATABASE IF EXISTS "{dsn.rsplit("/", 1)[1]}" WITH (FORCE)',
            ],
            capture_output=True,
            check=False,
        )
    print(
        "integrity: every acknowledged reply exists exactly once; reply counts match"
        if not problems
        else f"integrity FAILED: {problems[:10]}"
    )
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
