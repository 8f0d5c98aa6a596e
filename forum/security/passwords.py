"""Password hashing with argon2id, run off the event loop (a hash costs ~140 ms of CPU)."""

from __future__ import annotations

import functools

import anyio.to_thread
from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from argon2.profiles import CHEAPEST

from forum.settings import get_settings

MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 128


@functools.cache
def _hasher() -> PasswordHasher:
    if get_settings().password_profile == "fast":  # noqa: S105 - a profile name
        # Tests only (refused in production by settings): same algorithm, tiny cost.
        return PasswordHasher.from_parameters(CHEAPEST)
    return PasswordHasher(type=Type.ID)


async def hash_password(password: str) -> str:
    return await anyio.to_thread.run_sync(_hasher().hash, password)


async def verify_password(password_hash: str, password: str) -> bool:
    def check() -> bool:
        try:
            return _hasher().verify(password_hash, password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False

    return await anyio.to_thread.run_sync(check)


def needs_rehash(password_hash: str) -> bool:
    return _hasher().check_needs_rehash(password_hash)


@functools.cache
def dummy_hash() -> str:
    """A real hash to verify against for unknown usernames, so that a login for an
    unknown account costs the same time as one for a known account."""
    return _hasher().hash("unknown-account-placeholder")
