"""Sanctions take effect at once on open websockets, across workers (uvicorn, PostgreSQL,
Redis): a suspended member's socket on worker A closes when a moderator acts on worker B."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from tests.e2e.servers import DEMO_PASSWORD, UvicornServer, login, post_form, running
from tests.e2e.wsclient import WsClient

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def workers(e2e_demo_env: dict[str, str]) -> Iterator[tuple[UvicornServer, UvicornServer]]:
    with running(UvicornServer(e2e_demo_env), UvicornServer(e2e_demo_env)) as (a, b):
        yield a, b


async def _try_login(base_url: str, username: str) -> httpx.Response:
    async with httpx.AsyncClient(base_url=base_url, timeout=10) as client:
        token = (await client.get("/api/v1/csrf")).json()["csrf_token"]
        return await client.post(
            "/login", data={"csrf_token": token, "username": username, "password": DEMO_PASSWORD}
        )


async def test_suspension_closes_open_socket_on_another_worker_and_refuses_login(
    workers: tuple[UvicornServer, UvicornServer],
) -> None:
    a, b = workers
    member = await login(a.base_url, "full_member", DEMO_PASSWORD)
    moderator = await login(b.base_url, "moderator", DEMO_PASSWORD)
    async with WsClient.connect(a.ws_url, member) as ws:
        assert (await ws.action("echo:1", "whoami"))["type"] == "ack"
        response = await post_form(
            b.base_url,
            moderator,
            "/moderation/sanctions",
            {
                "username": "full_member",
                "kind": "suspend",
                "days": "1",
                "reason": "e2e 封禁",
                "confirmed": "1",
            },
        )
        assert response.status_code == 303, response.text[:300]
        assert await ws.closed_with() == 4401  # its session was revoked
    async with WsClient.connect(a.ws_url, member) as again:
        assert await again.closed_with() == 4401
    refused = await _try_login(a.base_url, "full_member")
    assert refused.status_code == 403 and "封禁" in refused.text


async def test_silence_keeps_socket_open_and_delivers_the_notice(
    workers: tuple[UvicornServer, UvicornServer],
) -> None:
    a, b = workers
    member = await login(a.base_url, "probationary", DEMO_PASSWORD)
    moderator = await login(b.base_url, "moderator", DEMO_PASSWORD)
    async with WsClient.connect(a.ws_url, member) as ws:
        assert (await ws.action("echo:1", "whoami"))["type"] == "ack"
        response = await post_form(
            b.base_url,
            moderator,
            "/moderation/sanctions",
            {
                "username": "probationary",
                "kind": "silence",
                "hours": "2",
                "reason": "e2e 禁言",
                "confirmed": "1",
            },
        )
        assert response.status_code == 303, response.text[:300]
        notice = await ws.next_frame(lambda f: f["type"] == "notice")
        assert notice["event"] == "notification.created"
        assert "禁言" in notice["data"]["title"]
        # Still connected and still the same viewer after the `viewer.changed` reload.
        assert (await ws.action("echo:1", "whoami"))["type"] == "ack"
