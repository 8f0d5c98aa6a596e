#!/usr/bin/env python3
"""Study benchmark: N members streaming the demo video with Range requests and sending
study heartbeats at once, against a real uvicorn server.

    python bench/learning_bench.py [--members 300] [--duration 15] [--chunk 65536]

Seeds a branch with N members (accounts logged in over HTTP) and one published video (the
12 s WebM shipped with the demo), starts the forum (1 uvicorn worker, httptools, uvloop, no
access log) and, as the ceiling, a bare Starlette app serving the same bytes with
`FileResponse` (the same Range code, no session, no policy, no heartbeats) under the same
uvicorn settings. Each simulated member loops: a Range request for `--chunk` bytes at its
playback position (a seek to a random point now and then), and every fourth request a
heartbeat (POST /api/v1/learning/resources/{id}/beat). Prints throughput (MB/s, requests/s),
p50/p99 latency of range requests and heartbeats, and the server's CPU seconds per streamed MB
(from /proc/<pid>/stat), next to the ceiling measured in the same run. The client runs on the
same machine and takes its share of the cores: the figures are for comparison, not a capacity.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import os
import random
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
UVICORN = ["--workers", "1", "--http", "httptools", "--loop", "uvloop", "--no-access-log"]
VIDEO = ROOT / "forum" / "learning" / "demo_files" / "study-demo.webm"
CLK = os.sysconf("SC_CLK_TCK")

CEILING_APP = """
from starlette.applications import Starlette
from starlette.responses import FileResponse
from starlette.routing import Route

async def media(request):
    return FileResponse({path!r}, media_type="video/webm", content_disposition_type="inline")

app = Starlette(routes=[Route("/media", media)])
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK  # utime + stime


def wait_up(url: str) -> None:
    for _ in range(600):
        try:
            if httpx.get(url, timeout=1).status_code < 500:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.05)
    raise RuntimeError(f"server did not start: {url}")


async def seed(members: int) -> int:
    from forum import site
    from forum.db import with_db

    site.install()

    async def work() -> int:
        from forum.learning import actions
        from forum.models import Member, OrgRole, User
        from forum.orgs.actions import do_create_org
        from forum.security.passwords import hash_password
        from forum.viewer import viewer_for_user

        committee = await do_create_org(None, "基准党委", "committee")
        branch = await do_create_org(committee, "基准支部", "branch")
        digest = await hash_password("bench-password")
        users = [
            User(username=f"m{i}", display_name=f"党员{i}", password_hash=digest)
            for i in range(members + 1)
        ]
        await User.bulk_create(users)
        saved = await User.filter(username__startswith="m").order_by("id")
        await Member.bulk_create(
            [
                Member(user_id=u.id, name=u.display_name, status="full", org_id=branch.id)
                for u in saved
            ]
        )
        boss = saved[0]
        await OrgRole.create(user_id=boss.id, org_id=branch.id, role="secretary")
        viewer = await viewer_for_user(boss.id)
        data = {
            "org_id": str(branch.id),
            "kind": "video",
            "title": "基准视频",
            "duration_seconds": "12",
        }
        r = await actions.create_resource(viewer, actions.parse_resource(data, VIDEO.read_bytes()))
        await actions.submit(viewer, r)
        await actions.approve(viewer, r)
        return r.id

    return await with_db(work)


async def login(base: str, i: int, limits: httpx.Limits) -> httpx.AsyncClient:
    client = httpx.AsyncClient(base_url=base, limits=limits, timeout=60)
    token = (await client.get("/api/v1/csrf")).json()["csrf_token"]
    r = await client.post(
        "/login", data={"csrf_token": token, "username": f"m{i}", "password": "bench-password"}
    )
    if r.status_code != 303:
        raise RuntimeError(f"login m{i}: {r.status_code}")
    client.headers["X-CSRF-Token"] = (await client.get("/api/v1/csrf")).json()["csrf_token"]
    return client


async def member_loop(
    client: httpx.AsyncClient,
    media: str,
    beat: str | None,
    size: int,
    chunk: int,
    until: float,
    stats: dict[str, list[float]],
    rng: random.Random,
) -> int:
    sent = 0
    pos = rng.randrange(0, size)
    n = 0
    tab = secrets.token_hex(8)
    while time.perf_counter() < until:
        if rng.random() < 0.1:
            pos = rng.randrange(0, size)  # seek
        end = min(size, pos + chunk) - 1
        t = time.perf_counter()
        r = await client.get(media, headers={"Range": f"bytes={pos}-{end}"})
        stats["range"].append(time.perf_counter() - t)
        if r.status_code != 206:
            raise RuntimeError(f"range: {r.status_code}")
        sent += len(r.content)
        pos = 0 if end + 1 >= size else end + 1
        n += 1
        if beat is not None and n % 4 == 0:
            t = time.perf_counter()
            b = await client.post(
                beat,
                json={"tab": tab, "position": 12 * pos / size, "visible": True, "active": True},
            )
            stats["beat"].append(time.perf_counter() - t)
            if b.status_code != 200:
                raise RuntimeError(f"beat: {b.status_code} {b.text[:200]}")
    return sent


