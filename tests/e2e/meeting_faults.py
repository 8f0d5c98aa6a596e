"""A live meeting under faults: N websocket participants over 2 workers, a worker killed or
Redis stopped mid-run, then an exact delivery and storage check.

Used at full scale by `bench/meeting_faults.py` (500 clients) and at small scale by
`tests/e2e/test_faults_meeting.py` (20 clients), so both exercise the same code paths.

What one run does (`run(config)`):

1. Starts a private `redis-server` (free port) and creates a fresh PostgreSQL database on the
   shared server, migrated; seeds a branch with `clients` full members (`meetings_seed`) and
   logs every one of them in over HTTP (one session each).
2. Starts two uvicorn processes (one worker each, separate ports) on that database and Redis,
   starts a branch plenary and connects the participants alternately to both workers, each
   subscribed to `meeting:{id}` with `last_id=0` (so each one must see the channel's whole log).
3. Every `active_every`-th participant checks in, casts one ballot in an admission vote the host
   opened, and posts discussion messages (`rate` messages per second in total) for `duration`
   seconds. Each action waits for its `ack`; only acknowledged messages are counted as stored.
4. Faults, at `fault_at` seconds into the run:
   - `redis`: the private Redis is stopped for `redis_outage` seconds, then started again on the
     same port. `/healthz` must report `degraded` (503) on both workers while it is down and
     `ok` (200) again after; meanwhile cross-worker delivery goes through the database poll.
   - `kill`: worker 2 gets SIGKILL. Its participants reconnect like `static/js/realtime.js`
     (backoff 0.25-0.5 s, doubling) to the surviving worker, as a load balancer would route
     them, and resubscribe with the last event id they saw (the protocol's resume).
   - `both`: the Redis outage first (both workers up), then the kill.
5. The host closes the vote; the harness waits until every participant has received the
   channel's last event, then checks against the database: each participant saw exactly the
   channel's events it may receive (hosts-only events only for the host), each once, in id
   order (no gaps, no duplicates, no `reload`), and every acknowledged message is stored exactly
   once (and no message body is stored twice).
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import itertools
import json
import os
import random
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from typing import Any

import asyncpg
import httpx
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake
from websockets.typing import Origin

from tests.e2e.servers import (
    DEMO_PASSWORD,
    E2E_ORIGIN,
    ROOT,
    RedisServer,
    UvicornServer,
    drop_database,
    login,
    new_database_url,
    post_form,
    run_cli,
    server_env,
)

Frame = dict[str, Any]


@dataclasses.dataclass
class Config:
    clients: int = 500
    duration: float = 40.0  # seconds of discussion
    rate: float = 2.0  # discussion messages per second, all speakers together
    active_every: int = 10  # every n-th participant checks in, votes and speaks
    fault: str = "kill"  # kill | redis | both | none
    fault_at: float = 12.0  # seconds into the discussion
    redis_outage: float = 10.0
    settle_timeout: float = 180.0  # waiting for every participant to catch up at the end
    quiet: bool = False


@dataclasses.dataclass
class Report:
    clients: int = 0
    events: int = 0  # events in the channel log at the end
    deliveries: int = 0  # event frames received, all participants
    expected: int = 0  # event frames that should have been received
    lost: int = 0
    duplicates: int = 0
    out_of_order: int = 0
    unexpected: int = 0  # ids received that the participant may not receive / do not exist
    reloads: int = 0
    reconnects: list[float] = dataclasses.field(default_factory=list)  # seconds each
    reconnected_clients: int = 0
    messages_acked: int = 0
    messages_unacked: int = 0  # no answer (connection lost mid-action): may or may not exist
    messages_missing: int = 0  # acknowledged but not stored
    messages_stored_twice: int = 0
    ballots_acked: int = 0
    action_errors: dict[str, int] = dataclasses.field(default_factory=dict)
    health_down: list[tuple[int, str]] = dataclasses.field(default_factory=list)
    health_after: list[tuple[int, str]] = dataclasses.field(default_factory=list)
    degraded_after_s: float = 0.0  # from stopping Redis to /healthz 503 on both workers
    recovered_after_s: float = 0.0  # from starting Redis to /healthz 200 on both workers
    connect_s: float = 0.0
    run_s: float = 0.0
    settle_s: float = 0.0
    load_average: tuple[float, float, float] = (0.0, 0.0, 0.0)

    @property
    def ok(self) -> bool:
        return not (
            self.lost
            or self.duplicates
            or self.out_of_order
            or self.unexpected
            or self.reloads
            or self.messages_missing
            or self.messages_stored_twice
        )

    def lines(self) -> list[str]:
        rec = sorted(self.reconnects)
        lines = [
            f"participants: {self.clients}; events in the channel: {self.events}; "
            f"connect {self.connect_s:.1f} s, run {self.run_s:.1f} s, catch-up {self.settle_s:.1f} s",
            f"deliveries: {self.deliveries} of {self.expected} expected; lost {self.lost}, "
            f"duplicates {self.duplicates}, out of order {self.out_of_order}, "
            f"unexpected {self.unexpected}, reload frames {self.reloads}",
            f"messages acknowledged {self.messages_acked} (missing in DB {self.messages_missing}, "
            f"stored twice {self.messages_stored_twice}); unanswered {self.messages_unacked}; "
            f"ballots acknowledged {self.ballots_acked}; action errors {self.action_errors}",
        ]
        if rec:
            lines.append(
                f"reconnects: {len(rec)} by {self.reconnected_clients} clients; time to resumed "
                f"p50 {percentile(rec, 0.5):.2f} s, p99 {percentile(rec, 0.99):.2f} s, "
                f"max {rec[-1]:.2f} s"
            )
        if self.health_down or self.health_after:
            lines.append(
                f"/healthz while Redis down: {self.health_down} (after {self.degraded_after_s:.1f} s);"
                f" after restart: {self.health_after} (after {self.recovered_after_s:.1f} s)"
            )
        lines.append(
            "load average (1/5/15 min): " + " ".join(f"{x:.2f}" for x in self.load_average)
        )
        lines.append("RESULT: " + ("ok" if self.ok else "FAILED"))
        return lines


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else 0.0


class Harness:
    def __init__(self, config: Config, servers: tuple[UvicornServer, ...], channel: str) -> None:
        self.config = config
        self.servers = servers
        self.alive = [True] * len(servers)
        self.channel = channel
        self.stopping = False
        self.acked: list[str] = []  # bodies of acknowledged messages

    def log(self, text: str) -> None:
        if not self.config.quiet:
            print(f"[{time.strftime('%H:%M:%S')}] {text}", flush=True)


class Participant:
    """One browser-like client: reconnects with backoff and resumes from its last event id."""

    def __init__(self, harness: Harness, index: int, cookie: str, *, host: bool) -> None:
        self.h = harness
        self.index = index
        self.cookie = cookie
        self.host = host
        self.server = index % len(harness.servers)
        self.ids: list[int] = []
        self.last_id = 0
        self.reloads = 0
        self.reconnects: list[float] = []
        self.ready = asyncio.Event()
        self.ws: ClientConnection | None = None
        self.pending: dict[str, asyncio.Future[Frame]] = {}
        self.refs = itertools.count(1)
        self.task: asyncio.Task[None] | None = None

    async def run(self) -> None:
        attempt = 0
        lost_at: float | None = None
        while not self.h.stopping:
            try:
                ws = await connect(
                    self.h.servers[self.server].ws_url,
                    additional_headers=[("Cookie", self.cookie)],
                    origin=Origin(E2E_ORIGIN),
                    compression=None,
                    open_timeout=60,
                    ping_interval=None,
                    max_size=None,
                )
            except (OSError, InvalidHandshake, TimeoutError):
                await self._backoff(attempt)
                attempt += 1
                continue
            self.ws = ws
            try:
                await ws.send(
                    json.dumps(
                        {"type": "subscribe", "channel": self.h.channel, "last_id": self.last_id}
                    )
                )
                async for raw in ws:
                    frame = json.loads(raw)
                    kind = frame.get("type")
                    if kind == "event" and frame.get("channel") == self.h.channel:
                        self.ids.append(int(frame["id"]))
                        self.last_id = int(frame["id"])
                    elif kind == "subscribed":
                        if lost_at is not None:
                            self.reconnects.append(time.monotonic() - lost_at)
                            lost_at = None
                        attempt = 0
                        self.ready.set()
                    elif kind in {"ack", "error"} and frame.get("ref") in self.pending:
                        future = self.pending.pop(frame["ref"])
                        if not future.done():
                            future.set_result(frame)
                    elif kind == "reload":
                        self.reloads += 1
            except ConnectionClosed:
                pass
            finally:
                self.ready.clear()
                self.ws = None
                for future in self.pending.values():
                    if not future.done():
                        future.set_exception(ConnectionError("connection lost"))
                self.pending.clear()
            if self.h.stopping:
                return
            lost_at = lost_at if lost_at is not None else time.monotonic()
            self._route()
            await self._backoff(attempt)
            attempt += 1

    def _route(self) -> None:
        """What a load balancer with health checks does: send the client to a live worker."""
        if not self.h.alive[self.server]:
            self.server = next(i for i, up in enumerate(self.h.alive) if up)

    async def _backoff(self, attempt: int) -> None:
        # static/js/realtime.js: delay = min(30 s, 0.5 s * 2^attempt), waited delay/2 .. delay.
        delay = min(30.0, 0.5 * 2**attempt)
        await asyncio.sleep(delay / 2 + random.random() * delay / 2)
        self._route()

    async def action(self, name: str, data: Frame, timeout: float = 120) -> Frame | None:
        """Send an action and wait for its ack/error; None when the answer was lost."""
        try:
            await asyncio.wait_for(self.ready.wait(), timeout)
        except TimeoutError:
            return None
        ws = self.ws
        if ws is None:
            return None
        ref = f"a{next(self.refs)}"
        future: asyncio.Future[Frame] = asyncio.get_running_loop().create_future()
        self.pending[ref] = future
        frame = {"type": "action", "channel": self.h.channel, "action": name, "data": data}
        try:
            await ws.send(json.dumps({**frame, "ref": ref}))
            return await asyncio.wait_for(future, timeout)
        except (ConnectionClosed, ConnectionError, TimeoutError):
            return None
        finally:
            self.pending.pop(ref, None)


def seed_branch(env: dict[str, str], prefix: str, voters: int) -> dict[str, Any]:
    """A branch with a secretary and `voters` full members (`tests.e2e.meetings_seed`)."""
    done = subprocess.run(
        [sys.executable, "-m", "tests.e2e.meetings_seed", prefix, str(voters)],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"seeding failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


async def start_plenary(
    server: UvicornServer, cookie: str, branch_id: int, title: str = "支部党员大会（故障演练）"
) -> int:
    """Create, publish and start a branch plenary through the secretary's forms."""
    response = await post_form(
        server.base_url,
        cookie,
        f"/orgs/{branch_id}/meetings",
        {
            "type": "branch_plenary",
            "title": title,
            "scheduled_at": "2099-01-01T09:00",
            "agenda": "讨论接收预备党员",
            "publish": "1",
        },
    )
    if response.status_code != 303:
        raise RuntimeError(f"creating the meeting: {response.status_code} {response.text[:300]}")
    meeting_id = int(response.headers["location"].rsplit("/", 1)[1])
    started = await post_form(server.base_url, cookie, f"/meetings/{meeting_id}/start")
    if started.status_code != 303:
        raise RuntimeError(f"starting the meeting: {started.status_code}")
    return meeting_id


