"""FORUM_PUBLIC_BASE_URL (issue 14, finding 9): absolute links come from this setting."""

from __future__ import annotations

import pytest

from forum.settings import ConfigError, load_settings


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("https://dangjian.example.org", "https://dangjian.example.org"),
        ("https://dangjian.example.org/", "https://dangjian.example.org"),
        ("HTTPS://DangJian.Example.org:8443", "https://dangjian.example.org:8443"),
        ("http://127.0.0.1:8000", "http://127.0.0.1:8000"),
        ("http://[::1]:8000", "http://[::1]:8000"),
    ],
)
def test_valid_base_urls(monkeypatch: pytest.MonkeyPatch, raw: str, expected: str) -> None:
    monkeypatch.setenv("FORUM_PUBLIC_BASE_URL", raw)
    assert load_settings().public_base_url == expected


@pytest.mark.parametrize(
    "raw",
    [
        "dangjian.example.org",
        "ftp://dangjian.example.org",
        "javascript:alert(1)",
        "https://",
        "https://user:pw@dangjian.example.org",
        "https://dangjian.example.org/forum",
        "https://dangjian.example.org?x=1",
        "https://dangjian.example.org#top",
        "https://dangjian.example.org:99999",
        "https://dang jian.example.org",
        "https://dangjian.example.org\\@evil.example",
        "//dangjian.example.org",
    ],
)
def test_invalid_base_urls_stop_the_start(monkeypatch: pytest.MonkeyPatch, raw: str) -> None:
    monkeypatch.setenv("FORUM_PUBLIC_BASE_URL", raw)
    with pytest.raises(ConfigError, match="FORUM_PUBLIC_BASE_URL"):
        load_settings()


def test_default_is_the_first_allowed_origin(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FORUM_PUBLIC_BASE_URL", raising=False)
    monkeypatch.setenv("FORUM_ALLOWED_ORIGINS", "https://a.example.org,https://b.example.org")
    assert load_settings().public_base_url == "https://a.example.org"
    monkeypatch.delenv("FORUM_ALLOWED_ORIGINS")
    assert load_settings().public_base_url == "http://127.0.0.1:8000"
