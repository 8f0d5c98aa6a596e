"""Hooks on accounts that other parts and services provide (the moderation service, mostly).

- `LoginGuard.check(user)` may refuse a login after the password matched (a suspension):
  it raises a DomainError with the reason.
- `NameCheck.check(text, field)` screens a display name or other public text (the
  sensitive-word filter): it returns the text to store or raises ActionError.
- `NameSaved.saved(user_id, name)` runs after a display name was saved (to queue it for review).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from forum.models import User
from forum.parts import Registry


@dataclass(frozen=True)
class LoginGuard:
    key: str
    check: Callable[[User], Awaitable[None]]

    def install(self) -> None:
        LOGIN_GUARDS.add(self.key, self)


@dataclass(frozen=True)
class NameCheck:
    key: str
    check: Callable[[str, str], Awaitable[str]]

    def install(self) -> None:
        NAME_CHECKS.add(self.key, self)


@dataclass(frozen=True)
class NameSaved:
    key: str
    saved: Callable[[int, str], Awaitable[None]]

    def install(self) -> None:
        NAME_SAVED.add(self.key, self)


LOGIN_GUARDS: Registry[LoginGuard] = Registry("login guards")
NAME_CHECKS: Registry[NameCheck] = Registry("display name checks")
NAME_SAVED: Registry[NameSaved] = Registry("display name hooks")


async def guard_login(user: User) -> None:
    for guard in LOGIN_GUARDS:
        await guard.check(user)


async def check_name(text: str, field: str) -> str:
    for check in NAME_CHECKS:
        text = await check.check(text, field)
    return text


async def name_saved(user_id: int, name: str) -> None:
    for hook in NAME_SAVED:
        await hook.saved(user_id, name)
