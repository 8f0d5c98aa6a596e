"""留党察看 takes the vote away at once on an open meeting socket, across workers (two uvicorn
processes, PostgreSQL, Redis, a real `websockets` client): the secretary records it on
worker A, the member's socket on worker B hears `viewer.changed` with `can_vote: false`
without reconnecting, and `can_vote: true` again when the branch restores the rights."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import asyncpg
import pytest

from tests.e2e.meeting_faults import seed_branch, start_plenary
from tests.e2e.servers import DEMO_PASSWORD, UvicornServer, login, post_form
from tests.e2e.wsclient import WsClient

pytestmark = pytest.mark.e2e


def _viewer_changed(frame: dict[str, Any]) -> bool:
    return frame.get("type") == "notice" and frame.get("event") == "viewer.changed"


async def test_probation_sanction_and_its_end_reach_the_open_meeting_socket(
    server_pair: tuple[UvicornServer, UvicornServer],
    e2e_env: dict[str, str],
    e2e_database_url: str,
) -> None:
    a, b = server_pair
    p = f"d{uuid.uuid4().hex[:6]}"
    seed = seed_branch(e2e_env, p, voters=3)
    sec = await login(a.base_url, f"{p}sec", DEMO_PASSWORD)
    meeting_id = await start_plenary(a, sec, seed["branch_id"])
    channel = f"meeting:{meeting_id}"
    member = await login(b.base_url, f"{p}v1", DEMO_PASSWORD)
    db = await asyncpg.connect(e2e_database_url.replace("postgres://", "postgresql://"))
    try:
        member_id = await db.fetchval(
            "SELECT m.id FROM members m JOIN users u ON u.id = m.user_id WHERE u.username = $1",
            f"{p}v1",
        )
        today = dt.datetime.now(dt.UTC).date()  # never after the server's local day
        async with WsClient.connect(b.ws_url, member) as ws:
            await ws.subscribe(channel, last_id=0)
            recorded = await post_form(
                a.base_url,
                sec,
                f"/members/{member_id}/sanctions",
                {
                    "kind": "probation",
                    "years": "1",
                    "decision_number": "e2e〔2026〕1号",
                    "deciding_body": "支部党员大会",
                    "decided_on": (today - dt.timedelta(days=2)).isoformat(),
                    "approving_body": "党委",
                    "approved_on": (today - dt.timedelta(days=1)).isoformat(),
                    "confirmed": "1",
                },
            )
            assert recorded.status_code == 303, recorded.text[:300]
            notice = await ws.next_frame(_viewer_changed)
            assert notice["data"]["reason"] == "discipline.probation"
            assert notice["data"]["can_vote"] is False
            # Its end, moved back in time: the branch restores the rights.
            sanction_id = await db.fetchval(
                "UPDATE member_sanctions SET starts_on = starts_on - 400, "
                "ends_on = ends_on - 400 WHERE member_id = $1 RETURNING id",
                member_id,
            )
            restored = await post_form(
                a.base_url,
                sec,
                f"/members/sanctions/{sanction_id}/end",
                {
                    "outcome": "restore",
                    "on": today.isoformat(),
                    "decision_number": "e2e〔2027〕1号",
                    "confirmed": "1",
                },
            )
            assert restored.status_code == 303, restored.text[:300]
            notice = await ws.next_frame(_viewer_changed)
            assert notice["data"]["reason"] == "discipline.ended"
            assert notice["data"]["can_vote"] is True
    finally:
        await db.close()
