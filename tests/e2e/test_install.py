"""The README's first command as a new user runs it: the built wheel, a fresh virtualenv outside
the checkout, `forum serve --demo` from a folder that is not the checkout.

`pip install -e` (what the rest of the suite uses) reads the checkout itself, so only this test
notices a file that the wheel forgets (the top-level `static/` folder once did).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from forum.seeding import DEMO_PASSWORD
from tests.e2e.test_foundation_cli import ROOT, free_port, wait_until

# What the app reads at run time besides Python modules: every one must be in the wheel.
RUNTIME_FILES = ("static/**/*", "*/templates/**/*", "*/*/templates/**/*")


def clean_env(**extra: str) -> dict[str, str]:
    """A user's environment: no PYTHONPATH or virtualenv of the suite's leaking into pip."""
    drop = {"PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME", "PIP_REQUIRE_VIRTUALENV"}
    env = {k: v for k, v in os.environ.items() if k not in drop and not k.startswith("FORUM_")}
    return {**env, **extra}


@pytest.fixture(scope="module")
def workdir() -> Iterator[Path]:
    # Outside the checkout and outside pytest's tmp folder, like a user's home.
    path = Path(tempfile.mkdtemp(prefix="grassroots-user-"))
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture(scope="module")
def wheel(workdir: Path) -> Path:
    # A clean copy of the tracked files, so nothing a developer left in the checkout
    # (build/, *.egg-info, an untracked file) can make the wheel look complete.
    source = workdir / "source"
    files = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True
    ).stdout.split(b"\0")
    for name in filter(None, files):
        rel = Path(name.decode())
        if (ROOT / rel).is_file():
            (source / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / rel, source / rel)
    dist = workdir / "dist"
    build = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(dist), str(source)],
        capture_output=True,
        text=True,
        timeout=300,
        env=clean_env(),
    )
    assert build.returncode == 0, build.stderr
    (built,) = dist.glob("grassroots-*.whl")
    return built


def test_wheel_carries_every_runtime_file(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        shipped = set(archive.namelist())
    expected: set[str] = set()
    for pattern in RUNTIME_FILES:
        for path in ROOT.glob(pattern):
            if path.is_file() and ".venv" not in path.parts:
                rel = path.relative_to(ROOT).as_posix()
                expected.add("forum/" + rel if rel.startswith("static/") else rel)
    migrations = {
        p.relative_to(ROOT).as_posix()
        for p in ROOT.glob("**/migrations/*.py")
        if ".venv" not in p.parts
    }
    assert len(expected) > 60 and len(migrations) > 10
    assert not (expected | migrations) - shipped


def test_wheel_in_fresh_virtualenv_serves_demo(wheel: Path, workdir: Path) -> None:
    venv = workdir / "venv"
    subprocess.run(
        [sys.executable, "-m", "venv", str(venv)], check=True, timeout=120, env=clean_env()
    )
    install = subprocess.run(
        [venv / "bin" / "pip", "install", "-q", str(wheel)],
        capture_output=True,
        text=True,
        timeout=600,
        env=clean_env(),
    )
    assert install.returncode == 0, install.stderr
    home = workdir / "home"
    home.mkdir()
    port = free_port()
    env = clean_env(PATH=f"{venv / 'bin'}:{os.environ['PATH']}", HOME=str(home))
    log = (workdir / "serve.log").open("wb")
    server = subprocess.Popen(
        [venv / "bin" / "forum", "serve", "--demo", "--port", str(port)],
        cwd=home,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until(lambda: _status(base + "/healthz") == 200 or server.poll() is not None, 180)
        assert server.poll() is None, (workdir / "serve.log").read_text()
        page = httpx.get(base + "/")
        assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
        assert "基层党建交流平台" in page.text
        # Every stylesheet, script and icon sprite the pages name answers with its own bytes.
        pages = [page.text, httpx.get(base + "/forum").text]
        assets = {a for text in pages for a in re.findall(r'(?:href|src)="(/static/[^"?]+)', text)}
        assert any(a.endswith(".css") for a in assets)
        assert "/static/icons/sprite.svg" in assets  # the header's search icon
        for asset in assets | {"/static/css/app.css", "/static/js/realtime.js"}:
            answer = httpx.get(base + asset)
            kind = {".css": "text/css", ".js": "javascript", ".svg": "image/svg+xml"}[
                asset[asset.rindex(".") :]
            ]
            assert answer.status_code == 200 and kind in answer.headers["content-type"], asset
            assert answer.content == (ROOT / asset.removeprefix("/")).read_bytes()
        # The demo data went where a user runs the command, not into the site-packages.
        assert (home / "data" / "forum.sqlite3").is_file()
        # The demo accounts exist: the secretary logs in with the printed password.
        with httpx.Client(base_url=base) as client:
            token = client.get("/api/v1/csrf").json()["csrf_token"]
            form = {"csrf_token": token, "username": "secretary", "password": DEMO_PASSWORD}
            assert client.post("/login", data=form).status_code == 303
            assert client.get("/api/v1/me").json()["username"] == "secretary"
        assert DEMO_PASSWORD in (workdir / "serve.log").read_text()
    finally:
        server.terminate()
        server.wait(30)
        log.close()


def _status(url: str) -> int | None:
    try:
        return httpx.get(url, timeout=5).status_code
    except httpx.HTTPError:
        return None
