"""The `forum` command and a real uvicorn server, as a new user and an operator run them."""

from __future__ import annotations

import base64
import contextlib
import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

PG_DSN = os.environ.get("TEST_PG_DSN", "postgres://postgres@127.0.0.1:55432")
ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def base_env(data_dir: Path, database_url: str | None = None, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FORUM_")}
    env.update(
        {
            "FORUM_ENV": "development",
            "FORUM_DATA_DIR": str(data_dir),
            "FORUM_PASSWORD_PROFILE": "fast",
            "PYTHONWARNINGS": "ignore",
            **extra,
        }
    )
    if database_url:
        env["FORUM_DATABASE_URL"] = database_url
    return env


def forum(
    env: dict[str, str], *args: str, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "forum.cli", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def wait_until(predicate, timeout: float = 60.0, interval: float = 0.05) -> None:  # type: ignore[no-untyped-def]
    # Generous: in CI four lanes share two cores, and starting uvicorn has taken over 15 s
    # there. The wait ends as soon as the condition holds.
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(interval)
    raise AssertionError("condition not met within timeout")


@pytest.fixture
def pg_database() -> Iterator[str]:
    name = f"cli_{uuid.uuid4().hex[:10]}"
    yield f"{PG_DSN}/{name}"
    subprocess.run(
        [
            "psql",
            "-h",
            "127.0.0.1",
            "-p",
            PG_DSN.rsplit(":", 1)[1],
            "-U",
            "postgres",
            "-qc",
            f"DROP DATABASE IF EXISTS {name}",
        ],
        capture_output=True,
        check=False,
    )


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_migrate_applies_on_empty_database_and_second_run_is_noop(
    tmp_path: Path, backend: str, pg_database: str
) -> None:
    url = None if backend == "sqlite" else pg_database
    env = base_env(tmp_path, url)
    first = forum(env, "migrate")
    assert first.returncode == 0, first.stderr
    assert "forum.0001_initial" in first.stdout
    if backend == "sqlite":
        assert (tmp_path / "forum.sqlite3").exists()
    second = forum(env, "migrate")
    assert second.returncode == 0, second.stderr
    assert "无需迁移" in second.stdout and "已应用迁移" not in second.stdout
    check = forum(env, "check")
    assert check.returncode == 0, check.stdout + check.stderr
    assert "待应用迁移: 无" in check.stdout


def test_demo_is_idempotent_and_prints_accounts(tmp_path: Path) -> None:
    env = base_env(tmp_path)
    assert forum(env, "migrate").returncode == 0
    first = forum(env, "demo")
    assert first.returncode == 0, first.stderr
    assert "演示数据已创建" in first.stdout and "secretary" in first.stdout
    import sqlite3

    def counts() -> tuple[int, ...]:
        with contextlib.closing(sqlite3.connect(tmp_path / "forum.sqlite3")) as conn:
            return tuple(
                conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]  # noqa: S608
                for table in ("orgs", "members", "users", "org_roles")
            )

    before = counts()
    assert before[0] == 21 and 280 <= before[1] <= 340
    second = forum(env, "demo")
    assert "未做任何修改" in second.stdout
    assert counts() == before


def test_dev_mode_generates_secret_and_production_refuses_without_one(tmp_path: Path) -> None:
    env = base_env(tmp_path)
    assert forum(env, "check").returncode in {0, 1}
    assert (tmp_path / "secret_key").exists()
    assert oct((tmp_path / "secret_key").stat().st_mode)[-3:] == "600"
    prod = base_env(tmp_path / "prod", FORUM_ENV="production", FORUM_PASSWORD_PROFILE="default")
    result = forum(prod, "check")
    assert result.returncode == 2
    assert "FORUM_SECRET_KEY" in result.stderr


def test_createadmin_validates_and_creates_site_admin(tmp_path: Path) -> None:
    env = base_env(tmp_path)
    forum(env, "migrate")
    bad = forum(env, "createadmin", "x", "--password", "short")
    assert bad.returncode == 2 and "错误" in bad.stderr
    ok = forum(env, "createadmin", "chief", "--password", "a-long-password")
    assert ok.returncode == 0, ok.stderr
    dup = forum(env, "createadmin", "chief", "--password", "a-long-password")
    assert dup.returncode == 2


def test_workers_without_redis_refused(tmp_path: Path) -> None:
    result = forum(base_env(tmp_path), "serve", "--workers", "2")
    assert result.returncode == 2 and "Redis" in result.stderr


@contextlib.contextmanager
def redis_server(port: int) -> Iterator[subprocess.Popen[bytes]]:
    proc = subprocess.Popen(
        [
            "redis-server",
            "--bind",
            "127.0.0.1",
            "--port",
            str(port),
            "--save",
            "",
            "--appendonly",
            "no",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_until(lambda: _port_open(port))
        yield proc
    finally:
        proc.terminate()
        proc.wait(10)


def _port_open(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


def _status(url: str) -> int | None:
    try:
        return httpx.get(url, timeout=2).status_code
    except httpx.HTTPError:
        return None


def test_healthz_reports_stopped_redis_as_down_while_pages_serve(tmp_path: Path) -> None:
    redis_port, http_port = free_port(), free_port()
    env = base_env(
        tmp_path,
        FORUM_REDIS_URL=f"redis://127.0.0.1:{redis_port}/0",
        FORUM_SECRET_KEY="s" * 40,
        FORUM_ID_NUMBER_KEY=base64.urlsafe_b64encode(b"i" * 32).decode(),
    )
    assert forum(env, "migrate").returncode == 0
    base = f"http://127.0.0.1:{http_port}"
    with redis_server(redis_port) as redis_proc:
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "forum.asgi:app",
                "--host",
                "127.0.0.1",
                "--port",
                str(http_port),
                "--log-level",
                "warning",
            ],
            env=env,
            cwd=ROOT,
        )
        try:
            wait_until(lambda: _status(base + "/healthz") == 200)
            health = httpx.get(base + "/healthz").json()
            assert health["broker"] == {"ok": True, "backend": "redis"}
            redis_proc.terminate()
            redis_proc.wait(10)
            wait_until(lambda: _status(base + "/healthz") == 503)
            body = httpx.get(base + "/healthz").json()
            assert body["broker"]["ok"] is False and body["database"]["ok"] is True
            assert httpx.get(base + "/").status_code == 200
            assert httpx.get(base + "/login").status_code == 200
            # Redis back on the same port: health recovers without restarting the app.
            with redis_server(redis_port):
                wait_until(lambda: _status(base + "/healthz") == 200)
        finally:
            server.terminate()
            server.wait(10)


def test_serve_demo_runs_the_two_command_quickstart(tmp_path: Path) -> None:
    port = free_port()
    env = base_env(tmp_path)
    server = subprocess.Popen(
        [sys.executable, "-m", "forum.cli", "serve", "--demo", "--port", str(port)],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until(lambda: _status(base + "/healthz") == 200, timeout=180)  # seeds the demo first
        health = httpx.get(base + "/healthz").json()
        assert health["database"]["backend"] == "sqlite"
        assert health["broker"]["backend"] == "memory"  # no Redis needed to run it
        with httpx.Client(base_url=base) as c:
            token = c.get("/api/v1/csrf").json()["csrf_token"]
            login = c.post(
                "/login",
                data={
                    "csrf_token": token,
                    "username": "secretary",
                    "password": "demo-password-2026",
                },
            )
            assert login.status_code == 303
            assert "第一党支部书记" in c.get("/me").text
    finally:
        server.terminate()
        out, _ = server.communicate(timeout=10)
    assert "http://127.0.0.1:" in out and "演示账号" in out