async def _health(server: UvicornServer) -> tuple[int, str]:
    try:
        async with httpx.AsyncClient(timeout=10) as client:
            response = await client.get(server.base_url + "/healthz")
            return response.status_code, str(response.json().get("status"))
    except (httpx.HTTPError, ValueError):
        return 0, "unreachable"


async def _until(condition: Any, timeout: float, what: str) -> float:
    """Poll an async condition; returns the seconds it took (raises on timeout)."""
    started = time.monotonic()
    while not await condition():
        if time.monotonic() - started > timeout:
            raise TimeoutError(f"timed out after {timeout}s waiting for {what}")
        await asyncio.sleep(0.1)
    return time.monotonic() - started


async def run(config: Config, database_url: str | None = None) -> Report:
    """One run on a fresh database (or on `database_url`, already migrated: the e2e fixture)."""
    redis = RedisServer().start()
    url = database_url or new_database_url()
    try:
        env = server_env(
            url,
            redis.url,
            extra={"FORUM_IP_WRITE_LIMIT": "100000000", "FORUM_LOGIN_MAX_FAILURES": "100000"},
        )
        if database_url is None:
            run_cli(env, "migrate")
        return await _run(config, env, redis, url)
    finally:
        redis.stop()
        if database_url is None:
            drop_database(url)


