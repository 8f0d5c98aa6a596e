"""Load harness for a live meeting: N real websocket clients in one meeting over 2 workers.

    python bench/meetings_ws_bench.py --clients 2000 --rate 2 --duration 20
    python bench/meetings_ws_bench.py --idle --clients 5000        # memory of idle sockets

It creates a fresh PostgreSQL database, migrates it, seeds a branch, starts two uvicorn
processes (`python -m uvicorn forum.asgi:app`, one worker each) sharing Redis pub/sub, starts
a plenary over HTTP and connects the clients alternately to both workers, all subscribed to
`meeting:{id}`. The clients live in several client processes (`--client-procs`, uvloop, no
JSON parsing of the frames they only time), so the client side is not the bottleneck.

Several speakers share the discussion: the chat limit is CHAT_BURST messages per CHAT_WINDOW
seconds per account, so the harness uses enough accounts for the rate with a margin, each
sending in turn. Every speaker reads its answers: an `ack` means the message was accepted
and must reach every client; an `error` (a refusal, e.g. `rate_limited`) is counted as a
refusal, never as a lost delivery. Lost = accepted messages x clients - deliveries seen.

In the same run (unless `--no-ceiling`) the same clients and speakers are pointed at two bare
Starlette broadcast servers (`bench/ws_ceiling.py`) with frames of the same size: the ceiling.
Prints p50/p95/p99 latency, refusals, messages lost (must be 0), CPU seconds of servers and
clients during the sending, and server RSS per connection (from /proc). Exit status 1 if a
delivery was lost. Needs the shared services (PostgreSQL 127.0.0.1:55432, Redis
127.0.0.1:6390) and runs from the repository root. Everything it starts is stopped at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import multiprocessing as mp
import os
import re
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

STAMP = re.compile(rb"bench (\d+) (\d+)")
MIN_ACCOUNTS = 20  # sockets share these logins (a session may hold many sockets)
CLK_TCK = os.sysconf("SC_CLK_TCK")


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def cpu_s(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK  # utime + stime


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


# --- the client processes (imports kept light: websockets + uvloop only) -------------------


def client_main(pipe: Connection, urls: list[str], cookies: list[str], channel: str,
                origin: str) -> None:  # fmt: skip
    import uvloop

    uvloop.run(_client(pipe, urls, cookies, channel, origin))


async def _client(pipe: Connection, urls: list[str], cookies: list[str], channel: str,
                  origin: str) -> None:  # fmt: skip
    from websockets.asyncio.client import connect
    from websockets.typing import Origin

    subscribe = json.dumps({"type": "subscribe", "channel": channel})
    seen: list[dict[int, float]] = []

    async def open_one(i: int) -> Any:
        headers = [("Cookie", cookies[i])] if cookies[i] else []
        ws = await connect(urls[i], additional_headers=headers, origin=Origin(origin),
                           compression=None, open_timeout=120, ping_interval=None,
                           max_size=None)  # fmt: skip
        await ws.send(subscribe)
        while b'"subscribed"' not in _raw(await ws.recv(decode=False)):
            pass
        return ws

    async def listen(ws: Any, got: dict[int, float]) -> None:
        async for raw in _frames(ws):
            now = time.time_ns()
            match = STAMP.search(raw)
            if match:
                number = int(match.group(1))
                if number not in got:
                    got[number] = (now - int(match.group(2))) / 1e6

    sockets: list[Any] = []
    for start in range(0, len(urls), 50):  # connect in waves
        sockets += await asyncio.gather(
            *(open_one(i) for i in range(start, min(len(urls), start + 50)))
        )
    seen = [{} for _ in sockets]
    tasks = [asyncio.create_task(listen(ws, got)) for ws, got in zip(sockets, seen, strict=True)]
    loop = asyncio.get_running_loop()
    pipe.send(("ready", len(sockets), time.process_time()))
    _, accepted, timeout = await loop.run_in_executor(None, pipe.recv)
    wanted = set(accepted)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and any(not wanted <= got.keys() for got in seen):  # noqa: ASYNC110 - counters of many tasks
        await asyncio.sleep(0.1)
    latencies = [ms for got in seen for n, ms in got.items() if n in wanted]
    lost = sum(len(wanted - got.keys()) for got in seen)
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    for ws in sockets:
        await ws.close()
    pipe.send(("done", latencies, lost, time.process_time()))


def _raw(frame: str | bytes) -> bytes:
    return frame.encode() if isinstance(frame, str) else frame


async def _frames(ws: Any) -> Any:
    while True:
        yield _raw(await ws.recv(decode=False))


# --- the speakers (in the main process) ---------------------------------------------------


@dataclass
class Talk:
    accepted: set[int] = field(default_factory=set)
    refused: dict[str, int] = field(default_factory=dict)
    answered: set[int] = field(default_factory=set)
    frame_bytes: int = 0


async def speak(args: argparse.Namespace, urls: list[str], cookies: list[str], channel: str,
                origin: str, *, bare: bool, pad: int) -> Talk:  # fmt: skip
    from websockets.asyncio.client import connect
    from websockets.typing import Origin

    talk = Talk()
    speakers = []
    for i, cookie in enumerate(cookies):
        ws = await connect(urls[i % len(urls)] if not bare else urls[0],
                           additional_headers=[("Cookie", cookie)] if cookie else [],
                           origin=Origin(origin), compression=None, ping_interval=None,
                           max_size=None)  # fmt: skip
        speakers.append(ws)
    bare_peers = []  # the bare servers broadcast what they are sent: one sender per server
    for url in urls if bare else []:
        bare_peers.append(await connect(url, compression=None, ping_interval=None, max_size=None))  # noqa: PERF401

    async def read(ws: Any) -> None:
        async for raw in ws:
            frame = json.loads(raw)
            ref = frame.get("ref", "")
            if not ref.startswith("m"):
                continue
            number = int(ref[1:])
            talk.answered.add(number)
            if frame.get("type") == "ack":
                talk.accepted.add(number)
            else:
                code = str(frame.get("code"))
                talk.refused[code] = talk.refused.get(code, 0) + 1

    readers = [asyncio.create_task(read(ws)) for ws in speakers]
    if not bare:
        for n, ws in enumerate(speakers):
            await ws.send(json.dumps({"type": "action", "channel": channel, "action": "check_in",
                                      "data": {}, "ref": f"c{n}"}))  # fmt: skip
    total = int(args.rate * args.duration)
    interval = 1 / args.rate
    started = time.monotonic()
    for n in range(total):
        await asyncio.sleep(max(0.0, started + n * interval - time.monotonic()))
        body = f"bench {n} {time.time_ns()}"
        if bare:
            frame = json.dumps({"type": "event", "channel": channel, "event": "message.posted",
                                "id": n, "data": {"html": body + " " + "x" * pad}})  # fmt: skip
            for peer in bare_peers:
                await peer.send(frame)
            talk.accepted.add(n)
            talk.answered.add(n)
        else:
            await speakers[n % len(speakers)].send(json.dumps(
                {"type": "action", "channel": channel, "action": "message",
                 "data": {"body": body}, "ref": f"m{n}"}))  # fmt: skip
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and len(talk.answered) < total:  # noqa: ASYNC110 - counters of reader tasks
        await asyncio.sleep(0.05)
    for task in readers:
        task.cancel()
    await asyncio.gather(*readers, return_exceptions=True)
    for ws in speakers + bare_peers:
        await ws.close()
    return talk


# --- one run: the clients in processes, the speakers here ----------------------------------


@dataclass
class Result:
    label: str
    talk: Talk
    latencies: list[float]
    lost: int
    clients: int
    server_cpu: float
    client_cpu: float
    wall: float

    def lines(self, total: int) -> list[str]:
        lat = self.latencies
        refused = ", ".join(f"{k} {v}" for k, v in sorted(self.talk.refused.items())) or "none"
        return [
            f"[{self.label}] sent {total}, accepted {len(self.talk.accepted)}, refused: "
            f"{refused}, unanswered {total - len(self.talk.answered)}",
            f"[{self.label}] delivery latency ms: p50 {pct(lat, 0.5):.1f}  p95 {pct(lat, 0.95):.1f}"
            f"  p99 {pct(lat, 0.99):.1f}  max {max(lat, default=float('nan')):.1f}",
            f"[{self.label}] lost {self.lost} of {len(self.talk.accepted) * self.clients} "
            f"deliveries to {self.clients} clients",
            f"[{self.label}] CPU s during the sending ({self.wall:.0f} s wall): servers "
            f"{self.server_cpu:.1f}, client processes {self.client_cpu:.1f}",
        ]


async def one_run(args: argparse.Namespace, label: str, server_urls: list[str],
                  server_pids: list[int], cookies: list[str], speaker_cookies: list[str],
                  channel: str, origin: str, *, bare: bool, pad: int = 0,
                  rss: bool = False) -> Result | None:  # fmt: skip
    ctx = mp.get_context("spawn")
    procs = []
    urls = [server_urls[i % 2] for i in range(args.clients)]
    who = [cookies[i % len(cookies)] if cookies else "" for i in range(args.clients)]
    before = [rss_kib(pid) for pid in server_pids]
    t0 = time.monotonic()
    for k in range(args.client_procs):
        parent, child = ctx.Pipe()
        proc = ctx.Process(target=client_main,
                           args=(child, urls[k::args.client_procs], who[k::args.client_procs],
                                 channel, origin), daemon=True)  # fmt: skip
        proc.start()
        procs.append((proc, parent))
    loop = asyncio.get_running_loop()
    try:
        connected = 0
        for _, parent in procs:
            _, count, _ = await loop.run_in_executor(None, parent.recv)
            connected += count
        print(f"[{label}] connected {connected} clients in {time.monotonic() - t0:.1f}s "
              f"({args.client_procs} client processes)", flush=True)  # fmt: skip
        if rss:
            after = [rss_kib(pid) for pid in server_pids]
            per = [(after[i] - before[i]) / max(1, len(urls[i::2])) for i in range(len(after))]
            print(
                f"[{label}] server RSS KiB before/after: "
                + ", ".join(f"{x}->{y}" for x, y in zip(before, after, strict=True))
            )
            print(f"[{label}] RSS per connection (KiB): " + ", ".join(f"{x:.1f}" for x in per))
        if args.idle:
            for _, parent in procs:
                parent.send(("stop", [], 0))
            for _, parent in procs:
                await loop.run_in_executor(None, parent.recv)
            return None
        cpu0 = sum(cpu_s(pid) for pid in server_pids)
        ccpu0 = sum(cpu_s(proc.pid) for proc, _ in procs if proc.pid)  # live: read /proc
        w0 = time.monotonic()
        talk = await speak(args, server_urls, speaker_cookies, channel, origin, bare=bare, pad=pad)
        for _, parent in procs:
            parent.send(("stop", sorted(talk.accepted), 30))
        latencies: list[float] = []
        lost = 0
        cpu1 = sum(cpu_s(pid) for pid in server_pids)
        ccpu1 = 0.0
        for _, parent in procs:
            _, lat, lost_here, spent = await loop.run_in_executor(None, parent.recv)
            latencies += lat
            lost += lost_here
            ccpu1 += spent  # the client's own process_time at the end
        wall = time.monotonic() - w0
        return Result(label, talk, latencies, lost, connected, cpu1 - cpu0,
                      max(0.0, ccpu1 - ccpu0), wall)  # fmt: skip
    finally:
        for proc, _ in procs:
            proc.join(10)
            if proc.is_alive():
                proc.kill()


def bare_servers() -> list[tuple[subprocess.Popen[bytes], int]]:
    from tests.e2e.servers import ROOT, free_port

    started = []
    for _ in range(2):
        port = free_port()
        command = [sys.executable, "-m", "uvicorn", "bench.ws_ceiling:app", "--host",
                   "127.0.0.1", "--port", str(port), "--log-level", "warning",
                   "--no-access-log", "--ws-max-size", str(64 * 1024)]  # fmt: skip
        started.append((subprocess.Popen(command, cwd=ROOT), port))
    return started


def wait_port(port: int, timeout: float = 30) -> None:
    import socket

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)  # a process start: polled with a deadline
    raise TimeoutError(f"port {port}")


async def run(args: argparse.Namespace) -> int:
    from bench.meetings_ws_bench_setup import seed, start_meeting
    from moderation.ratelimit import CHAT_BURST, CHAT_WINDOW
    from tests.e2e.servers import (
        DEMO_PASSWORD,
        E2E_ORIGIN,
        ROOT,
        UvicornServer,
        drop_database,
        login,
        new_database_url,
        run_cli,
        running,
        server_env,
    )

    # each speaker at most 60% of the chat limit (its window is counted in whole seconds)
    speakers = max(1, math.ceil(args.rate * CHAT_WINDOW / (CHAT_BURST * 0.6)))
    accounts = max(MIN_ACCOUNTS, speakers + 1)
    print(f"load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}", flush=True)
    print(f"{speakers} speakers for {args.rate}/s (limit {CHAT_BURST} per {CHAT_WINDOW} s "
          f"per account)", flush=True)  # fmt: skip
    url = new_database_url()
    env = server_env(url, extra={"FORUM_POST_COOLDOWN_SECONDS": "0"})
    run_cli(env, "migrate")
    prefix = f"b{uuid.uuid4().hex[:6]}"
    data = seed(env, prefix, accounts, ROOT)
    status = 0
    total = int(args.rate * args.duration)
    try:
        with running(UvicornServer(env), UvicornServer(env)) as servers:
            a = servers[0]
            names = [f"{prefix}v{n}" for n in range(1, accounts)]
            cookies = [await login(a.base_url, name, DEMO_PASSWORD) for name in names]
            sec = await login(a.base_url, f"{prefix}sec", DEMO_PASSWORD)
            meeting_id = await start_meeting(a, sec, data["branch_id"])
            channel = f"meeting:{meeting_id}"
            pids = [s.process.pid for s in servers if s.process is not None]
            real = await one_run(args, "grassroots", [s.ws_url for s in servers], pids,
                                 cookies, cookies[:speakers], channel, E2E_ORIGIN, bare=False,
                                 rss=True)  # fmt: skip
        if real is not None:
            print("\n".join(real.lines(total)), flush=True)
            status = 1 if real.lost else 0
    finally:
        drop_database(url)
    if args.no_ceiling:
        return status
    bare = bare_servers()
    try:
        for _, port in bare:
            wait_port(port)
        ceiling = await one_run(args, "ceiling", [f"ws://127.0.0.1:{p}/ws" for _, p in bare],
                                [p.pid for p, _ in bare], [], [], "bare", E2E_ORIGIN,
                                bare=True, pad=args.pad, rss=True)  # fmt: skip
        if ceiling is not None:
            print("\n".join(ceiling.lines(total)))
    finally:
        for proc, _ in bare:
            proc.terminate()
            proc.wait(10)
    print(f"load average at end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return status


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=2000)
    parser.add_argument("--rate", type=float, default=2.0, help="messages per second")
    parser.add_argument("--duration", type=float, default=20.0, help="seconds of sending")
    parser.add_argument("--client-procs", type=int, default=4, help="client processes")
    parser.add_argument("--pad", type=int, default=600, help="ceiling frame padding (bytes)")
    parser.add_argument("--idle", action="store_true", help="only connect (memory run)")
    parser.add_argument("--no-ceiling", action="store_true", help="skip the bare servers")
    return asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    raise SystemExit(main())
