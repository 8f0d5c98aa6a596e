"""The one clock: aware UTC datetimes everywhere (displayed in Asia/Shanghai by the filters)."""

from __future__ import annotations

import datetime as dt


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)
