"""Login throttling that slows password guessing without locking the owner out.

A hard lock after a few failures let anyone lock any account (five wrong passwords) and
every user behind one office NAT address for the whole window. The rule instead:

- per account, the first `free_failures` failures in the window cost nothing; each one after
  that starts a wait that doubles (30 s, 1 min, 2 min, ... up to the window) before the next
  try is even checked, so a guesser gets nine tries per window (5 + 4 waits);
- per IP address, a hard stop only after `ip_max_failures` failures (100 per window), far
  above what one office mistypes, far below a guessing run;
- a browser that has logged in to the account before carries a signed "known device" token
  (cookie on /login) and is exempt from both, up to `free_failures` failures of its own per
  window, so an attack on the account or from the same network does not keep its owner out.

All counters live in the rate-limit counter abstraction (memory or Redis, `forum.ratelimit`).
`refusal` is the whole rule as a pure function (tests/unit/test_login_throttle.py).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import Literal

from forum.clock import utcnow
from forum.ratelimit import Counter
from forum.settings import Settings, secret_key

DEVICE_COOKIE = "grassroots_device"
DEVICE_COOKIE_PATH = "/login"
DEVICE_DAYS = 180
MAX_DEVICE_TOKENS = 5  # accounts remembered per browser (a shared office computer)


@dataclass(frozen=True)
class LoginRule:
    free_failures: int
    first_delay: int
    max_delay: int
    ip_max_failures: int
    window: int

    @classmethod
    def from_settings(cls, settings: Settings) -> LoginRule:
        return cls(
            free_failures=settings.login_max_failures,
            first_delay=settings.login_delay_seconds,
            max_delay=settings.login_window_seconds,
            ip_max_failures=settings.login_ip_max_failures,
            window=settings.login_window_seconds,
        )


@dataclass(frozen=True)
class LoginState:
    """What the counters say before a login attempt is checked."""

    ip_failures: int
    ip_retry: int  # seconds until the IP window resets
    account_wait: int  # seconds left of the account's current wait (0: none)
    known_device: bool  # a valid token for this account with fewer than free_failures failures


Scope = Literal["ip", "account"]


def account_delay(failures: int, rule: LoginRule) -> int:
    """Seconds to wait after the `failures`-th failure of an account in the window."""
    extra = failures - rule.free_failures
    if extra < 0:
        return 0
    if extra >= 30:  # 2**30 s is far past any cap; avoid huge integers
        return rule.max_delay
    return int(min(rule.first_delay * 2**extra, rule.max_delay))


def refusal(state: LoginState, rule: LoginRule) -> tuple[Scope, int] | None:
    """(which limit, seconds to wait) when the attempt must not even be checked."""
    if state.known_device:
        return None
    if state.ip_failures >= rule.ip_max_failures:
        return "ip", max(1, state.ip_retry)
    if state.account_wait > 0:
        return "account", state.account_wait
    return None


def wait_text(seconds: int) -> str:
    if seconds < 60:
        return f"{max(1, seconds)} 秒"
    return f"{(seconds + 59) // 60} 分钟"


def refusal_message(scope: Scope, seconds: int) -> str:
    if scope == "ip":
        return (
            f"该网络的登录失败次数过多，请 {wait_text(seconds)}后再试"
            "（在曾登录过本账号的设备上可以照常登录）"
        )
    return f"登录失败次数过多，为保护账号安全，请 {wait_text(seconds)}后再试"


def _keys(username: str, ip: str) -> tuple[str, str]:
    return f"login:user:{username.strip().lower()[:64]}", f"login:ip:{ip}"


async def login_state(
    counter: Counter, rule: LoginRule, username: str, ip: str, device_id: str | None
) -> LoginState:
    user_key, ip_key = _keys(username, ip)
    failures, _ = await counter.peek(user_key, rule.window)
    delay = account_delay(failures, rule)
    wait = 0
    if delay:
        waiting, left = await counter.peek(f"{user_key}:wait:{failures}", delay)
        wait = left if waiting else 0
    ip_failures, ip_retry = await counter.peek(ip_key, rule.window)
    known = False
    if device_id is not None:
        device_failures, _ = await counter.peek(f"login:device:{device_id}", rule.window)
        known = device_failures < rule.free_failures
    return LoginState(ip_failures, ip_retry, wait, known)


async def record_failure(
    counter: Counter, rule: LoginRule, username: str, ip: str, device_id: str | None
) -> None:
    user_key, ip_key = _keys(username, ip)
    failures = await counter.hit(user_key, rule.window)
    await counter.hit(ip_key, rule.window)
    if device_id is not None:
        await counter.hit(f"login:device:{device_id}", rule.window)
    delay = account_delay(failures, rule)
    if delay:
        # One key per failure count: it exists for exactly the wait after that failure.
        await counter.hit(f"{user_key}:wait:{failures}", delay)


async def record_success(
    counter: Counter, rule: LoginRule, username: str, device_id: str | None
) -> None:
    user_key, _ = _keys(username, "")
    failures, _ = await counter.peek(user_key, rule.window)
    await counter.reset(user_key)
    await counter.reset(f"{user_key}:wait:{failures}")
    if device_id is not None:
        await counter.reset(f"login:device:{device_id}")


# Known-device tokens: "<user id>.<day issued>.<device id>.<signature>", several joined by "~".


def _signature(payload: str) -> str:
    key = hashlib.sha256(b"grassroots known device\x00" + secret_key().encode()).digest()
    return hmac.new(key, payload.encode(), hashlib.sha256).hexdigest()[:32]


def _today() -> int:
    return utcnow().toordinal()


def issue_device_token(user_id: int, device_id: str | None = None) -> str:
    payload = f"{user_id}.{_today()}.{device_id or secrets.token_urlsafe(12)}"
    return f"{payload}.{_signature(payload)}"


def _parse(token: str) -> tuple[int, int, str] | None:
    parts = token.split(".")
    if len(parts) != 4 or not parts[0].isdigit() or not parts[1].isdigit():
        return None
    payload = ".".join(parts[:3])
    if not hmac.compare_digest(parts[3], _signature(payload)):
        return None
    return int(parts[0]), int(parts[1]), parts[2]


def device_for(cookie: str | None, user_id: int) -> str | None:
    """The device id of a valid, unexpired token for `user_id` in the cookie, if any."""
    for token in (cookie or "").split("~")[:MAX_DEVICE_TOKENS]:
        parsed = _parse(token)
        if parsed and parsed[0] == user_id and _today() - parsed[1] <= DEVICE_DAYS:
            return parsed[2]
    return None


def remember_device(cookie: str | None, user_id: int) -> str:
    """The cookie after a successful login: this account's token first (renewed, same
    device id), then the other accounts' valid tokens, at most MAX_DEVICE_TOKENS."""
    device_id = device_for(cookie, user_id)
    tokens = [issue_device_token(user_id, device_id)]
    for token in (cookie or "").split("~")[:MAX_DEVICE_TOKENS]:
        parsed = _parse(token)
        if parsed and parsed[0] != user_id and _today() - parsed[1] <= DEVICE_DAYS:
            tokens.append(token)
    return "~".join(tokens[:MAX_DEVICE_TOKENS])
