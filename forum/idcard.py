"""Resident ID numbers (身份证号, GB 11643-1999): validation, derivation, masking, generation."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from forum import clock
from forum.errors import ActionError

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
# The first two digits: a province-level division (GB/T 2260), including 71 台湾, 81 香港
# and 82 澳门, which the standard reserves.
PROVINCE_CODES = frozenset(
    (*range(11, 16), *range(21, 24), *range(31, 38), *range(41, 47), *range(50, 55)),
) | frozenset((*range(61, 66), 71, 81, 82))
CHECK_CHARS = "10X98765432"


@dataclass(frozen=True)
class IdNumber:
    value: str  # normalized: 18 characters, uppercase X
    birth_date: dt.date
    sex: str  # "M" or "F"

    @property
    def masked(self) -> str:
        return mask(self.value)


def check_char(first17: str) -> str:
    total = sum(int(d) * w for d, w in zip(first17, WEIGHTS, strict=True))
    return CHECK_CHARS[total % 11]


def parse(raw: str) -> IdNumber:
    """Validate and normalize; errors name the problem (length, date, check character)."""
    value = raw.strip().upper()
    if len(value) != 18:
        raise ActionError(f"身份证号应为 18 位，当前为 {len(value)} 位", field="id_number")
    if not value[:17].isdigit() or not value[:17].isascii():
        raise ActionError("身份证号前 17 位必须是数字", field="id_number")
    if not (value[17].isdigit() and value[17].isascii()) and value[17] != "X":
        raise ActionError("身份证号最后一位必须是数字或 X", field="id_number")
    if int(value[:2]) not in PROVINCE_CODES:
        raise ActionError(
            f"身份证号前两位 {value[:2]} 不是有效的省级行政区划代码", field="id_number"
        )
    try:
        birth = dt.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError as exc:
        raise ActionError(f"身份证号中的出生日期 {value[6:14]} 不存在", field="id_number") from exc
    if birth.year < 1900 or birth > clock.today():
        raise ActionError(f"身份证号中的出生日期 {value[6:14]} 不合理", field="id_number")
    expected = check_char(value[:17])
    if value[17] != expected:
        raise ActionError("身份证号校验位不正确，请核对后重新输入", field="id_number")
    sex = "M" if int(value[16]) % 2 == 1 else "F"
    return IdNumber(value=value, birth_date=birth, sex=sex)


def mask(value: str) -> str:
    """340524********001X: region and the last four stay visible."""
    if len(value) != 18:
        return "*" * len(value)
    return value[:6] + "*" * 8 + value[14:]


def generate(rng: random.Random, birth: dt.date, sex: str, region: str = "110101") -> str:
    """A checksum-valid number (demo data and tests) built with the validator's own rule."""
    sequence = rng.randrange(0, 500) * 2 + (1 if sex == "M" else 0)
    first17 = f"{region}{birth:%Y%m%d}{sequence:03d}"
    return first17 + check_char(first17)