@contextlib.contextmanager
def _booting(*servers: UvicornServer) -> Iterator[tuple[UvicornServer, ...]]:
    """Launch the servers without waiting for them; always stop them at the end."""
    try:
        for server in servers:
            server.launch()
        yield servers
    finally:
        for server in servers:
            server.stop()


async def _run(config: Config, env: dict[str, str], redis: RedisServer, url: str) -> Report:
    report = Report(clients=config.clients)
    prefix = f"f{uuid.uuid4().hex[:6]}"
    started = time.monotonic()
    with _booting(UvicornServer(env), UvicornServer(env)) as servers:
        seed = seed_branch(env, prefix, config.clients)  # while the workers boot
        for server in servers:
            server.wait_ready(60)
        h = Harness(config, servers, "")
        h.log(f"seeded {config.clients} members in {time.monotonic() - started:.1f} s")
        names = [f"{prefix}sec"] + [f"{prefix}v{n}" for n in range(1, config.clients)]
        gate = asyncio.Semaphore(8)

        async def log_in(n: int, name: str) -> str:
            async with gate:
                return await login(servers[n % 2].base_url, name, DEMO_PASSWORD)

        cookies = await asyncio.gather(*(log_in(n, name) for n, name in enumerate(names)))
        meeting_id = await start_plenary(servers[0], cookies[0], seed["branch_id"])
        h.channel = f"meeting:{meeting_id}"
        h.log(f"logged in {len(cookies)} members, meeting {meeting_id} started")

        people = [Participant(h, n, c, host=n == 0) for n, c in enumerate(cookies)]
        t0 = time.monotonic()
        for start in range(0, len(people), 50):  # connect in waves
            wave = people[start : start + 50]
            for p in wave:
                p.task = asyncio.create_task(p.run())
            await asyncio.wait_for(asyncio.gather(*(p.ready.wait() for p in wave)), 300)
        report.connect_s = time.monotonic() - t0
        h.log(f"{len(people)} participants connected and subscribed in {report.connect_s:.1f} s")
        try:
            await _discussion(h, people, seed, redis, report)
            await _settle(h, people, url, meeting_id, report)
        finally:
            h.stopping = True
            for p in people:
                if p.ws is not None:
                    with contextlib.suppress(Exception):
                        await p.ws.close()
            tasks = [p.task for p in people if p.task is not None]
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
    report.load_average = os.getloadavg()
    return report


