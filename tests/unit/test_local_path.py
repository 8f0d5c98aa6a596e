"""`is_local_path`: the one check for redirect targets and site-internal links (issue 14,
finding 10). The table holds what browsers (WHATWG URL parsing) would take to another host."""

from __future__ import annotations

import pytest

from forum.http import is_local_path

LOCAL = [
    "/",
    "/t/5",
    "/meetings/7/minutes",
    "/disclosures?page=2&q=%E5%85%9A",
    "/t/5#post-3",
    "/a/b/../c",
    "/%2F%2Fevil.example",  # percent-encoded slashes stay in the path
    "/login?next=//evil.example",  # a query may hold anything printable
    "/党建/学习",
    "/a:b",
]

NOT_LOCAL = [
    "",
    "t/5",  # relative
    "//evil.example/x",
    "///evil.example/x",
    "/\\evil.example/x",  # the finding: "\" reads as "/"
    "\\/evil.example/x",
    "\\\\evil.example/x",
    "/\\/evil.example",
    "/x\\y",
    "/\t/evil.example",  # tabs and newlines are dropped by the browser
    "/\n/evil.example",
    "/\r/evil.example",
    "\t//evil.example",
    " /x",
    "/x y",
    "/x\x00",
    "/x\x7f",
    "/x\x85",
    "/x\ud800",
    "https://evil.example/x",
    "http:/evil.example",
    "javascript:alert(1)",
    "/\x0b/evil.example",
]


@pytest.mark.parametrize("value", LOCAL)
def test_local_paths_pass(value: str) -> None:
    assert is_local_path(value)


@pytest.mark.parametrize("value", NOT_LOCAL)
def test_other_sites_and_tricks_are_refused(value: str) -> None:
    assert not is_local_path(value)


@pytest.mark.parametrize("value", [None, 5, ["/"], b"/x"])
def test_non_strings_are_refused(value: object) -> None:
    assert not is_local_path(value)
