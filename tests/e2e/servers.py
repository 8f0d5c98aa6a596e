"""Reusable e2e plumbing: real uvicorn processes, a private redis-server, HTTP login.

Everything here is synchronous process management plus small async HTTP helpers, so any
part's e2e tests can use it (see `tests/e2e/conftest.py` for the fixtures built on it):

- `free_port()`; `wait_for(condition, timeout, what)` / `async_wait_for(...)`: poll a
  condition with a deadline (never a fixed sleep).
- `server_env(database_url, redis_url, ...)`: a clean environment for a server process
  (FORUM_ENV=test, fast passwords, the e2e origin allowed, a unique Redis prefix).
- `run_cli(env, "migrate")`, `run_cli(env, "demo")`, `create_admin(env, name, pw)`.
- `UvicornServer(env, workers=1).start()` / `.stop()`: `python -m uvicorn forum.asgi:app`
  on a free port; `base_url`, `ws_url`, `log()` (its output, for failure messages).
  `with running(UvicornServer(env), UvicornServer(env)) as (a, b):` starts several in
  parallel and always stops them.
- `RedisServer().start()` / `.stop()` / `.start()` again on the same port (outage tests).
- `register(base_url, user, pw)`, `login(base_url, user, pw) -> cookie header` (demo
  accounts seeded by `run_cli(env, "demo")` log in with `DEMO_PASSWORD`),
  `post_form(base_url, cookie, path, data)` (adds the CSRF token like a browser).
- `drop_database(url)`: drop a PostgreSQL test database (connections forced closed).
"""

from __future__ import annotations

import asyncio
import atexit
import base64
import contextlib
import os
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import IO, Any

import httpx

from forum.seeding import DEMO_PASSWORD

ROOT = Path(__file__).resolve().parents[2]
E2E_ORIGIN = "http://e2e.grassroots.test"
SESSION_COOKIE = "grassroots_session"
__all__ = ["DEMO_PASSWORD"]  # re-exported for tests that log in as demo accounts
PASSWORD = "e2e-password-2026"
PG_DSN = os.environ.get("TEST_PG_DSN", "postgres://postgres@127.0.0.1:55432")
SHARED_REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6390/0")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for(condition: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(0.02)


async def async_wait_for(
    condition: Callable[[], Awaitable[bool]], timeout: float, what: str
) -> None:
    deadline = time.monotonic() + timeout
    while not await condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out after {timeout}s waiting for {what}")
        await asyncio.sleep(0.05)


def new_database_url() -> str:
    return f"{PG_DSN}/e2e_{uuid.uuid4().hex[:12]}"


_templates: dict[str, str] = {}


def clone_database_url(*setup: str) -> str:
    """A fresh database in the state `forum <cmd>` for each of `setup` leaves (e.g. "migrate",
    "demo"), cloned with `CREATE DATABASE ... TEMPLATE` from a template built once per test
    process: the migrations cost ~12 s of CPU each time, a clone under a second. Templates
    are dropped when the process exits. (`test_foundation_cli` still runs `migrate` on empty
    databases itself: that is what it tests.)"""
    key = " ".join(setup)
    template = _templates.get(key)
    if template is None:
        template = new_database_url()
        env = server_env(template, None)
        for command in setup:
            run_cli(env, command)
        _templates[key] = template
        atexit.register(drop_database, template)
    url = new_database_url()
    base, _, name = url.rpartition("/")
    subprocess.run(
        [
            "psql",
            f"{base}/postgres".replace("postgres://", "postgresql://", 1),
            "-qc",
            f'CREATE DATABASE "{name}" TEMPLATE "{template.rpartition("/")[2]}"',
        ],
        capture_output=True,
        timeout=60,
        check=True,
    )
    return url


