"""Finding 13 of the outside attack (issue 14): the login throttle slows guessing but is no
denial of service. The rule itself is tabled in tests/unit/test_login_throttle.py."""

from __future__ import annotations

import asyncio
import dataclasses
import time
import uuid
from collections.abc import Iterator

import pytest
import redis.asyncio as aioredis

from forum.accounts import actions, throttle
from forum.models import AuthSession
from forum.ratelimit import RedisCounter
from forum.settings import get_settings
from tests.conftest import REDIS_URL
from tests.factories import make_user
from tests.helpers import Client

GOOD = "demo-password-2026"


async def _fail(client: Client, username: str, times: int) -> None:
    for _ in range(times):
        response = await client.post_form("/login", {"username": username, "password": "nope"})
        assert response.status_code == 400, response.status_code


async def test_sixth_failure_waits_30_seconds_shown_on_the_form_with_username_kept(
    client: Client,
) -> None:
    await make_user("liu")
    await _fail(client, "liu", 5)
    response = await client.post_form("/login", {"username": "liu", "password": GOOD})
    assert response.status_code == 429
    assert 25 <= int(response.headers["Retry-After"]) <= 30
    assert "登录失败次数过多" in response.text and "秒后再试" in response.text
    # The form itself, not an error page: username kept, password field there.
    assert 'value="liu"' in response.text and 'name="password"' in response.text
    assert await AuthSession.all().count() == 0


async def test_owner_on_a_known_device_logs_in_while_the_account_is_attacked(
    client: Client, other_client: Client
) -> None:
    await make_user("ma")
    login = await client.login("ma")
    cookie = login.headers["set-cookie"].lower()
    assert "grassroots_device=" in cookie and "path=/login" in cookie and "httponly" in cookie
    await client.logout()
    # The attacker (another browser, same office address) guesses and is slowed down.
    await _fail(other_client, "ma", 5)
    assert (
        await other_client.post_form("/login", {"username": "ma", "password": GOOD})
    ).status_code == 429
    # The owner's browser is not.
    assert (
        await client.post_form("/login", {"username": "ma", "password": GOOD})
    ).status_code == 303


async def test_known_device_is_exempt_only_for_its_own_account_and_own_failures(
    client: Client, other_client: Client
) -> None:
    await make_user("niu")
    await make_user("ou")
    await client.login("niu")
    await client.logout()
    await _fail(other_client, "ou", 5)
    # niu's device token does nothing for the account ou.
    blocked = await client.post_form("/login", {"username": "ou", "password": GOOD})
    assert blocked.status_code == 429
    # Five failures from the known device itself: it is treated like any browser.
    await _fail(client, "niu", 5)
    response = await client.post_form("/login", {"username": "niu", "password": GOOD})
    assert response.status_code == 429


async def test_tampered_device_cookie_is_ignored(client: Client, other_client: Client) -> None:
    await make_user("pan")
    await client.login("pan")
    await client.logout()
    (device,) = [c for c in client.http.cookies.jar if c.name == throttle.DEVICE_COOKIE]
    assert device.value is not None
    await _fail(other_client, "pan", 5)
    genuine = device.value
    device.value = genuine[:-1] + ("0" if genuine[-1] != "0" else "1")
    assert (
        await client.post_form("/login", {"username": "pan", "password": GOOD})
    ).status_code == 429
    device.value = genuine
    assert (
        await client.post_form("/login", {"username": "pan", "password": GOOD})
    ).status_code == 303


async def test_ip_limit_spares_known_devices(client: Client, other_client: Client) -> None:
    await make_user("qiu")
    await client.login("qiu")
    await client.logout()
    for n in range(100):
        await other_client.post_form("/login", {"username": f"nobody{n}", "password": "x"})
    refused = await other_client.post_form("/login", {"username": "qiu", "password": GOOD})
    assert refused.status_code == 429 and "该网络" in refused.text
    assert (
        await client.post_form("/login", {"username": "qiu", "password": GOOD})
    ).status_code == 303


@pytest.fixture
def one_second_delay(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    quick = dataclasses.replace(get_settings(), login_delay_seconds=1)
    monkeypatch.setattr(actions, "get_settings", lambda: quick)
    yield


async def test_the_wait_ends_and_grows_with_each_further_failure(
    client: Client, one_second_delay: None
) -> None:
    await make_user("ren")
    await _fail(client, "ren", 5)
    waits = []
    for _ in range(3):
        refused = await client.post_form("/login", {"username": "ren", "password": "nope"})
        assert refused.status_code == 429
        waits.append(int(refused.headers["Retry-After"]))
        await _until_checked(client, "ren", "nope")  # the wait ended: a checked failure
    # 1 s, 2 s, 4 s (the counter reports whole seconds left, rounded down).
    assert waits[0] <= 1 and 1 <= waits[1] <= 2 and 3 <= waits[2] <= 4, waits
    await _until_checked(client, "ren", GOOD, expect=303)


async def _until_checked(client: Client, username: str, password: str, expect: int = 400) -> None:
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        response = await client.post_form("/login", {"username": username, "password": password})
        if response.status_code != 429:
            assert response.status_code == expect
            return
        await asyncio.sleep(0.1)
    raise AssertionError("the login wait did not end")


async def test_rule_counters_on_real_redis() -> None:
    client = aioredis.from_url(REDIS_URL)
    counter = RedisCounter(client, f"test-login-{uuid.uuid4().hex[:8]}")
    rule = throttle.LoginRule(
        free_failures=2, first_delay=30, max_delay=900, ip_max_failures=4, window=900
    )
    try:
        for _ in range(2):
            await throttle.record_failure(counter, rule, "Wang", "10.0.0.1", None)
        state = await throttle.login_state(counter, rule, "wang", "10.0.0.1", None)
        assert state.account_wait == 30 and state.ip_failures == 2
        assert throttle.refusal(state, rule) == ("account", 30)
        await throttle.record_failure(counter, rule, "wang", "10.0.0.1", "dev1")
        state = await throttle.login_state(counter, rule, "wang", "10.0.0.1", "dev1")
        assert 55 <= state.account_wait <= 60 and state.known_device
        assert throttle.refusal(state, rule) is None
        await throttle.record_failure(counter, rule, "other", "10.0.0.1", None)
        state = await throttle.login_state(counter, rule, "third", "10.0.0.1", None)
        assert throttle.refusal(state, rule) == ("ip", state.ip_retry)
        await throttle.record_success(counter, rule, "wang", "dev1")
        state = await throttle.login_state(counter, rule, "wang", "10.0.0.2", None)
        assert state.account_wait == 0
    finally:
        await client.aclose()
