"""Quiz scoring on the server (forum/learning/quiz.py)."""

from __future__ import annotations

import random

import pytest

from forum.learning.quiz import Key, clean, draw, passed, score

SINGLE = Key(1, "single", (1,), 4)
MULTI = Key(2, "multiple", (0, 2), 4)
TF = Key(3, "truefalse", (0,), 2)


@pytest.mark.parametrize(
    ("key", "chosen", "right"),
    [
        (SINGLE, [1], True),
        (SINGLE, [0], False),
        (SINGLE, [1, 2], False),  # two answers to a single choice: wrong, not "one of them"
        (SINGLE, [], False),
        (SINGLE, [9], False),  # an option that does not exist
        (MULTI, [0, 2], True),
        (MULTI, [2, 0, 2], True),  # order and repeats do not matter
        (MULTI, [0], False),  # one missing
        (MULTI, [0, 1, 2], False),  # one extra
        (MULTI, [0, 2, 7], True),  # an option that does not exist is ignored
        (TF, [0], True),
        (TF, [1], False),
        (TF, [-1], False),
    ],
)
def test_one_question(key: Key, chosen: list[int], right: bool) -> None:
    assert (clean(key, chosen) == tuple(sorted(key.answer))) is right


def test_score_and_pass_mark() -> None:
    keys = [SINGLE, MULTI, TF]
    assert score(keys, {1: [1], 2: [0, 2], 3: [0]}) == (3, 3, 100)
    assert score(keys, {1: [1], 2: [0], 3: [0]}) == (2, 3, 66)
    assert score(keys, {}) == (0, 3, 0)
    assert score([], {}) == (0, 0, 0)
    assert passed(60, 60) and not passed(59, 60)
    assert not passed(66, 67)


def test_draw_is_a_random_subset_of_the_bank() -> None:
    bank = list(range(1, 21))
    papers = {tuple(draw(bank, 5, random.Random(seed))) for seed in range(20)}
    assert len(papers) > 1
    for paper in papers:
        assert len(paper) == 5 and len(set(paper)) == 5 and set(paper) <= set(bank)
    assert sorted(draw([4, 5], 10, random.Random(1))) == [4, 5]