def server_env(
    database_url: str,
    redis_url: str | None = SHARED_REDIS_URL,
    *,
    redis_prefix: str | None = None,
    extra: dict[str, str] | None = None,
) -> dict[str, str]:
    """The environment of a server/CLI process: no FORUM_* leaks from the test process."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("FORUM_")}
    env.update(
        {
            "FORUM_ENV": "test",
            "FORUM_DATA_DIR": tempfile.mkdtemp(prefix="grassroots-e2e-"),
            "FORUM_DATABASE_URL": database_url,
            "FORUM_REDIS_PREFIX": redis_prefix or f"e2e-{uuid.uuid4().hex[:10]}",
            "FORUM_SECRET_KEY": "e2e-secret-key-" + "y" * 40,
            "FORUM_ID_NUMBER_KEY": base64.urlsafe_b64encode(b"e" * 32).decode(),
            "FORUM_PASSWORD_PROFILE": "fast",
            "FORUM_ALLOWED_ORIGINS": E2E_ORIGIN,
            "FORUM_LOG_LEVEL": "warning",
            "PYTHONUNBUFFERED": "1",
            # New-member safety and cooldowns off: tests post as fresh accounts quickly
            # (the moderation tests exercise them with their own settings).
            "FORUM_NEW_ACCOUNT_DAYS": "0",
            "FORUM_NEW_ACCOUNT_MIN_POSTS": "0",
            "FORUM_POST_COOLDOWN_SECONDS": "0",
            "FORUM_NEW_ACCOUNT_POST_COOLDOWN_SECONDS": "0",
            # Open sockets re-check their sessions every second (30 s in production).
            "FORUM_WS_SESSION_CHECK_SECONDS": "1",
        }
    )
    if redis_url:
        env["FORUM_REDIS_URL"] = redis_url
    env.update(extra or {})
    return env


def run_cli(env: dict[str, str], *args: str, timeout: float = 120) -> str:
    """Run `python -m forum.cli ARGS` with `env`; returns its output, raises on failure."""
    done = subprocess.run(
        [sys.executable, "-m", "forum.cli", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"forum {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def create_admin(env: dict[str, str], username: str, password: str = PASSWORD) -> None:
    run_cli(env, "createadmin", username, "--password", password)


def drop_database(database_url: str) -> None:
    base, _, name = database_url.rpartition("/")
    subprocess.run(
        ["psql", f"{base}/postgres", "-qc", f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'],
        capture_output=True,
        timeout=30,
        check=False,
    )


class UvicornServer:
    """`python -m uvicorn forum.asgi:app` on a free loopback port, with its own env."""

    def __init__(
        self,
        env: dict[str, str],
        *,
        workers: int = 1,
        ws_max_size: int | None = 64 * 1024,
        args: tuple[str, ...] = (),
    ) -> None:
        self.env = env
        self.workers = workers
        self.ws_max_size = ws_max_size
        self.args = args
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/ws"

    def launch(self) -> UvicornServer:
        """Start the process without waiting (see `wait_ready`)."""
        command = [
            sys.executable, "-m", "uvicorn", "forum.asgi:app",
            "--host", "127.0.0.1", "--port", str(self.port),
            "--workers", str(self.workers), "--log-level", "warning", "--no-access-log",
        ]  # fmt: skip
        if self.ws_max_size is not None:
            command += ["--ws-max-size", str(self.ws_max_size)]
        self._log = tempfile.TemporaryFile()  # noqa: SIM115 - read by log() after stop()
        self.process = subprocess.Popen(
            [*command, *self.args], env=self.env, cwd=ROOT, stdout=self._log, stderr=self._log
        )
        return self

    def wait_ready(self, timeout: float = 90) -> UvicornServer:
        def ready() -> bool:
            if self.process is not None and self.process.poll() is not None:
                raise RuntimeError(f"uvicorn exited early:\n{self.log()}")
            try:
                httpx.get(self.base_url + "/healthz", timeout=1)
            except httpx.HTTPError:
                return False
            return True

        wait_for(ready, timeout, f"uvicorn on port {self.port}")
        return self

    def start(self, timeout: float = 90) -> UvicornServer:
        return self.launch().wait_ready(timeout)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)
        self.process = None

    def log(self) -> str:
        if self._log is None:
            return ""
        self._log.seek(0)
        return self._log.read().decode(errors="replace")[-6000:]

    async def health(self) -> int:
        async with httpx.AsyncClient(timeout=5) as client:
            return (await client.get(self.base_url + "/healthz")).status_code


@contextlib.contextmanager
def running(*servers: UvicornServer) -> Iterator[tuple[UvicornServer, ...]]:
    """Start the servers in parallel, yield them, and stop them whatever happens."""
    try:
        for server in servers:
            server.launch()
        for server in servers:
            server.wait_ready()
        yield servers
    finally:
        for server in servers:
            server.stop()


class RedisServer:
    """A private `redis-server` (no persistence) that tests may stop and start again."""

    def __init__(self, port: int | None = None) -> None:
        self.port = port or free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self, timeout: float = 10) -> RedisServer:
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--daemonize",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for(self.ping, timeout, f"redis-server on port {self.port}")
        return self

    def ping(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)
        self.process = None


def _cookie_header(client: httpx.AsyncClient) -> str:
    value = client.cookies.get(SESSION_COOKIE)
    if not value:
        raise AssertionError("no session cookie was set")
    return f"{SESSION_COOKIE}={value}"


async def _form(client: httpx.AsyncClient, path: str, data: dict[str, Any]) -> httpx.Response:
    token = (await client.get("/api/v1/csrf")).json()["csrf_token"]
    return await client.post(path, data={"csrf_token": token, **data})


async def register(base_url: str, username: str, password: str = PASSWORD) -> None:
    """Create an ordinary account through the public registration form."""
    async with httpx.AsyncClient(base_url=base_url, timeout=10) as client:
        response = await _form(
            client,
            "/register",
            {
                "username": username,
                "display_name": username,
                "password": password,
                "password_confirm": password,
            },
        )
        assert response.status_code == 303, response.text[:500]


async def login(base_url: str, username: str, password: str = PASSWORD) -> str:
    """Log in like a browser; returns the `Cookie` header value (session + CSRF token)."""
    async with httpx.AsyncClient(base_url=base_url, timeout=10) as client:
        response = await _form(client, "/login", {"username": username, "password": password})
        assert response.status_code == 303, response.text[:500]
        await client.get("/api/v1/csrf")  # store the new session's CSRF token in the cookie
        return _cookie_header(client)


async def post_form(
    base_url: str, cookie: str, path: str, data: dict[str, Any] | None = None
) -> httpx.Response:
    """POST a form with the session's CSRF token (as a page of that session would)."""
    headers = {"Cookie": cookie}
    async with httpx.AsyncClient(base_url=base_url, headers=headers, timeout=10) as client:
        return await _form(client, path, data or {})
