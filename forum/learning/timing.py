"""Honest study time: the rules a heartbeat is judged by (pure, unit-tested in tables).

A page that shows a resource sends a heartbeat every `BEAT_SECONDS` with its tab id, whether
the page is visible (Page Visibility API), whether the member interacted or the media played
since the last beat (`active`), and the media position. The server, not the page, decides
what counts:

1. Time counts only for the interval between two consecutive live beats (visible and active)
   from the same tab, measured on the server clock, and never more than `MAX_INTERVAL` per
   interval (a page that slept, or a forged gap, gains at most one interval).
2. One clock per member and resource: the tab that sent the last live beat holds it for
   `LEASE_SECONDS`; beats from another tab meanwhile count nothing (two open tabs never
   count twice). When the holder goes quiet, or says it is hidden or idle (leaving the
   page sends such a beat), the next live tab takes over.
3. The counted total never exceeds the resource's length times `LENGTH_FACTOR` plus
   `MARGIN_SECONDS`.
4. Watching advances `furthest` only continuously: a reported position counts as reached
   only if it is within what playback could cover since the last live beat
   (`MAX_RATE` x interval + `SLACK_SECONDS`). Seeking is free (the position is kept for
   resuming), but skipping to the end does not reach the end.
5. A timed resource (video, audio) is complete when `furthest` reaches the length minus
   `END_TOLERANCE` and the counted time is at least `MIN_WATCH_SHARE` of the length. A
   reading (article, PDF, image, link) is complete when the counted time reaches
   `MIN_READ_SHARE` of its reading time (and, for a PDF, every page was shown).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

BEAT_SECONDS = 15
MAX_INTERVAL = 30
LEASE_SECONDS = 45
LENGTH_FACTOR = 1.2
MARGIN_SECONDS = 120
MAX_RATE = 2.0  # the fastest playback speed the player offers
SLACK_SECONDS = 5.0
END_TOLERANCE = 2.0
MIN_WATCH_SHARE = 0.8
MIN_READ_SHARE = 0.5
TIMED_KINDS = frozenset({"video", "audio"})


@dataclass(frozen=True)
class State:
    """What the server holds about one member's study of one resource."""

    position: float = 0.0
    furthest: float = 0.0
    counted: int = 0
    pages_read: int = 0
    tab: str = ""
    last_beat_at: dt.datetime | None = None
    last_live: bool = False
    completed: bool = False


@dataclass(frozen=True)
class Beat:
    tab: str
    at: dt.datetime  # server time of arrival
    position: float
    visible: bool
    active: bool
    page: int = 0


@dataclass(frozen=True)
class Outcome:
    state: State
    added: int  # seconds counted by this beat
    reason: str  # "counted", "first", "hidden", "idle", "other_tab", "gap", "cap"
    just_completed: bool


def cap_for(length: int) -> int:
    return int(length * LENGTH_FACTOR) + MARGIN_SECONDS


def is_complete(kind: str, length: int, pages: int, state: State) -> bool:
    if kind in TIMED_KINDS:
        return (
            length > 0
            and state.furthest >= length - END_TOLERANCE
            and state.counted >= MIN_WATCH_SHARE * length
        )
    if pages and state.pages_read < pages:
        return False
    return state.counted >= MIN_READ_SHARE * length


def apply(state: State, beat: Beat, *, kind: str, length: int, pages: int = 0) -> Outcome:
    """The state after `beat`, and what it counted."""
    live = beat.visible and beat.active
    position = max(0.0, min(float(beat.position), float(length) if length else beat.position))
    pages_read = max(state.pages_read, min(beat.page, pages)) if pages else state.pages_read
    holder_fresh = (
        state.last_beat_at is not None
        and state.tab != ""
        and (beat.at - state.last_beat_at).total_seconds() < LEASE_SECONDS
    )
    if holder_fresh and beat.tab != state.tab:
        # Another tab holds the clock: nothing counts, nothing moves (its position may be
        # stale); the holder keeps the lease.
        return Outcome(state, 0, "other_tab", False)
    added = 0
    furthest = state.furthest
    reason = "counted"
    if not live:
        reason = "hidden" if not beat.visible else "idle"
    elif state.last_beat_at is None or state.tab != beat.tab or not state.last_live:
        reason = "first"
    else:
        interval = (beat.at - state.last_beat_at).total_seconds()
        if interval <= 0:
            reason = "gap"
        else:
            step = min(interval, MAX_INTERVAL)
            added = int(step)
            reach = state.furthest + MAX_RATE * step + SLACK_SECONDS
            if position <= reach:
                furthest = max(furthest, position)
            if interval > MAX_INTERVAL:
                reason = "gap"
    cap = cap_for(length)
    if state.counted + added > cap:
        added = max(0, cap - state.counted)
        reason = "cap"
    if length:
        furthest = min(furthest, float(length))
    new = State(
        position=position,
        furthest=furthest,
        counted=state.counted + added,
        pages_read=pages_read,
        # A live beat takes the clock; a hidden or idle one from the holder gives it back.
        tab=beat.tab if live else ("" if beat.tab == state.tab else state.tab),
        last_beat_at=beat.at if live or beat.tab == state.tab else state.last_beat_at,
        last_live=live,
        completed=state.completed,
    )
    done = not state.completed and is_complete(kind, length, pages, new)
    if done:
        new = State(**{**new.__dict__, "completed": True})
    return Outcome(new, added, reason, done)
