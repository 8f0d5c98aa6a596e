"""Typed form fields: a person's input gets a clear error naming the field, never a 500."""

from __future__ import annotations

import pytest

from forum.errors import ActionError
from forum.http import INT32_MAX, int_field, lines, optional_int_field, whole_number


@pytest.mark.parametrize(
    ("raw", "expected"), [("3", 3), (" 12 ", 12), ("", 1), (None, 1), ("999", 999)]
)
def test_whole_numbers_in_range_are_read(raw: str | None, expected: int) -> None:
    data = {} if raw is None else {"seats": raw}
    assert int_field(data, "seats", "应选人数", minimum=1, maximum=999, default=1) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "0",
        "1000",
        "-1",
        "²",
        "١٢",
        "１２",
        "1.5",
        "1e3",
        "12abc",
        "9" * 40,
        "\x00",
        "08",
        "+5",
        "-0",
    ],
)
def test_anything_else_is_refused_naming_the_field(raw: str) -> None:
    with pytest.raises(ActionError) as caught:
        int_field({"seats": raw}, "seats", "应选人数", minimum=1, maximum=999, default=1)
    assert caught.value.field == "seats" and "应选人数" in caught.value.message


def test_blank_without_a_default_is_refused() -> None:
    with pytest.raises(ActionError):
        int_field({"n": " "}, "n", "数量", minimum=0, maximum=10)


def test_lines_split_on_cr_and_lf_only() -> None:
    assert lines("议程一\r\n议程二\r议程三\n议程\x1c四\u2028续\x85完") == [
        "议程一",
        "议程二",
        "议程三",
        "议程\x1c四\u2028续\x85完",
    ]
    assert lines("") == []


def test_optional_numbers_are_none_when_blank_and_checked_otherwise() -> None:
    assert optional_int_field({"days": " "}, "days", "天数", minimum=0, maximum=30) is None
    assert optional_int_field({}, "days", "天数", minimum=0, maximum=30) is None
    assert optional_int_field({"days": "7"}, "days", "天数", minimum=0, maximum=30) == 7
    with pytest.raises(ActionError):
        optional_int_field({"days": "⁰⁴⁵"}, "days", "天数", minimum=0, maximum=30)
    with pytest.raises(ActionError):
        whole_number("99999999999999999999", "numbers", "楼层", minimum=1, maximum=INT32_MAX)
