"""Browser tests: Debian's Chromium driven by Playwright against a real uvicorn server.

The server runs in its own process on a migrated temporary SQLite database seeded with the
demo data (`forum demo`), so tests log in with the printed demo accounts.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import expect

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
# The live server's environment (its FORUM_DATA_DIR): tests that seed its database directly
# run `python -m ...` subprocesses with it.
LIVE_ENV: dict[str, str] = {}
# CI runs its four lanes at once on two cores: a websocket handshake or a page of hundreds of
# rows can take longer than Playwright's default 5 s. Waits still end as soon as the condition
# holds; only a failure takes the whole timeout.
expect.set_options(timeout=20_000)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    return {
        **browser_type_launch_args,
        "executable_path": "/usr/bin/chromium",
        "args": CHROMIUM_ARGS,
    }


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def demo_env(data: Path, port: int, **settings: str) -> dict[str, str]:
    """A server environment on its own data folder (SQLite), with `settings` on top."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("FORUM_")}
    env.update(
        {
            "FORUM_DATA_DIR": str(data),
            "FORUM_PASSWORD_PROFILE": "fast",
            "FORUM_ALLOWED_ORIGINS": f"http://127.0.0.1:{port}",
            "PYTHONWARNINGS": "ignore",
            # The XSS suites seed thousands of items from one loopback address; the per-IP
            # limit itself is tested in tests/integration/test_moderation_*.
            "FORUM_IP_WRITE_LIMIT": "1000000",
            **settings,
        }
    )
    return env


def serve_demo(env: dict[str, str], port: int) -> Iterator[str]:
    """Migrate and seed the demo into `env`'s database, serve it with uvicorn on `port`, and
    yield its base URL until the caller's fixture ends."""
    for command in (["migrate"], ["demo"]):
        subprocess.run(
            [sys.executable, "-m", "forum.cli", *command],
            env=env,
            cwd=ROOT,
            check=True,
            capture_output=True,
        )
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "forum.asgi:app", "--host", "127.0.0.1",
         "--port", str(port), "--log-level", "warning"],
        env=env,
        cwd=ROOT,
    )  # fmt: skip
    try:
        # Generous: four lanes share two cores in CI; the wait ends as soon as it answers.
        deadline = time.monotonic() + 90
        while server.poll() is None and time.monotonic() < deadline:
            try:
                if httpx.get(base + "/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.05)
        else:
            raise RuntimeError(f"the demo server on port {port} did not start")
        yield base
    finally:
        server.terminate()
        server.wait(10)


# New-member safety and cooldowns off: tests post as fresh accounts quickly (the moderation
# tests exercise them with their own settings).
QUICK_POSTING = {
    "FORUM_NEW_ACCOUNT_DAYS": "0",
    "FORUM_NEW_ACCOUNT_MIN_POSTS": "0",
    "FORUM_POST_COOLDOWN_SECONDS": "0",
    "FORUM_NEW_ACCOUNT_POST_COOLDOWN_SECONDS": "0",
}


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    data = tmp_path_factory.mktemp("browser-data")
    port = _free_port()
    env = demo_env(data, port, **QUICK_POSTING)
    LIVE_ENV.update(env)
    yield from serve_demo(env, port)


def login(page: Any, base: str, username: str, password: str = "demo-password-2026") -> None:
    page.goto(base + "/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/login" not in url)
