"""Study records parts share without importing each other (domain.md §11).

Two seams:
- `OrganizedStudy`: a part that runs organized study sessions (the meetings part: a 党课's
  attendance) says how many 学时 each member earned in a year. The learning part adds them
  to what members studied online.
- `TrainingSource`: a part that records training (the learning part: a finished course marked
  as 发展对象培训 / 积极分子培训) lists a member's completed training, so the development file
  (members part) can show it and the development workflow can require it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from forum.parts import Registry


@dataclass(frozen=True)
class StudySession:
    member_id: int
    title: str
    day: dt.date
    hours_tenths: int  # 学时 x 10
    source: str  # e.g. "党课"


@dataclass(frozen=True)
class OrganizedStudy:
    key: str
    label: str
    load: Callable[[Sequence[int], int], Awaitable[list[StudySession]]]  # member ids, year

    def install(self) -> None:
        ORGANIZED.add(self.key, self)


ORGANIZED: Registry[OrganizedStudy] = Registry("organized study")


async def organized_sessions(member_ids: Sequence[int], year: int) -> list[StudySession]:
    found: list[StudySession] = []
    if not member_ids:
        return found
    for source in ORGANIZED:
        found += await source.load(member_ids, year)
    return found


@dataclass(frozen=True)
class Training:
    member_id: int
    title: str
    finished_on: dt.date
    hours_tenths: int


@dataclass(frozen=True)
class TrainingSource:
    key: str
    load: Callable[[int], Awaitable[list[Training]]]  # a member id -> completed training

    def install(self) -> None:
        TRAINING.add(self.key, self)


TRAINING: Registry[TrainingSource] = Registry("training records")


async def completed_training(member_id: int) -> list[Training]:
    found: list[Training] = []
    for source in TRAINING:
        found += await source.load(member_id)
    return sorted(found, key=lambda t: t.finished_on)
