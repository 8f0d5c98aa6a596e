"""Load harness for a live meeting: N real websocket clients in one meeting over 2 workers.

    python bench/meetings_ws_bench.py --clients 1000 --rate 10 --duration 10
    python bench/meetings_ws_bench.py --idle --clients 5000        # memory of idle sockets

It creates a fresh PostgreSQL database, migrates it, seeds a branch, starts two uvicorn
processes (`python -m uvicorn forum.asgi:app`, one worker each) sharing Redis pub/sub, starts
a plenary over HTTP and connects the clients alternately to both workers, all subscribed to
`meeting:{id}`. One speaker sends discussion messages at a steady rate (each body carries its
send time); every client records the delivery latency of every message. Prints p50/p95/p99
latency, messages lost (must be 0) and server RSS per connection (from /proc).

Needs the shared services (PostgreSQL 127.0.0.1:55432, Redis 127.0.0.1:6390) and runs from
the repository root. Everything it starts is stopped at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from websockets.asyncio.client import ClientConnection, connect
from websockets.typing import Origin

from tests.e2e.servers import (
    DEMO_PASSWORD,
    E2E_ORIGIN,
    ROOT,
    UvicornServer,
    drop_database,
    login,
    new_database_url,
    post_form,
    run_cli,
    running,
    server_env,
)

STAMP = re.compile(r"bench (\d+) (\d+)")
ACCOUNTS = 20  # sockets share these logins (a session may hold many sockets)


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def seed(env: dict[str, str], prefix: str) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, "-m", "tests.e2e.meetings_seed", prefix, str(ACCOUNTS)],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


async def start_meeting(server: UvicornServer, cookie: str, branch_id: int) -> int:
    response = await post_form(
        server.base_url,
        cookie,
        f"/orgs/{branch_id}/meetings",
        {
            "type": "theme_day",
            "title": "压测会议",
            "scheduled_at": "2099-01-01T09:00",
            "publish": "1",
        },
    )
    meeting_id = int(response.headers["location"].rsplit("/", 1)[1])
    await post_form(server.base_url, cookie, f"/meetings/{meeting_id}/start")
    return meeting_id


class Listener:
    def __init__(self) -> None:
        self.latencies_ms: list[float] = []
        self.seen: set[int] = set()


async def open_client(url: str, cookie: str, channel: str) -> ClientConnection:
    ws = await connect(
        url,
        additional_headers=[("Cookie", cookie)],
        origin=Origin(E2E_ORIGIN),
        compression=None,
        open_timeout=60,
        ping_interval=None,
    )
    await ws.send(json.dumps({"type": "subscribe", "channel": channel}))
    while True:
        frame = json.loads(await ws.recv())
        if frame.get("type") == "subscribed":
            return ws


async def listen(ws: ClientConnection, listener: Listener) -> None:
    """Record every message.posted frame (cancelled when the run ends)."""
    async for raw in ws:
        now = time.time_ns()
        frame = json.loads(raw)
        if frame.get("type") != "event" or frame.get("event") != "message.posted":
            continue
        match = STAMP.search(frame["data"]["html"])
        if match:
            listener.seen.add(int(match.group(1)))
            listener.latencies_ms.append((now - int(match.group(2))) / 1e6)


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def run(args: argparse.Namespace) -> None:
    url = new_database_url()
    env = server_env(url, extra={"FORUM_POST_COOLDOWN_SECONDS": "0"})
    run_cli(env, "migrate")
    prefix = f"b{uuid.uuid4().hex[:6]}"
    data = seed(env, prefix)
    try:
        with running(UvicornServer(env), UvicornServer(env)) as servers:
            a = servers[0]
            names = [f"{prefix}sec"] + [f"{prefix}v{n}" for n in range(1, ACCOUNTS)]
            cookies = [await login(a.base_url, name, DEMO_PASSWORD) for name in names]
            meeting_id = await start_meeting(a, cookies[0], data["branch_id"])
            channel = f"meeting:{meeting_id}"
            pids = [s.process.pid for s in servers if s.process is not None]
            before = [rss_kib(pid) for pid in pids]
            t0 = time.monotonic()
            sockets: list[ClientConnection] = []
            for start in range(0, args.clients, 100):  # connect in waves of 100
                wave = [
                    open_client(servers[i % 2].ws_url, cookies[1 + i % (ACCOUNTS - 1)], channel)
                    for i in range(start, min(args.clients, start + 100))
                ]
                sockets += await asyncio.gather(*wave)
            connect_s = time.monotonic() - t0
            after = [rss_kib(pid) for pid in pids]
            per_conn = [
                (after[i] - before[i]) / max(1, len(sockets[i::2])) for i in range(len(pids))
            ]
            print(f"connected {len(sockets)} clients in {connect_s:.1f}s")
            print(
                "server RSS KiB before/after: "
                + ", ".join(f"{x}->{y}" for x, y in zip(before, after, strict=True))
            )
            print("RSS per connection (KiB): " + ", ".join(f"{x:.1f}" for x in per_conn))
            if not args.idle:
                await measure(args, a, cookies[0], channel, sockets)
            for ws in sockets:
                await ws.close()
    finally:
        drop_database(url)


async def measure(
    args: argparse.Namespace,
    server: UvicornServer,
    cookie: str,
    channel: str,
    sockets: list[ClientConnection],
) -> None:
    listeners = [Listener() for _ in sockets]
    tasks = [
        asyncio.create_task(listen(ws, lis)) for ws, lis in zip(sockets, listeners, strict=True)
    ]
    speaker = await open_client(server.ws_url, cookie, channel)
    await speaker.send(json.dumps({"type": "action", "channel": channel, "action": "check_in",
                                   "data": {}, "ref": "c"}))  # fmt: skip
    total = int(args.rate * args.duration)
    interval = 1 / args.rate
    started = time.monotonic()
    for n in range(total):
        await asyncio.sleep(max(0.0, started + n * interval - time.monotonic()))
        body = f"bench {n} {time.time_ns()}"
        frame = {"type": "action", "channel": channel, "action": "message",
                 "data": {"body": body}, "ref": f"m{n}"}  # fmt: skip
        await speaker.send(json.dumps(frame))
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and any(len(lis.seen) < total for lis in listeners):  # noqa: ASYNC110 - polling the counters of many tasks
        await asyncio.sleep(0.2)
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    await speaker.close()
    latencies = [x for lis in listeners for x in lis.latencies_ms]
    lost = sum(total - len(lis.seen) for lis in listeners)
    print(f"sent {total} messages at {args.rate}/s to {len(sockets)} clients")
    print(
        f"delivery latency ms: p50 {pct(latencies, 0.5):.1f}  p95 {pct(latencies, 0.95):.1f}  "
        f"p99 {pct(latencies, 0.99):.1f}  max {max(latencies, default=float('nan')):.1f}  "
        f"mean {statistics.fmean(latencies) if latencies else float('nan'):.1f}"
    )
    print(f"messages lost: {lost} (of {total * len(sockets)} deliveries)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=1000)
    parser.add_argument("--rate", type=float, default=10.0, help="messages per second")
    parser.add_argument("--duration", type=float, default=10.0, help="seconds of sending")
    parser.add_argument("--idle", action="store_true", help="only connect (memory run)")
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