def _count(report: Report, frame: Frame | None) -> None:
    key = "no answer" if frame is None else str(frame.get("code", frame.get("type")))
    report.action_errors[key] = report.action_errors.get(key, 0) + 1


async def _discussion(
    h: Harness, people: list[Participant], seed: dict[str, Any], redis: RedisServer, report: Report
) -> None:
    config = h.config
    host = people[0]
    active = [p for p in people if p.index % config.active_every == 0]
    checkins = await asyncio.gather(*(p.action("check_in", {}) for p in active))
    for frame in checkins:
        if frame is None or frame["type"] != "ack":
            _count(report, frame)
    created = await host.action(
        "create_vote",
        {"kind": "admission", "title": "接收预备党员", "candidate_id": seed["target_member_id"]},
    )
    if created is None or created["type"] != "ack":
        raise RuntimeError(f"create_vote: {created}")
    vote_id = created["data"]["vote_id"]
    opened = await host.action("open_vote", {"vote_id": vote_id})
    if opened is None or opened["type"] != "ack":
        raise RuntimeError(f"open_vote: {opened}")
    h.log(f"{len(active)} active participants checked in; vote {vote_id} open; discussion starts")

    began = time.monotonic()
    deadline = began + config.duration
    interval = len(active) / config.rate  # each speaker's interval between messages

    async def speak(p: Participant) -> None:
        rng = random.Random(p.index)
        ballot_at = began + rng.uniform(0, config.duration * 0.8)
        voted = False
        next_at = began + rng.uniform(0, interval)
        n = 0
        while True:
            now = time.monotonic()
            if not voted and now >= ballot_at:
                frame = await p.action("cast_ballot", {"vote_id": vote_id, "choice": "yes"})
                if frame is None:  # answer lost: ask again (a duplicate is refused)
                    frame = await p.action("cast_ballot", {"vote_id": vote_id, "choice": "yes"})
                if frame is not None and frame["type"] == "ack":
                    report.ballots_acked += 1
                else:
                    _count(report, frame)
                voted = True
                continue
            if now >= deadline:
                return
            wake = next_at if voted else min(next_at, ballot_at)
            if now < wake:
                await asyncio.sleep(min(wake, deadline) - now)
                continue
            body = f"故障演练 {p.index}-{n}-{uuid.uuid4().hex[:8]}"
            n += 1
            next_at += interval
            frame = await p.action("message", {"body": body})
            if frame is None:
                report.messages_unacked += 1
            elif frame["type"] == "ack":
                h.acked.append(body)
            else:
                _count(report, frame)

    speakers = asyncio.gather(*(speak(p) for p in active))
    await asyncio.sleep(config.fault_at)
    if config.fault in {"redis", "both"}:
        await _redis_outage(h, redis, report)
    if config.fault in {"kill", "both"}:
        victim = h.servers[1]
        assert victim.process is not None
        h.alive[1] = False
        victim.process.kill()  # SIGKILL: no shutdown, sockets die with the process
        h.log(f"worker 2 (pid {victim.process.pid}) killed")
    await speakers
    closed = await host.action("close_vote", {"vote_id": vote_id})
    if closed is None or closed["type"] != "ack":
        _count(report, closed)
    report.run_s = time.monotonic() - began
    report.messages_acked = len(h.acked)
    h.log(f"discussion over: {len(h.acked)} messages acknowledged in {report.run_s:.1f} s")


