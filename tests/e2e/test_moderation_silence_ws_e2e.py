"""A silence takes effect at once on an open meeting socket, across workers (two uvicorn
processes, PostgreSQL, Redis, a real `websockets` client): the member's socket on worker B
hears `viewer.changed` with the fresh facts, loses the right to speak and to raise a hand
without reconnecting, and gets it back when the secretary lifts the silence on worker A."""

from __future__ import annotations

import re
import uuid
from typing import Any

import asyncpg
import httpx
import pytest

from tests.e2e.meeting_faults import seed_branch, start_plenary
from tests.e2e.servers import DEMO_PASSWORD, UvicornServer, login, post_form
from tests.e2e.wsclient import WsClient

pytestmark = pytest.mark.e2e


def _ok(frame: dict[str, Any]) -> dict[str, Any]:
    assert frame["type"] == "ack", frame
    return frame["data"]  # type: ignore[no-any-return]


def _viewer_changed(frame: dict[str, Any]) -> bool:
    return frame.get("type") == "notice" and frame.get("event") == "viewer.changed"


async def _sanction_id(server: UvicornServer, cookie: str, username: str) -> int:
    """The running sanction's id, from the lift form on the sanctions page."""
    async with httpx.AsyncClient(
        base_url=server.base_url, headers={"Cookie": cookie}, timeout=10
    ) as client:
        page = (await client.get("/moderation/sanctions")).text
    found = re.search(rf"{re.escape(username)}[\s\S]*?/moderation/sanctions/(\d+)/lift", page)
    assert found, page[:2000]
    return int(found.group(1))


async def test_silence_and_lift_apply_to_the_open_meeting_socket(
    server_pair: tuple[UvicornServer, UvicornServer], e2e_env: dict[str, str]
) -> None:
    a, b = server_pair
    p = f"s{uuid.uuid4().hex[:6]}"
    seed = seed_branch(e2e_env, p, voters=3)
    sec = await login(a.base_url, f"{p}sec", DEMO_PASSWORD)
    meeting_id = await start_plenary(a, sec, seed["branch_id"])
    channel = f"meeting:{meeting_id}"
    member = await login(b.base_url, f"{p}v1", DEMO_PASSWORD)

    async with WsClient.connect(b.ws_url, member) as ws:
        await ws.subscribe(channel, last_id=0)
        _ok(await ws.action(channel, "check_in"))
        _ok(await ws.action(channel, "message", {"body": "会前发言"}))

        silenced = await post_form(
            a.base_url,
            sec,
            "/moderation/sanctions",
            {
                "username": f"{p}v1",
                "kind": "silence",
                "hours": "2",
                "reason": "e2e 禁言",
                "confirmed": "1",
            },
        )
        assert silenced.status_code == 303, silenced.text[:300]
        notice = await ws.next_frame(_viewer_changed)
        assert notice["data"]["reason"] == "sanction.silence"
        assert notice["data"]["silenced"] is True and notice["data"]["can_post"] is False
        # The same socket, no reconnect: speaking and raising a hand are refused now.
        refused = await ws.action(channel, "message", {"body": "禁言后发言"})
        assert refused["type"] == "error" and refused["code"] == "forbidden", refused
        hand = await ws.action(channel, "raise_hand")
        assert hand["type"] == "error" and hand["code"] == "forbidden", hand
        # ... while reading still works: the subscription was kept.
        _ok(await ws.action(channel, "here"))

        sanction_id = await _sanction_id(a, sec, f"{p}v1")
        lifted = await post_form(
            a.base_url, sec, f"/moderation/sanctions/{sanction_id}/lift", {"reason": "已改正"}
        )
        assert lifted.status_code == 303, lifted.text[:300]
        notice = await ws.next_frame(_viewer_changed)
        assert notice["data"]["reason"] == "sanction.lifted"
        assert notice["data"]["silenced"] is False and notice["data"]["can_post"] is True
        number = _ok(await ws.action(channel, "message", {"body": "解除后发言"}))["number"]
        posted = await ws.next_frame(
            lambda f: f.get("event") == "message.posted" and f["data"]["number"] == number
        )
        assert "解除后发言" in posted["data"]["html"]


async def test_a_silence_that_runs_out_unlocks_the_open_socket(
    server_pair: tuple[UvicornServer, UvicornServer],
    e2e_env: dict[str, str],
    e2e_database_url: str,
) -> None:
    """Expiry publishes nothing; the hub's periodic sweep reloads silenced viewers and tells
    the page (`sanction.expired`) once the silence has run out."""
    a, b = server_pair
    p = f"x{uuid.uuid4().hex[:6]}"
    seed = seed_branch(e2e_env, p, voters=2)
    sec = await login(a.base_url, f"{p}sec", DEMO_PASSWORD)
    meeting_id = await start_plenary(a, sec, seed["branch_id"])
    channel = f"meeting:{meeting_id}"
    member = await login(b.base_url, f"{p}v1", DEMO_PASSWORD)
    async with WsClient.connect(b.ws_url, member) as ws:
        await ws.subscribe(channel, last_id=0)
        _ok(await ws.action(channel, "check_in"))
        silenced = await post_form(
            a.base_url,
            sec,
            "/moderation/sanctions",
            {
                "username": f"{p}v1",
                "kind": "silence",
                "hours": "2",
                "reason": "e2e 到期",
                "confirmed": "1",
            },
        )
        assert silenced.status_code == 303, silenced.text[:300]
        assert (await ws.next_frame(_viewer_changed))["data"]["can_post"] is False
        db = await asyncpg.connect(e2e_database_url.replace("postgres://", "postgresql://"))
        try:
            ended = await db.execute(
                "UPDATE moderation_sanctions SET ends_at = now() - interval '1 second' "
                "WHERE user_id = (SELECT id FROM users WHERE username = $1) AND kind = 'silence'",
                f"{p}v1",
            )
        finally:
            await db.close()
        assert ended == "UPDATE 1"
        notice = await ws.next_frame(_viewer_changed)
        assert notice["data"]["reason"] == "sanction.expired"
        assert notice["data"]["silenced"] is False and notice["data"]["can_post"] is True
        _ok(await ws.action(channel, "message", {"body": "到期后发言"}))
