"""Fixtures shared by the moderation tests."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

import pytest

from forum.settings import Settings, get_settings
from moderation import newmembers, ratelimit


@pytest.fixture(autouse=True)
def strict_moderation(monkeypatch: pytest.MonkeyPatch) -> Iterator[Settings]:
    """New-member safety and cooldowns as in production (the suite turns them off): new for
    3 days, cooldown 10 s, 120 s for new accounts. The approved-posts rule is off here (the
    tests that need it set `new_account_min_posts`): counters of other parts would see no
    posts in these worlds."""
    strict = dataclasses.replace(
        get_settings(),
        new_account_days=3,
        new_account_min_posts=0,
        post_cooldown_seconds=10,
        new_account_post_cooldown_seconds=120,
    )
    monkeypatch.setattr(newmembers, "get_settings", lambda: strict)
    monkeypatch.setattr(ratelimit, "get_settings", lambda: strict)
    yield strict