async def _redis_outage(h: Harness, redis: RedisServer, report: Report) -> None:
    stopped_at = time.monotonic()
    redis.stop()
    h.log("Redis stopped")

    async def both(status: int) -> bool:
        got = await asyncio.gather(*(_health(s) for s in h.servers))
        if status == 503:
            report.health_down = list(got)
        else:
            report.health_after = list(got)
        return all(code == status for code, _ in got)

    report.degraded_after_s = await _until(lambda: both(503), 30, "/healthz 503 on both workers")
    await asyncio.sleep(max(0.0, h.config.redis_outage - (time.monotonic() - stopped_at)))
    if not await both(503):
        raise AssertionError(f"/healthz not degraded during the whole outage: {report.health_down}")
    redis.start()
    h.log(f"Redis started again after {time.monotonic() - stopped_at:.1f} s")
    report.recovered_after_s = await _until(lambda: both(200), 60, "/healthz 200 on both workers")
    h.log(f"/healthz ok on both workers {report.recovered_after_s:.1f} s after the restart")


async def _settle(
    h: Harness, people: list[Participant], url: str, meeting_id: int, report: Report
) -> None:
    conn = await asyncpg.connect(url.replace("postgres://", "postgresql://", 1))
    try:
        rows = await conn.fetch(
            "SELECT seq, audience FROM realtime_channel_events WHERE channel = $1 ORDER BY seq",
            h.channel,
        )
        events = [(int(r["seq"]), bool(json.loads(r["audience"]).get("hosts_only"))) for r in rows]
        report.events = len(events)
        expected_all = [seq for seq, _ in events]
        expected_public = [seq for seq, hosts_only in events if not hosts_only]

        def expected(p: Participant) -> list[int]:
            return expected_all if p.host else expected_public

        async def caught_up() -> bool:
            return all(not expected(p) or p.last_id >= expected(p)[-1] or p.reloads for p in people)

        try:
            report.settle_s = await _until(
                caught_up, h.config.settle_timeout, "every participant to catch up"
            )
        except TimeoutError:
            report.settle_s = h.config.settle_timeout
        for p in people:
            want = expected(p)
            got = p.ids
            report.expected += len(want)
            report.deliveries += len(got)
            report.lost += len(set(want) - set(got))
            report.duplicates += len(got) - len(set(got))
            report.out_of_order += sum(1 for a, b in itertools.pairwise(got) if b <= a)
            report.unexpected += len(set(got) - set(want))
            report.reloads += p.reloads
            report.reconnects += p.reconnects
            report.reconnected_clients += bool(p.reconnects)
        stored = await conn.fetch(
            "SELECT body_raw, COUNT(*) AS n FROM meeting_messages WHERE meeting_id = $1 "
            "GROUP BY body_raw",
            meeting_id,
        )
        counts = {r["body_raw"]: int(r["n"]) for r in stored}
        report.messages_missing = sum(1 for body in h.acked if body not in counts)
        report.messages_stored_twice = sum(1 for n in counts.values() if n > 1)
    finally:
        await conn.close()
