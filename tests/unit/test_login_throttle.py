"""The login throttle rule (forum/accounts/throttle.py) as tables: no DB, no counters."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from forum.accounts import throttle
from forum.accounts.throttle import LoginRule, LoginState, account_delay, refusal

RULE = LoginRule(free_failures=5, first_delay=30, max_delay=900, ip_max_failures=100, window=900)


@pytest.mark.parametrize(
    ("failures", "delay"),
    [
        (0, 0),
        (1, 0),
        (4, 0),
        (5, 30),  # the fifth failure starts the first wait
        (6, 60),
        (7, 120),
        (8, 240),
        (9, 480),
        (10, 900),  # capped at the window
        (11, 900),
        (10**9, 900),  # no huge integers
    ],
)
def test_account_delay_doubles_after_the_free_failures_up_to_the_window(
    failures: int, delay: int
) -> None:
    assert account_delay(failures, RULE) == delay


def test_a_guesser_gets_nine_tries_per_window() -> None:
    # Five free ones, then one per wait until the waits fill the window.
    spent, tries = 0, RULE.free_failures
    while spent + account_delay(tries, RULE) <= RULE.window:
        spent += account_delay(tries, RULE)
        tries += 1
    assert tries == 9


@pytest.mark.parametrize(
    ("ip_failures", "account_wait", "known_device", "expected"),
    [
        (0, 0, False, None),
        (99, 0, False, None),  # an office mistyping: fine
        (100, 0, False, ("ip", 600)),  # a guessing run from one address
        (0, 30, False, ("account", 30)),  # this account is waiting
        (100, 30, False, ("ip", 600)),  # the IP limit is named first
        (0, 30, True, None),  # the owner's known browser is not held up
        (100, 0, True, None),  # ... not even behind an attacked office address
        (100, 30, True, None),
    ],
)
def test_refusal_table(
    ip_failures: int,
    account_wait: int,
    known_device: bool,
    expected: tuple[str, int] | None,
) -> None:
    state = LoginState(ip_failures, 600, account_wait, known_device)
    assert refusal(state, RULE) == expected


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(0, "1 秒"), (1, "1 秒"), (59, "59 秒"), (60, "1 分钟"), (61, "2 分钟"), (900, "15 分钟")],
)
def test_wait_text(seconds: int, text: str) -> None:
    assert throttle.wait_text(seconds) == text


def test_refusal_messages_are_chinese_and_say_the_wait() -> None:
    assert throttle.refusal_message("account", 30) == (
        "登录失败次数过多，为保护账号安全，请 30 秒后再试"
    )
    ip = throttle.refusal_message("ip", 600)
    assert "该网络" in ip and "10 分钟" in ip and "曾登录过" in ip


def test_device_token_belongs_to_its_account_only() -> None:
    token = throttle.issue_device_token(7)
    device = throttle.device_for(token, 7)
    assert device is not None
    assert throttle.device_for(token, 8) is None
    assert throttle.device_for(None, 7) is None
    assert throttle.device_for("", 7) is None


@pytest.mark.parametrize(
    "mangle",
    [
        lambda t: t[:-1] + ("0" if t[-1] != "0" else "1"),  # signature
        lambda t: "8" + t[1:],  # user id
        lambda t: t.replace(".", "..", 1),
        lambda t: t.rsplit(".", 1)[0],  # no signature
        lambda t: "x.y.z.w",
    ],
)
def test_tampered_device_token_is_ignored(mangle: Callable[[str], str]) -> None:
    token = throttle.issue_device_token(7)
    assert throttle.device_for(mangle(token), 7) is None


def test_expired_device_token_is_ignored() -> None:
    fresh = throttle._today()
    payload = f"7.{fresh - throttle.DEVICE_DAYS - 1}.olddevice"
    old = f"{payload}.{throttle._signature(payload)}"
    assert throttle.device_for(old, 7) is None
    payload = f"7.{fresh - throttle.DEVICE_DAYS}.lastday"
    assert throttle.device_for(f"{payload}.{throttle._signature(payload)}", 7) == "lastday"


def test_remember_device_keeps_the_device_id_and_other_accounts_up_to_five() -> None:
    first = throttle.remember_device(None, 1)
    device = throttle.device_for(first, 1)
    again = throttle.remember_device(first, 1)
    assert throttle.device_for(again, 1) == device and again.count("~") == 0
    cookie = again
    for user_id in range(2, 9):
        cookie = throttle.remember_device(cookie, user_id)
    tokens = cookie.split("~")
    assert len(tokens) == throttle.MAX_DEVICE_TOKENS
    # Newest first; the oldest accounts fell off.
    assert [throttle.device_for(cookie, u) is not None for u in range(1, 9)] == [
        False,
        False,
        False,
        True,
        True,
        True,
        True,
        True,
    ]
    assert throttle.device_for(cookie, 8) == throttle.device_for(tokens[0], 8)
