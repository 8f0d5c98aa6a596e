"""Helpers shared by the meeting reads."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


def ints(values: Sequence[Any]) -> list[int]:
    """`values_list(..., flat=True)` results as ints (Tortoise types them as tuples)."""
    return [int(v) for v in values]
