"""PostgreSQL restarts under a running app: fast 503s while down (single requests and a
concurrent burst), recovery without a restart."""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.e2e.test_foundation_cli import ROOT, base_env, free_port, wait_until

PG_BIN = (
    sorted(Path("/usr/lib/postgresql").glob("*/bin"))[-1]
    if Path("/usr/lib/postgresql").exists()
    else None
)


def _pg(cmd: str) -> None:
    subprocess.run(
        ["su", "postgres", "-s", "/bin/sh", "-c", cmd], check=True, capture_output=True, timeout=60
    )


@contextlib.contextmanager
def private_postgres(port: int) -> Iterator[Path]:
    """A throwaway cluster owned by `postgres` on its own port (stopped and removed after)."""
    assert PG_BIN is not None, (
        "PostgreSQL server binaries are required (scripts/test installs them)"
    )
    root = Path(tempfile.mkdtemp(prefix="pgfault-", dir="/tmp"))
    shutil.chown(root, "postgres", "postgres")
    data = root / "data"
    _pg(f"{PG_BIN}/initdb -D {data} -U postgres -A trust -E UTF8 --locale=C.UTF-8")
    try:
        yield data
    finally:
        subprocess.run(
            [
                "su",
                "postgres",
                "-s",
                "/bin/sh",
                "-c",
                f"{PG_BIN}/pg_ctl -D {data} -m immediate -w stop",
            ],
            capture_output=True,
            check=False,
        )
        shutil.rmtree(root, ignore_errors=True)


def start_pg(data: Path, port: int) -> None:
    _pg(
        f"{PG_BIN}/pg_ctl -D {data} -l {data}/../log -w -t 30 -o '-c listen_addresses=127.0.0.1 -p {port} -k {data}/.. -c fsync=off' start"
    )


def stop_pg(data: Path) -> None:
    _pg(f"{PG_BIN}/pg_ctl -D {data} -m fast -w stop")


def test_requests_fail_fast_with_503_while_postgres_is_down_and_recover(tmp_path: Path) -> None:
    if os.geteuid() != 0:
        pytest.fail(
            "this test manages a PostgreSQL cluster with `su postgres` and must run as root"
        )
    pg_port, http_port = free_port(), free_port()
    with private_postgres(pg_port) as data:
        start_pg(data, pg_port)
        env = base_env(tmp_path, f"postgres://postgres@127.0.0.1:{pg_port}/faults")
        migrate = subprocess.run(
            [sys.executable, "-m", "forum.cli", "migrate"],
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert migrate.returncode == 0, migrate.stderr
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
                "critical",
            ],
            env=env,
            cwd=ROOT,
        )
        base = f"http://127.0.0.1:{http_port}"
        try:
            wait_until(lambda: _get(base + "/orgs") == 200)
            assert _burst(base, 30) == [200] * 30  # under a burst of concurrent requests
            stop_pg(data)
            for path in ["/orgs", "/healthz", "/api/v1/orgs"]:
                started = time.monotonic()
                assert _get(base + path) == 503, path
                assert time.monotonic() - started < 5, f"{path} did not fail fast"
            down = httpx.get(base + "/api/v1/orgs", timeout=10)
            assert down.json()["status"] == 503 and down.headers["retry-after"] == "5"
            started = time.monotonic()
            assert _burst(base, 30) == [503] * 30  # a burst fails fast too, nothing hangs
            assert time.monotonic() - started < 10, "the burst did not fail fast"
            start_pg(data, pg_port)
            wait_until(lambda: _get(base + "/orgs") == 200, timeout=30)
            assert _get(base + "/healthz") == 200
            assert _get(base + "/api/v1/orgs") == 200
            assert _burst(base, 30) == [200] * 30
            assert server.poll() is None  # recovered without restarting the app
        finally:
            server.terminate()
            server.wait(10)


def _get(url: str) -> int | None:
    try:
        return httpx.get(url, timeout=10).status_code
    except httpx.HTTPError:
        return None


def _burst(base: str, n: int) -> list[int]:
    """`n` concurrent requests over the pages and the API; their status codes."""
    paths = ["/orgs", "/api/v1/orgs", "/"]

    async def burst() -> list[int]:
        async with httpx.AsyncClient(base_url=base, timeout=30) as client:
            responses = await asyncio.gather(*(client.get(paths[i % 3]) for i in range(n)))
        return [r.status_code for r in responses]

    return asyncio.run(burst())
