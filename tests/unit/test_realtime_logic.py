"""Pure parts of the realtime core: delivery classification, token bucket, channel names."""

from __future__ import annotations

import pytest

from forum.events import check_channel
from realtime.connection import TokenBucket
from realtime.hub import classify, contiguous


@pytest.mark.parametrize(
    ("position", "seq", "expected"),
    [
        (None, 1, "skip"),  # not subscribed (anymore)
        (0, 1, "deliver"),
        (4, 5, "deliver"),
        (5, 5, "skip"),  # duplicate
        (6, 5, "skip"),  # older: already delivered by a gap-fill
        (4, 6, "gap"),
        (0, 501, "gap"),
    ],
)
def test_classify(position: int | None, seq: int, expected: str) -> None:
    assert classify(position, seq) == expected


def test_token_bucket_allows_bursts_then_refills_then_flags_abuse() -> None:
    bucket = TokenBucket(rate=20, burst=40)
    start = bucket._at = 0.0  # exact binary fractions below: no rounding surprises
    assert all(bucket.take(start) for _ in range(40))
    assert not bucket.take(start)  # the 41st frame in the same instant is refused
    assert not bucket.abusive
    assert bucket.take(start + 0.25)  # 0.25 s at 20/s refills 5 tokens (4 after the debt)
    for _ in range(3):
        assert bucket.take(start + 0.25)
    assert not bucket.take(start + 0.25)
    for _ in range(39):
        bucket.take(start + 0.25)
    assert not bucket.abusive  # exactly `burst` frames of debt is still tolerated
    bucket.take(start + 0.25)
    assert bucket.abusive
    assert bucket.take(start + 10.0)  # a quiet period restores the full burst
    assert not bucket.abusive


@pytest.mark.parametrize("channel", ["topic:1", "meeting:42", "user:7", "echo:1234567890"])
def test_valid_channels(channel: str) -> None:
    check_channel(channel)


@pytest.mark.parametrize(
    "channel", ["", "topic", "topic:", ":1", "Topic:1", "topic:-1", "topic:1x", "topic:12345678901"]
)
def test_invalid_channels(channel: str) -> None:
    with pytest.raises(ValueError):
        check_channel(channel)


def test_contiguous_detects_missing_ids() -> None:
    assert contiguous([], 5, 5)
    assert contiguous([6, 7, 8], 5, 8)
    assert not contiguous([6, 8], 5, 8)  # 7 missing
    assert not contiguous([7, 8], 5, 8)  # 6 pruned
    assert not contiguous([6, 7], 5, 8)  # the head is missing
