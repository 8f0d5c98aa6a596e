"""Capturing what a block of test code causes: SQL statements and published messages.

`count_queries()` follows Zulip's `assert_database_query_count`: Tortoise logs every
statement at DEBUG on its `tortoise.db_client` logger. `PublishedEvents` is the
`published_events` fixture (tests/conftest.py), Zulip's `capture_send_event_calls`: every
message `forum.publisher` sends through the test's broker (`publish` and `notify_user`).
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from typing import Any

# What the db client logs besides statements: connections opening and closing.
_NOT_STATEMENTS = ("Created connection", "Closed connection")


class QueryLog(logging.Handler):
    """The SQL statements run while a `count_queries()` block is open."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.queries: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if not message.startswith(_NOT_STATEMENTS):
            self.queries.append(message)

    @property
    def count(self) -> int:
        return len(self.queries)


@contextlib.contextmanager
def count_queries() -> Iterator[QueryLog]:
    logger = logging.getLogger("tortoise.db_client")
    log, level = QueryLog(), logger.level
    logger.setLevel(logging.DEBUG)
    logger.addHandler(log)
    try:
        yield log
    finally:
        logger.removeHandler(log)
        logger.setLevel(level)


class ChannelLog(list[dict[str, Any]]):
    """The messages sent on one channel since `PublishedEvents.on` was called."""

    @property
    def types(self) -> list[str]:
        return [str(m["event"]) for m in self]

    def of(self, type: str) -> list[dict[str, Any]]:
        return [m for m in self if m["event"] == type]


class PublishedEvents:
    """Every (channel, message) the broker is asked to send, in order."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, dict[str, Any]]] = []
        self._channels: list[tuple[str, ChannelLog]] = []

    def record(self, channel: str, message: dict[str, Any]) -> None:
        self.sent.append((channel, message))
        for name, log in self._channels:
            if name == channel:
                log.append(message)

    def on(self, channel: str) -> ChannelLog:
        """A list that fills with the messages sent on `channel` from now on."""
        log = ChannelLog()
        self._channels.append((channel, log))
        return log

    @property
    def events(self) -> list[dict[str, Any]]:
        """The stored channel events (`publisher.publish`), without `notify_user` notices."""
        return [message for _, message in self.sent if "event" in message]

    def clear(self) -> None:
        self.sent.clear()
