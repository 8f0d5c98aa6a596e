"""The shared browser client `static/js/realtime.js` in Chromium against two real workers.

The page's socket is on worker A; another client writes through worker B. Worker A is then
restarted while B keeps writing: the page reconnects by itself and gets exactly the missed
events, in order.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from websockets.sync.client import connect

from tests.e2e.servers import (
    PASSWORD,
    SESSION_COOKIE,
    UvicornServer,
    create_admin,
    drop_database,
    new_database_url,
    run_cli,
    running,
    server_env,
)

USERNAME = "rtbrowser"


@pytest.fixture(scope="module")
def workers() -> Iterator[tuple[UvicornServer, UvicornServer]]:
    url = new_database_url()
    env = server_env(url)
    run_cli(env, "migrate")
    create_admin(env, USERNAME)
    a, b = UvicornServer(env), UvicornServer(env)
    env["FORUM_ALLOWED_ORIGINS"] = f"{a.base_url},{b.base_url}"
    try:
        with running(a, b):
            yield a, b
    finally:
        drop_database(url)


def _login_cookie(base_url: str) -> str:
    with httpx.Client(base_url=base_url, timeout=10) as client:
        token = client.get("/api/v1/csrf").json()["csrf_token"]
        response = client.post(
            "/login", data={"csrf_token": token, "username": USERNAME, "password": PASSWORD}
        )
        assert response.status_code == 303
        return f"{SESSION_COOKIE}={client.cookies[SESSION_COOKIE]}"


def _emit(ws: Any, channel: str, count: int) -> list[int]:
    ws.send(json.dumps({"type": "action", "channel": channel, "action": "emit",
                        "data": {"count": count}, "ref": "w"}))  # fmt: skip
    while True:
        frame = json.loads(ws.recv(timeout=10))
        if frame.get("ref") == "w":
            assert frame["type"] == "ack", frame
            return list(frame["data"]["ids"])


def test_page_client_receives_in_order_and_resumes_after_a_worker_restart(
    page: Any, workers: tuple[UvicornServer, UvicornServer]
) -> None:
    a, b = workers
    channel = f"echo:{uuid.uuid4().int % 900000 + 1}"
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(a.base_url + "/login")
    page.fill("input[name=username]", USERNAME)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/login" not in url)
    page.add_script_tag(url=a.base_url + "/static/js/realtime.js")
    page.evaluate(
        """channel => {
            window.__events = [];
            // The page's bell may have opened the shared socket already.
            window.__states = [GrassrootsRealtime.state()];
            document.addEventListener("realtime:state", e => window.__states.push(e.detail));
            GrassrootsRealtime.subscribe(channel, {
                lastId: 0,
                onEvent: frame => window.__events.push([frame.id, frame.data.n]),
            });
        }""",
        channel,
    )
    page.wait_for_function("() => window.__states.includes('open')")
    ack = page.evaluate("ch => GrassrootsRealtime.action(ch, 'emit', {count: 2})", channel)
    assert ack == {"ids": [1, 2]}
    refused = page.evaluate(
        "ch => GrassrootsRealtime.action(ch, 'fail', {code: 'forbidden'}).catch(f => f.code)",
        channel,
    )
    assert refused == "forbidden"
    page.wait_for_function("() => window.__events.length === 2")

    with connect(
        b.ws_url, origin=b.base_url, additional_headers={"Cookie": _login_cookie(b.base_url)}
    ) as other:
        assert _emit(other, channel, 1) == [3]
        page.wait_for_function("() => window.__events.length === 3")
        a.stop()  # worker A restarts (deploy); B keeps accepting writes
        page.wait_for_function("() => window.__states.includes('closed')")
        assert _emit(other, channel, 3) == [4, 5, 6]
        a.start()
        page.wait_for_function("() => window.__events.length >= 6", timeout=30000)
        assert _emit(other, channel, 1) == [7]
        page.wait_for_function("() => window.__events.length >= 7")

    assert page.evaluate("() => window.__events") == [
        [1, 0], [2, 1], [3, 0], [4, 0], [5, 1], [6, 2], [7, 0]
    ]  # fmt: skip
    assert page.evaluate(f"() => GrassrootsRealtime.lastId('{channel}')") == 7
    assert errors == []
