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
    """The only author fact list pages show."""

    display_name: str
