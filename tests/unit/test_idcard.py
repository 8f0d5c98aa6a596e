from __future__ import annotations

import datetime as dt
import random

import pytest

from forum import crypto, idcard
from forum.errors import ActionError


def test_domain_example_is_valid() -> None:
    parsed = idcard.parse("34052419800101001X")
    assert parsed.value == "34052419800101001X"
    assert parsed.birth_date == dt.date(1980, 1, 1)
    assert parsed.sex == "M"  # sequence 001 is odd
    assert parsed.masked == "340524********001X"


def test_lowercase_x_is_accepted_and_stored_uppercase() -> None:
    assert idcard.parse(" 34052419800101001x ").value == "34052419800101001X"


@pytest.mark.parametrize(
    ("raw", "problem"),
    [
        ("3405241980010100", "18 位"),
        ("34052419800101001X0", "18 位"),
        ("34052419800101001Y", "最后一位"),
        ("3405241980A101001X", "前 17 位"),
        ("340524198002300015", "出生日期"),  # 30 February
        ("340524190002290011", "出生日期"),  # 1900 was not a leap year
        ("340524198001010011", "校验位"),  # wrong check character
    ],
)
def test_invalid_numbers_name_the_problem(raw: str, problem: str) -> None:
    with pytest.raises(ActionError) as info:
        idcard.parse(raw)
    assert problem in info.value.message
    assert info.value.field == "id_number"


def test_future_birth_date_refused() -> None:
    first17 = "11010120990101001"
    with pytest.raises(ActionError, match="不合理"):
        idcard.parse(first17 + idcard.check_char(first17))


def test_generated_numbers_validate_with_derived_fields() -> None:
    rng = random.Random(1)
    for _ in range(200):
        birth = dt.date(rng.randint(1940, 2005), rng.randint(1, 12), rng.randint(1, 28))
        sex = rng.choice("MF")
        parsed = idcard.parse(idcard.generate(rng, birth, sex))
        assert parsed.birth_date == birth and parsed.sex == sex


def test_encryption_round_trip_is_randomized_and_authenticated() -> None:
    a, b = crypto.encrypt("34052419800101001X"), crypto.encrypt("34052419800101001X")
    assert a != b and "34052419800101001X" not in a
    assert crypto.decrypt(a) == "34052419800101001X"
    tampered = a[:-4] + ("AAAA" if a[-4:] != "AAAA" else "BBBB")
    with pytest.raises(Exception):  # noqa: B017 - any authentication failure
        crypto.decrypt(tampered)


def test_lookup_hash_is_deterministic_and_keyed() -> None:
    h = crypto.lookup_hash("34052419800101001X")
    assert h == crypto.lookup_hash("34052419800101001X")
    assert h != crypto.lookup_hash("34052419800101002X")
    assert len(h) == 64 and "340524" not in h


def _with_region(region: str) -> str:
    first17 = f"{region}19800101001"
    return first17 + idcard.check_char(first17)


# Province-level codes at the edges of every range, and the codes just outside them.
VALID_PROVINCES = ["11", "15", "21", "23", "31", "37", "41", "46", "50", "54", "61", "65"]
VALID_PROVINCES += ["71", "81", "82"]
INVALID_PROVINCES = ["00", "10", "16", "20", "24", "30", "38", "40", "47", "49", "55", "60"]
INVALID_PROVINCES += ["66", "70", "72", "80", "83", "90", "99"]


@pytest.mark.parametrize("code", VALID_PROVINCES)
def test_province_codes_at_the_range_ends_are_accepted(code: str) -> None:
    assert idcard.parse(_with_region(code + "0101")).value.startswith(code)


@pytest.mark.parametrize("code", INVALID_PROVINCES)
def test_numbers_outside_the_province_codes_are_refused(code: str) -> None:
    with pytest.raises(ActionError) as info:
        idcard.parse(_with_region(code + "0000"))
    assert "省级行政区划代码" in info.value.message and code in info.value.message
    assert info.value.field == "id_number"
