"""Facts other parts add to a member's record page (电子档案), without importing each other.

A part that decides something about a member that belongs in the record (the reviews part:
the yearly 民主评议 grade and any 组织处置) provides `RecordFacts(key, label, load)`; the
members part shows each part's lines in its own section, to the viewers who may see the
record's milestones (the field rules, `can_see_member_field(..., "milestones")`).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from forum.parts import Registry


@dataclass(frozen=True)
class RecordLine:
    year: int
    text: str


@dataclass(frozen=True)
class RecordFacts:
    key: str
    label: str  # the section's heading, e.g. 民主评议
    load: Callable[[int], Awaitable[list[RecordLine]]]  # member id -> lines, newest first

    def install(self) -> None:
        FACTS.add(self.key, self)


FACTS: Registry[RecordFacts] = Registry("record facts")


async def sections_for(member_id: int) -> list[tuple[str, list[RecordLine]]]:
    """(label, lines) for every part with something to say about the member."""
    out = []
    for facts in FACTS:
        lines = await facts.load(member_id)
        if lines:
            out.append((facts.label, lines))
    return out
