"""Download names: RFC 6266 `filename*` with an ASCII fallback, the extension last."""

from __future__ import annotations

import datetime as dt

import pytest

from forum.http import attachment_disposition, dated_filename
from tests.disposition import parse


def test_dated_filename_puts_the_extension_last() -> None:
    name = dated_filename("第一党支部党员名册", "xlsx", dt.date(2026, 12, 2))
    assert name == "第一党支部党员名册-2026-12-02.xlsx"


def test_attachment_disposition_chinese_name_and_ascii_fallback() -> None:
    header = attachment_disposition(
        "第一党支部党员名册-2026-12-02.xlsx", "members-4-2026-12-02.xlsx"
    )
    kind, params = parse(header)
    assert kind == "attachment"
    assert params["filename*"] == "第一党支部党员名册-2026-12-02.xlsx"
    assert params["filename"] == "members-4-2026-12-02.xlsx"
    assert header.isascii()


@pytest.mark.parametrize(
    ("name", "fallback", "expected_name", "expected_ascii"),
    [
        ("操作日志-2026-12-02.csv", "", "操作日志-2026-12-02.csv", "2026-12-02.csv"),
        ("党员名册.xlsx", "", "党员名册.xlsx", "download.xlsx"),
        ('a"b\\c/d:e.csv', "", "a_b_c_d_e.csv", "a_b_c_d_e.csv"),
        ("line\r\nbreak;x=1.csv", "", "line__break;x=1.csv", "line__break;x=1.csv"),
        ("支部 % 100%.csv", "", "支部 % 100%.csv", "% 100%.csv"),
        ("", "", "download", "download"),
    ],
)
def test_attachment_disposition_hostile_names_stay_one_parameter(
    name: str, fallback: str, expected_name: str, expected_ascii: str
) -> None:
    header = attachment_disposition(name, fallback)
    assert "\r" not in header and "\n" not in header and header.isascii()
    _, params = parse(header)
    assert params["filename*"] == expected_name
    assert params["filename"] == expected_ascii
