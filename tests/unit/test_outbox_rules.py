"""Unit tables for the outbox's rules at their boundaries: addresses and masks, backoff,
quiet hours (wrapping midnight), idempotent identifiers, the .ics folding, signed links."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from forum.outbox import ics, links, rules

BEIJING = ZoneInfo("Asia/Shanghai")


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("a@example.org", "a@example.org"),
        (" a.b+c@mail.example.org ", "a.b+c@mail.example.org"),
        ("a@localhost", None),
        ("a@example.org\r\nBcc: x@y.z", None),  # no header injection
        ("a b@example.org", None),
        ("", None),
        ("x" * 65 + "@example.org", None),
    ],
)
def test_clean_email(raw: str, clean: str | None) -> None:
    assert rules.clean_email(raw) == clean


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("13800001234", "13800001234"),
        ("138-0000-1234", "13800001234"),
        ("+8613800001234", "13800001234"),
        ("8613800001234", "13800001234"),
        ("12800001234", None),  # 12x is no mobile prefix
        ("1380000123", None),  # ten digits
        ("010-12345678", None),  # a landline
        ("", None),
    ],
)
def test_clean_phone(raw: str, clean: str | None) -> None:
    assert rules.clean_phone(raw) == clean


@pytest.mark.parametrize(
    ("channel", "address", "masked"),
    [
        ("email", "zhang.san@example.org", "z***@example.org"),
        ("email", "broken", "***"),
        ("sms", "13800001234", "138****1234"),
        ("sms", "123", "***"),
    ],
)
def test_masks(channel: str, address: str, masked: str) -> None:
    assert rules.mask(channel, address) == masked


def test_scrub_masks_the_address_in_an_error_text() -> None:
    text = "550 5.1.1 <zhang@example.org>: user unknown\n" + "x" * 400
    out = rules.scrub(text, "zhang@example.org", "email")
    assert "zhang@example.org" not in out and "z***@example.org" in out and len(out) == 300


@pytest.mark.parametrize(
    ("attempts", "seconds"),
    [(0, 30), (1, 30), (2, 60), (3, 120), (7, 1920), (8, 3600), (40, 3600)],
)
def test_backoff_doubles_up_to_the_cap(attempts: int, seconds: int) -> None:
    assert rules.backoff(attempts, 30, 3600) == dt.timedelta(seconds=seconds)


@pytest.mark.parametrize(
    ("hhmm", "start", "end", "quiet"),
    [
        ("21:59", 22 * 60, 7 * 60, False),
        ("22:00", 22 * 60, 7 * 60, True),  # the start is inside
        ("03:00", 22 * 60, 7 * 60, True),  # wraps midnight
        ("06:59", 22 * 60, 7 * 60, True),
        ("07:00", 22 * 60, 7 * 60, False),  # the end is outside
        ("12:30", 12 * 60, 14 * 60, True),  # a daytime window
        ("14:00", 12 * 60, 14 * 60, False),
        ("12:00", None, None, False),
        ("12:00", 600, 600, False),  # an empty window
    ],
)
def test_quiet_hours(hhmm: str, start: int | None, end: int | None, quiet: bool) -> None:
    assert rules.in_quiet_hours(dt.time.fromisoformat(hhmm), start, end) is quiet


@pytest.mark.parametrize(
    ("local", "expected_local"),
    [
        ("2026-12-03T23:30", "2026-12-04T07:00"),  # before midnight: tomorrow morning
        ("2026-12-04T01:00", "2026-12-04T07:00"),  # after midnight: this morning
        ("2026-12-04T09:00", "2026-12-04T09:00"),  # outside: now
    ],
)
def test_after_quiet_hours(local: str, expected_local: str) -> None:
    when = dt.datetime.fromisoformat(local).replace(tzinfo=BEIJING).astimezone(dt.UTC)
    out = rules.after_quiet_hours(when, BEIJING, 22 * 60, 7 * 60)
    assert out.astimezone(BEIJING).replace(tzinfo=None) == dt.datetime.fromisoformat(expected_local)


def test_identifiers_depend_on_the_key_alone() -> None:
    assert rules.message_id("k:1", "example.org") == rules.message_id("k:1", "example.org")
    assert rules.message_id("k:1", "example.org") != rules.message_id("k:2", "example.org")
    assert rules.message_id("k:1", "example.org").endswith("@example.org>")
    assert rules.request_id("k:1") == rules.request_id("k:1") != rules.request_id("k:2")


@pytest.mark.parametrize(
    ("text", "minutes"),
    [("22:00", 1320), ("7:05", 425), ("00:00", 0), ("", None), ("  ", None)],
)
def test_parse_minutes(text: str, minutes: int | None) -> None:
    assert rules.parse_minutes(text) == minutes


@pytest.mark.parametrize("text", ["24:00", "12:60", "noon", "1200", "12:0"])
def test_parse_minutes_refuses(text: str) -> None:
    with pytest.raises(ValueError):
        rules.parse_minutes(text)


def test_ics_lines_are_folded_at_75_octets_without_splitting_a_character() -> None:
    start = dt.datetime(2026, 12, 20, 6, 30, tzinfo=dt.UTC)
    text = ics.invitation(
        uid="m-1", title="很长的标题" * 20, start=start, end=start, now=start, location="a;b,c"
    )
    for line in text.split("\r\n"):
        assert len(line.encode()) <= 75
    assert "LOCATION:a\\;b\\,c" in text
    assert text.endswith("END:VCALENDAR\r\n")


def test_unsubscribe_tokens_are_signed() -> None:
    token = links.unsubscribe_token(5, "notice.published", "email")
    assert links.read_unsubscribe_token(token) == (5, "notice.published", "email")
    assert links.read_unsubscribe_token(token[:-1] + ("A" if token[-1] != "A" else "B")) is None
    assert links.read_unsubscribe_token("x" * 500) is None
    assert links.read_unsubscribe_token("") is None