def pct(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


async def run_load(
    clients: list[httpx.AsyncClient],
    media: str,
    beat: str | None,
    pid: int,
    duration: float,
    chunk: int,
) -> dict[str, float]:
    size = VIDEO.stat().st_size
    stats: dict[str, list[float]] = {"range": [], "beat": []}
    rng = random.Random(7)
    cpu0, t0 = cpu_seconds(pid), time.perf_counter()
    until = t0 + duration
    sent = await asyncio.gather(
        *(
            member_loop(c, media, beat, size, chunk, until, stats, random.Random(rng.random()))
            for c in clients
        )
    )
    elapsed = time.perf_counter() - t0
    cpu = cpu_seconds(pid) - cpu0
    mb = sum(sent) / 1e6
    return {
        "mb_s": mb / elapsed,
        "rps": (len(stats["range"]) + len(stats["beat"])) / elapsed,
        "range_p50": statistics.median(stats["range"]) * 1000 if stats["range"] else 0.0,
        "range_p99": pct(stats["range"], 0.99),
        "beat_p50": statistics.median(stats["beat"]) * 1000 if stats["beat"] else 0.0,
        "beat_p99": pct(stats["beat"], 0.99),
        "beats": float(len(stats["beat"])),
        "cpu_per_mb": cpu / mb if mb else 0.0,
        "mb": mb,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--members", type=int, default=300)
    parser.add_argument("--duration", type=float, default=15)
    parser.add_argument("--chunk", type=int, default=64 * 1024)
    args = parser.parse_args()
    tmp = tempfile.mkdtemp(prefix="grassroots-learning-bench-")
    env = {
        **os.environ,
        "FORUM_ENV": "production",
        "FORUM_SECRET_KEY": secrets.token_urlsafe(48),
        "FORUM_ID_NUMBER_KEY": base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
        "FORUM_SECURE_COOKIES": "0",
        "FORUM_DATA_DIR": tmp,
        "FORUM_DATABASE_URL": f"sqlite://{tmp}/bench.sqlite3?synchronous=NORMAL&busy_timeout=5000",
        "FORUM_IP_WRITE_LIMIT": "100000000",
        "FORUM_ALLOWED_ORIGINS": "http://127.0.0.1",
    }
    os.environ.update(env)
    subprocess.run(
        [sys.executable, "-m", "forum.cli", "migrate"], env=env, check=True, capture_output=True
    )
    rid = asyncio.run(seed(args.members))
    (Path(tmp) / "ceiling_app.py").write_text(CEILING_APP.format(path=str(VIDEO)))
    forum_port, ceiling_port = free_port(), free_port()
    servers = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "forum.asgi:app",
                "--port",
                str(forum_port),
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
                "ceiling_app:app",
                "--port",
                str(ceiling_port),
                *UVICORN,
            ],
            env=env,
            cwd=tmp,
        ),
    ]
    try:
        forum = f"http://127.0.0.1:{forum_port}"
        ceiling = f"http://127.0.0.1:{ceiling_port}"
        wait_up(forum + "/healthz")
        wait_up(ceiling + "/media")

        async def go() -> tuple[dict[str, float], dict[str, float]]:
            limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
            clients = []
            for start in range(0, args.members, 20):  # argon2 verifications, 20 at a time
                batch = range(start + 1, min(args.members, start + 20) + 1)
                clients += await asyncio.gather(*(login(forum, i, limits) for i in batch))
            bare = [
                httpx.AsyncClient(base_url=ceiling, limits=limits, timeout=60)
                for _ in range(args.members)
            ]
            try:
                top = await run_load(
                    bare, "/media", None, servers[1].pid, args.duration, args.chunk
                )
                ours = await run_load(
                    clients,
                    f"/learning/media/{rid}",
                    f"/api/v1/learning/resources/{rid}/beat",
                    servers[0].pid,
                    args.duration,
                    args.chunk,
                )
            finally:
                for c in clients + bare:
                    await c.aclose()
            return ours, top

        ours, top = asyncio.run(go())
    finally:
        for s in servers:
            s.terminate()
        for s in servers:
            s.wait(timeout=10)
    print(
        f"learning bench: {args.members} members, {args.duration:g} s, {args.chunk // 1024} KiB ranges, 1 uvicorn worker, SQLite"
    )
    print(f"  {'':<28}{'forum':>14}{'bare Starlette':>18}")
    print(
        f"  {'streamed MB/s':<28}{ours['mb_s']:>14.1f}{top['mb_s']:>18.1f}   ({100 * ours['mb_s'] / top['mb_s']:.0f}% of the ceiling)"
    )
    print(f"  {'requests/s':<28}{ours['rps']:>14.0f}{top['rps']:>18.0f}")
    print(
        f"  {'range p50 / p99 (ms)':<28}{ours['range_p50']:>7.1f} /{ours['range_p99']:>5.0f}{top['range_p50']:>11.1f} /{top['range_p99']:>5.0f}"
    )
    print(
        f"  {'heartbeat p50 / p99 (ms)':<28}{ours['beat_p50']:>7.1f} /{ours['beat_p99']:>5.0f}{'-':>18}   ({ours['beats']:.0f} heartbeats)"
    )
    print(f"  {'server CPU s per MB':<28}{ours['cpu_per_mb']:>14.3f}{top['cpu_per_mb']:>18.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
