"""Plenary decisions other parts rely on: the closed vote a status change cites.

The members part records admission, conversion, extension and cancellation only on a
**closed, passed** vote *about that person* in a plenary *of that branch* (domain.md §2). The
votes live in the meetings part, which members may not import: meetings provides a
`VoteSource` that loads the facts of one vote by id, and members asks `find_vote`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from forum.parts import Registry


@dataclass(frozen=True)
class PlenaryVote:
    """What a status change needs to know about the vote it cites."""

    id: int
    org_id: int  # the org that held the meeting
    meeting_type: str  # "branch_plenary", ...
    kind: str  # "admission", "conversion", "extension", "cancellation", "motion", ...
    candidate_id: int | None  # the member the question was about
    closed: bool
    passed: bool
    decided_on: dt.date | None  # the day it was closed (local date)
    title: str = ""


@dataclass(frozen=True)
class VoteSource:
    """A part that holds votes: `load(vote_id)` returns its facts, or None if unknown;
    `about(member_id, org_id)` the closed votes about that member in that org's plenaries
    (newest first, bounded), for a picker."""

    key: str
    load: Callable[[int], Awaitable[PlenaryVote | None]]
    about: Callable[[int, int], Awaitable[list[PlenaryVote]]]

    def install(self) -> None:
        SOURCES.add(self.key, self)


SOURCES: Registry[VoteSource] = Registry("vote sources")


async def find_vote(vote_id: int) -> PlenaryVote | None:
    for source in SOURCES:
        vote = await source.load(vote_id)
        if vote is not None:
            return vote
    return None


async def votes_about(member_id: int, org_id: int) -> list[PlenaryVote]:
    found: list[PlenaryVote] = []
    for source in SOURCES:
        found.extend(await source.about(member_id, org_id))
    return found
