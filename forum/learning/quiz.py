"""Quiz rules (pure): drawing a paper and scoring it on the server.

A paper is `paper_size` questions drawn at random from the course's bank (all of them if the
bank is smaller), in random order. Each question scores 1 when the chosen options are
exactly the right ones (a multiple-choice question with one option missing or one extra
scores 0) and 0 otherwise; the score is the percentage of the paper, rounded down, and the
paper passes at `pass_mark` percent or more. Answers never leave the server before the
paper is submitted.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Key:
    id: int
    kind: str  # single, multiple, truefalse
    answer: tuple[int, ...]
    options: int  # how many options


def draw(bank: Sequence[int], size: int, rng: random.Random) -> list[int]:
    ids = list(bank)
    rng.shuffle(ids)
    return ids[: max(1, size)]


def clean(key: Key, chosen: Sequence[int]) -> tuple[int, ...]:
    """The valid, distinct options chosen; a single or true/false answer keeps at most one."""
    picked = sorted({c for c in chosen if 0 <= c < key.options})
    if key.kind != "multiple":
        return tuple(picked[:1]) if len(picked) == 1 else ()
    return tuple(picked)


def score(keys: Sequence[Key], answers: Mapping[int, Sequence[int]]) -> tuple[int, int, int]:
    """(right, total, percent)."""
    right = sum(1 for k in keys if clean(k, answers.get(k.id, ())) == tuple(sorted(k.answer)))
    total = len(keys)
    return right, total, (right * 100 // total) if total else 0


def passed(percent: int, pass_mark: int) -> bool:
    return percent >= pass_mark
