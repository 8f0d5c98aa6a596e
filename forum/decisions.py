"""Plenary decisions other parts rely on: the closed vote a status change cites, and who
the branch decided is not counted in 应到.

The members part records admission, conversion, extension and cancellation only on a
**closed, passed** vote *about that person* in a plenary *of that branch* (domain.md §2). The
votes live in the meetings part, which members may not import: meetings provides a
`VoteSource` that loads the facts of one vote by id, and members asks `find_vote`.

The other way round, the branch's standing decisions that a member is not counted in 应到
(domain.md §3: the reason, the superior org's approval, the plenary's vote) are recorded by
the members part; it provides an `ExclusionSource`, and the meetings part asks
`standing_exclusions` for the members of a roll it is generating.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable, Sequence
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


# Who is not counted in 应到 (domain.md §3, 中组部 guidance used for every plenary).
EXCLUSION_LABELS: dict[str, str] = {
    "illness": "患有精神疾病或其他疾病导致不能表达本人意志",
    "abroad": "自费出国半年以上",
    "prison": "虽未受到留党察看以上党纪处分，但正在服刑",
    "bedridden": "年老体弱卧床不起或长期生病生活不能自理",
    "away": "工作调动、下派锻炼、外出学习或工作半年以上，按规定应转走组织关系而没有转走",
}


@dataclass(frozen=True)
class StandingExclusion:
    """A member the branch decided is not counted in 应到, as a roll records it."""

    member_id: int
    category: str  # a key of EXCLUSION_LABELS
    reason: str
    approval: str  # the superior org's approval, in words
    decision: str  # the plenary's vote, in words


@dataclass(frozen=True)
class ExclusionSource:
    """A part that records standing exclusions: `load(member_ids)` returns those in force."""

    key: str
    load: Callable[[Sequence[int]], Awaitable[dict[int, StandingExclusion]]]

    def install(self) -> None:
        EXCLUSION_SOURCES.add(self.key, self)


EXCLUSION_SOURCES: Registry[ExclusionSource] = Registry("roll exclusion sources")


async def standing_exclusions(member_ids: Sequence[int]) -> dict[int, StandingExclusion]:
    found: dict[int, StandingExclusion] = {}
    for source in EXCLUSION_SOURCES:
        found.update(await source.load(member_ids))
    return found
