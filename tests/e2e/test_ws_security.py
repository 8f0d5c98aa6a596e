"""Websocket limits that an attacker probes first: compression bombs, logout, expiry."""

from __future__ import annotations

import asyncio
import uuid

import asyncpg
import httpx
import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed
from websockets.typing import Origin

from tests.e2e.servers import E2E_ORIGIN, UvicornServer, login, register

pytestmark = pytest.mark.e2e


async def _cookie(server: UvicornServer) -> str:
    username = f"sec{uuid.uuid4().hex[:8]}"
    await register(server.base_url, username)
    return await login(server.base_url, username)


async def test_compression_bomb_is_refused(
    server_pair: tuple[UvicornServer, UvicornServer],
) -> None:
    server = server_pair[0]
    cookie = await _cookie(server)
    async with connect(
        server.ws_url,
        origin=Origin(E2E_ORIGIN),
        additional_headers={"Cookie": cookie},
        compression="deflate",
        max_size=None,
    ) as ws:
        assert ws.protocol.extensions, "the server negotiated permessage-deflate"
        bomb = '"' + "a" * (8 * 1024 * 1024) + '"'  # 8 MB that deflates to a few KB
        with pytest.raises(ConnectionClosed) as closed:
            await ws.send(bomb)
            await ws.recv()
        assert closed.value.rcvd is not None and closed.value.rcvd.code == 1009


async def test_logout_closes_the_socket(server_pair: tuple[UvicornServer, UvicornServer]) -> None:
    server = server_pair[0]
    username = f"out{uuid.uuid4().hex[:8]}"
    await register(server.base_url, username)
    cookie = await login(server.base_url, username)
    async with connect(
        server.ws_url, origin=Origin(E2E_ORIGIN), additional_headers={"Cookie": cookie}
    ) as ws:
        async with httpx.AsyncClient(
            base_url=server.base_url, headers={"Cookie": cookie}
        ) as client:
            token = (await client.get("/api/v1/csrf")).json()["csrf_token"]
            assert (await client.post("/logout", data={"csrf_token": token})).status_code == 303
        with pytest.raises(ConnectionClosed) as closed:
            while True:
                await ws.recv()
        assert closed.value.rcvd is not None and closed.value.rcvd.code == 4401


async def test_expired_session_closes_the_socket(
    server_pair: tuple[UvicornServer, UvicornServer], e2e_database_url: str
) -> None:
    """Expiry publishes nothing (unlike logout): the hub's periodic session check closes
    the socket once the session lapses, on an idle connection too."""
    server = server_pair[1]
    username = f"exp{uuid.uuid4().hex[:8]}"
    await register(server.base_url, username)
    cookie = await login(server.base_url, username)
    async with connect(
        server.ws_url, origin=Origin(E2E_ORIGIN), additional_headers={"Cookie": cookie}
    ) as ws:
        await ws.send('{"type": "ping", "ref": "p"}')
        assert "pong" in str(await asyncio.wait_for(ws.recv(), 10))
        db = await asyncpg.connect(e2e_database_url.replace("postgres://", "postgresql://"))
        try:
            expired = await db.execute(
                "UPDATE auth_sessions SET expires_at = now() - interval '1 second' "
                "WHERE user_id = (SELECT id FROM users WHERE username = $1)",
                username,
            )
        finally:
            await db.close()
        assert expired != "UPDATE 0"  # registration and login each made a session
        with pytest.raises(ConnectionClosed) as closed:
            await asyncio.wait_for(ws.recv(), 15)
        assert closed.value.rcvd is not None and closed.value.rcvd.code == 4401
