"""Seeding and meeting start for `bench/meetings_ws_bench.py` (kept out of its client processes)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from tests.e2e.servers import UvicornServer, post_form


def seed(env: dict[str, str], prefix: str, accounts: int, root: Path) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, "-m", "tests.e2e.meetings_seed", prefix, str(accounts)],
        env=env,
        cwd=root,
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
        {"type": "theme_day", "title": "压测会议", "scheduled_at": "2099-01-01T09:00",
         "publish": "1"},
    )  # fmt: skip
    meeting_id = int(response.headers["location"].rsplit("/", 1)[1])
    await post_form(server.base_url, cookie, f"/meetings/{meeting_id}/start")
    return meeting_id
