"""The honest study-time rules (forum/learning/timing.py) at their boundaries."""

from __future__ import annotations

import datetime as dt

import pytest

from forum.learning import timing
from forum.learning.timing import Beat, State, apply

T0 = dt.datetime(2026, 12, 1, 8, 0, tzinfo=dt.UTC)


def at(seconds: float) -> dt.datetime:
    return T0 + dt.timedelta(seconds=seconds)


def beat(
    s: float,
    pos: float = 0,
    tab: str = "a",
    visible: bool = True,
    active: bool = True,
    page: int = 0,
) -> Beat:
    return Beat(tab=tab, at=at(s), position=pos, visible=visible, active=active, page=page)


def run(
    beats: list[Beat], *, kind: str = "video", length: int = 120, pages: int = 0
) -> tuple[State, list[timing.Outcome]]:
    state = State()
    outs = []
    for b in beats:
        out = apply(state, b, kind=kind, length=length, pages=pages)
        outs.append(out)
        state = out.state
    return state, outs


# (what happens, beats, counted seconds, reasons of the beats)
CASES = [
    ("first beat counts nothing", [beat(0)], 0, ["first"]),
    ("two live beats count the interval", [beat(0), beat(15, 15)], 15, ["first", "counted"]),
    ("an interval is capped at MAX_INTERVAL", [beat(0), beat(100, 30)], 30, ["first", "gap"]),
    ("a hidden beat counts nothing", [beat(0), beat(15, visible=False)], 0, ["first", "hidden"]),
    (
        "after a hidden beat the next one only restarts",
        [beat(0), beat(15, visible=False), beat(30)],
        0,
        ["first", "hidden", "first"],
    ),
    ("an idle beat counts nothing", [beat(0), beat(15, active=False)], 0, ["first", "idle"]),
    (
        "a second tab within the lease counts nothing",
        [beat(0), beat(10, tab="b"), beat(15)],
        15,
        ["first", "other_tab", "counted"],
    ),
    (
        "two tabs beating alternately count once",
        [beat(0), beat(1, tab="b"), beat(15), beat(16, tab="b"), beat(30)],
        30,
        ["first", "other_tab", "counted", "other_tab", "counted"],
    ),
    (
        "the other tab takes over after the lease",
        [
            beat(0),
            beat(0 + timing.LEASE_SECONDS, tab="b"),
            beat(timing.LEASE_SECONDS + 15, tab="b"),
        ],
        15,
        ["first", "first", "counted"],
    ),
    ("a beat at the same instant counts nothing", [beat(0), beat(0)], 0, ["first", "gap"]),
]


@pytest.mark.parametrize(("what", "beats", "counted", "reasons"), CASES, ids=[c[0] for c in CASES])
def test_counting(what: str, beats: list[Beat], counted: int, reasons: list[str]) -> None:
    state, outs = run(beats)
    assert state.counted == counted, what
    assert [o.reason for o in outs] == reasons, what


def test_never_beyond_length_plus_margin() -> None:
    length = 60
    beats = [beat(i * 15, min(60, i * 15), active=True) for i in range(200)]
    state, outs = run(beats, kind="article", length=length)
    assert (
        state.counted
        == timing.cap_for(length)
        == int(60 * timing.LENGTH_FACTOR) + timing.MARGIN_SECONDS
    )
    assert outs[-1].reason == "cap" and outs[-1].added == 0


def test_skipping_to_the_end_does_not_complete_a_video() -> None:
    state, outs = run([beat(0, 0), beat(15, 119), beat(30, 119), beat(45, 119)], length=120)
    assert state.position == 119  # kept for resuming
    assert state.furthest < 60  # not reached by watching
    assert not state.completed and not any(o.just_completed for o in outs)


def test_watching_through_completes_once() -> None:
    beats = [beat(i * 15, i * 15) for i in range(10)]  # 0 .. 135 s of a 120 s video
    state, outs = run(beats, length=120)
    assert state.completed
    assert [o.just_completed for o in outs].count(True) == 1
    assert state.furthest == 120


def test_watching_at_double_speed_counts_but_needs_the_share() -> None:
    # 2x playback: 120 s of video in 60 s, counted 60 s < 80% of 120: not complete yet.
    state, _ = run([beat(i * 15, i * 30) for i in range(5)], length=120)
    assert state.furthest == 120 and state.counted == 60 and not state.completed


def test_seeking_back_keeps_the_furthest_point() -> None:
    state, _ = run([beat(0, 0), beat(15, 15), beat(30, 30), beat(45, 5)], length=120)
    assert state.furthest == 30 and state.position == 5


def test_position_is_clamped_to_the_length() -> None:
    state, _ = run([beat(0, 5000)], length=120)
    assert state.position == 120


def test_reading_completes_at_half_the_reading_time() -> None:
    length = 120
    state, _ = run([beat(i * 15) for i in range(4)], kind="article", length=length)
    assert state.counted == 45 and not state.completed
    state, _ = run([beat(i * 15) for i in range(5)], kind="article", length=length)
    assert state.counted == 60 and state.completed


def test_a_pdf_needs_every_page() -> None:
    beats = [beat(i * 15, page=min(i, 3)) for i in range(20)]
    state, _ = run(beats, kind="pdf", length=120, pages=4)
    assert state.pages_read == 3 and not state.completed
    state, _ = run([*beats, beat(20 * 15, page=4)], kind="pdf", length=120, pages=4)
    assert state.completed


def test_hidden_beats_from_the_holder_still_move_the_resume_point() -> None:
    state, _ = run([beat(0, 0), beat(15, 15), beat(20, 18, visible=False)])
    assert state.position == 18 and state.counted == 15


def test_leaving_the_page_hands_the_clock_to_the_next_tab() -> None:
    state, outs = run(
        [beat(0), beat(10), beat(12, visible=False), beat(15, tab="b"), beat(30, tab="b")]
    )
    assert [o.reason for o in outs] == ["first", "counted", "hidden", "first", "counted"]
    assert state.counted == 25
