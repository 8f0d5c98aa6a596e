"""Pure helpers of the disclosure part: keyset cursors, the line diff, form parsing."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

from forum.errors import ActionError
from transparency.actions import clean_attachments, clean_text
from transparency.forms import parse_attachment_lines, parse_local_datetime
from transparency.queries import decode_cursor, diff_lines, encode_cursor


@pytest.mark.parametrize("micro", [0, 1, 94987, 999999])
def test_cursor_round_trip_is_exact(micro: int) -> None:
    when = dt.datetime(2026, 11, 26, 9, 27, 5, micro, tzinfo=dt.UTC)
    item = SimpleNamespace(publish_from=when, id=42)
    assert decode_cursor(encode_cursor(item)) == (when, 42)  # type: ignore[arg-type]


@pytest.mark.parametrize("raw", ["", "x", "1_", "_1", "9" * 30 + "_1"])
def test_bad_cursor_is_ignored(raw: str) -> None:
    assert decode_cursor(raw) is None


def test_diff_lines_marks_changes_and_keeps_text_raw() -> None:
    lines = diff_lines("a\nb <i>\nc", "a\nb <b>\nc\nd")
    kinds = [(x.kind, x.text) for x in lines]
    assert ("del", "b <i>") in kinds and ("add", "b <b>") in kinds and ("add", "d") in kinds
    assert ("ctx", "a") in kinds
    assert diff_lines("same", "same") == []


def test_local_datetime_is_beijing_time() -> None:
    value = parse_local_datetime("2026-11-26T08:00", "发布时间", "publish_from")
    assert value == dt.datetime(2026, 11, 26, 0, 0, tzinfo=dt.UTC)
    for bad in ("tomorrow", "0001-01-01T00:00"):
        with pytest.raises(ActionError):
            parse_local_datetime(bad, "发布时间", "publish_from")


def test_attachment_lines_and_url_rules() -> None:
    assert parse_attachment_lines(
        "会议记录 | /meetings/1/minutes\n\nhttps://example.org/a.pdf"
    ) == [
        {"title": "会议记录", "url": "/meetings/1/minutes"},
        {"title": "https://example.org/a.pdf", "url": "https://example.org/a.pdf"},
    ]
    for url in ("javascript:alert(1)", "//evil.example/x", "data:text/html,x", "/a b"):
        with pytest.raises(ActionError):
            clean_attachments([("x", url)])
    with pytest.raises(ActionError):
        clean_attachments([("x", "/a")] * 11)


def test_clean_text_rejects_nul_and_lone_surrogates() -> None:
    assert clean_text("  标题 \r\n", "标题", "title", max_length=10) == "标题"
    for bad in ("a\x00b", "a\ud800b"):
        with pytest.raises(ActionError):
            clean_text(bad, "标题", "title", max_length=10)
    with pytest.raises(ActionError):
        clean_text("x" * 11, "标题", "title", max_length=10)
