"""The one clock: every reading of the current time goes through here.

Instants are aware UTC datetimes (displayed in the configured zone, Asia/Shanghai by default,
by the template filters). Calendar days (`today`) are the configured zone's: a branch records
the day it is where its members are, not in Greenwich. `timestamp` is wall-clock seconds for
values compared across processes (broker lag, meeting presence); durations inside one process
use `time.monotonic()` instead.
"""

from __future__ import annotations

import datetime as dt
import functools
import time
from zoneinfo import ZoneInfo

from forum.settings import get_settings


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@functools.cache
def zone() -> ZoneInfo:
    return ZoneInfo(get_settings().timezone)


def today() -> dt.date:
    """Today's date in the configured zone."""
    return utcnow().astimezone(zone()).date()


def timestamp() -> float:
    """Seconds since the epoch (the same on every worker, unlike `time.monotonic()`)."""
    return time.time()
