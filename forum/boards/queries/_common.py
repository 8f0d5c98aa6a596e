"""Helpers shared by the boards read paths."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any


def when(value: Any) -> dt.datetime:
    """A timestamp column as an aware datetime: asyncpg returns datetimes, SQLite the ISO text
    Tortoise wrote (`datetime.fromisoformat` parses it in C, far cheaper than the ORM's
    per-field conversion)."""
    stamp = value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(str(value))
    return stamp if stamp.tzinfo is not None else stamp.replace(tzinfo=dt.UTC)


@dataclass(frozen=True)
class AuthorName:
    """The only author facts list pages show: the name, and the account name its link to the
    profile (`/u/{username}`) needs."""

    display_name: str
    username: str = ""
