"""Validation of member record input (forms, JSON, spreadsheet rows): clear Chinese errors."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from forum import idcard
from forum.clock import today
from forum.errors import ActionError
from forum.models import STATUS_LABELS, MemberStatus

TEXT_FIELDS: dict[str, tuple[str, int]] = {
    "ethnicity": ("民族", 16),
    "native_place": ("籍贯", 32),
    "phone": ("手机", 20),
    "email": ("邮箱", 128),
    "education": ("学历", 16),
    "workplace": ("工作单位", 64),
    "position": ("职务", 32),
    "archive_location": ("档案存放地", 64),
}
# Milestones in the order they happen (domain.md §2).
MILESTONES: tuple[tuple[str, str], ...] = (
    ("applied_at", "申请入党日期"),
    ("activist_at", "确定积极分子日期"),
    ("development_target_at", "确定发展对象日期"),
    ("probation_at", "接收预备党员日期"),
    ("full_at", "转正日期"),
)
MILESTONE_LABELS = dict(MILESTONES)
# The milestone a status requires (the date it was reached).
STATUS_MILESTONE: dict[str, str] = {
    "applicant": "applied_at",
    "activist": "activist_at",
    "development_target": "development_target_at",
    "probationary": "probation_at",
    "full": "full_at",
}
SEX_LABELS = {"M": "男", "F": "女"}
SEX_VALUES = {"M": "M", "F": "F", "男": "M", "女": "F", "m": "M", "f": "F"}
STATUS_VALUES: dict[str, str] = {
    **{s.value: s.value for s in MemberStatus if s.value != "public"},
    **{label: key for key, label in STATUS_LABELS.items() if key != "public"},
}
PHONE_RE = re.compile(r"^[0-9+\- ]{5,20}$")
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MIN_APPLICANT_AGE = 18


@dataclass
class RecordInput:
    """A validated member record (the ID number normalized, never yet encrypted)."""

    name: str
    id_number: idcard.IdNumber
    status: str
    texts: dict[str, str] = field(default_factory=dict)
    dates: dict[str, dt.date | None] = field(default_factory=dict)


def _text(data: dict[str, Any], name: str, label: str, max_length: int) -> str:
    raw = data.get(name)
    if raw is None:
        return ""
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        raw = str(int(raw)) if float(raw).is_integer() else str(raw)
    if not isinstance(raw, str):
        raise ActionError(f"{label}格式有误", field=name)
    value = " ".join(raw.split())
    if "\x00" in value:
        raise ActionError(f"{label}包含无效字符", field=name)
    if len(value) > max_length:
        raise ActionError(f"{label}不能超过 {max_length} 个字符", field=name)
    return value


def parse_date(raw: Any, name: str, label: str) -> dt.date | None:
    if raw is None or raw == "":
        return None
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    if not isinstance(raw, str):
        raise ActionError(f"{label}格式有误，请使用 2020-01-31 的格式", field=name)
    text = raw.strip().replace("/", "-").replace(".", "-")
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        pass
    match = re.fullmatch(r"(\d{4})年(\d{1,2})月(\d{1,2})日", text)
    if match:
        try:
            return dt.date(*(int(g) for g in match.groups()))
        except ValueError:
            pass
    raise ActionError(f"{label}「{raw}」不是有效日期，请使用 2020-01-31 的格式", field=name)


def clean_name(data: dict[str, Any]) -> str:
    name = _text(data, "name", "姓名", 32)
    if not name:
        raise ActionError("请填写姓名", field="name")
    return name


def clean_status(raw: Any) -> str:
    status = STATUS_VALUES.get(str(raw or "").strip())
    if status is None:
        raise ActionError("请选择有效的党员状态", field="status")
    return status


def clean_id_number(data: dict[str, Any]) -> idcard.IdNumber:
    raw = data.get("id_number")
    if not isinstance(raw, str) or not raw.strip():
        raise ActionError("请填写身份证号", field="id_number")
    parsed = idcard.parse(raw)
    sex = str(data.get("sex") or "").strip()
    if sex:
        if sex not in SEX_VALUES:
            raise ActionError("性别只能是“男”或“女”", field="sex")
        if SEX_VALUES[sex] != parsed.sex:
            raise ActionError(
                f"性别与身份证号不一致：身份证号显示为{SEX_LABELS[parsed.sex]}", field="sex"
            )
    birth = parse_date(data.get("birth_date"), "birth_date", "出生日期")
    if birth is not None and birth != parsed.birth_date:
        shown = parsed.birth_date.isoformat()
        raise ActionError(f"出生日期与身份证号不一致：身份证号显示为 {shown}", field="birth_date")
    return parsed


def clean_texts(data: dict[str, Any]) -> dict[str, str]:
    texts = {name: _text(data, name, label, size) for name, (label, size) in TEXT_FIELDS.items()}
    if texts["phone"] and not PHONE_RE.match(texts["phone"]):
        raise ActionError("手机号码格式有误", field="phone")
    if texts["email"] and not EMAIL_RE.match(texts["email"]):
        raise ActionError("邮箱格式有误", field="email")
    return texts


def clean_dates(data: dict[str, Any], status: str, birth: dt.date) -> dict[str, dt.date | None]:
    dates = {name: parse_date(data.get(name), name, label) for name, label in MILESTONES}
    now = today()
    previous: tuple[str, dt.date] | None = None
    for name, label in MILESTONES:
        value = dates[name]
        if value is None:
            continue
        if value > now:
            raise ActionError(f"{label}不能晚于今天", field=name)
        if previous is not None and value < previous[1]:
            raise ActionError(f"{label}不能早于{MILESTONE_LABELS[previous[0]]}", field=name)
        previous = (name, value)
    applied = dates["applied_at"]
    if applied is not None and _age_on(birth, applied) < MIN_APPLICANT_AGE:
        raise ActionError("申请入党时须年满 18 周岁", field="applied_at")
    needed = STATUS_MILESTONE[status]
    if status in {"probationary", "full"} and dates[needed] is None:
        raise ActionError(
            f"状态为{STATUS_LABELS[status]}时须填写{MILESTONE_LABELS[needed]}", field=needed
        )
    rank = list(STATUS_MILESTONE).index(status)
    for later, label in MILESTONES[rank + 1 :]:
        if dates[later] is not None:
            raise ActionError(f"状态为{STATUS_LABELS[status]}时不应填写{label}", field=later)
    return dates


def _age_on(birth: dt.date, day: dt.date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def age_on(birth: dt.date | None, day: dt.date) -> int | None:
    return None if birth is None else _age_on(birth, day)


def clean_record(data: dict[str, Any]) -> RecordInput:
    """Validate a whole record; the first problem raises ActionError naming the field."""
    name = clean_name(data)
    parsed = clean_id_number(data)
    status = clean_status(data.get("status"))
    texts = clean_texts(data)
    dates = clean_dates(data, status, parsed.birth_date)
    return RecordInput(name=name, id_number=parsed, status=status, texts=texts, dates=dates)


# Labels for the change history table.
FIELD_LABELS: dict[str, str] = {
    "name": "姓名",
    "sex": "性别",
    "birth_date": "出生日期",
    "id_number": "身份证号",
    "status": "状态",
    "org_id": "所在组织",
    "group_id": "党小组",
    **{key: label for key, (label, _) in TEXT_FIELDS.items()},
    **MILESTONE_LABELS,
    "introducer": "入党介绍人",
    "trainer": "培养联系人",
    "summary": "考察意见",
    "host_org_id": "流入组织",
    "certificate": "活动证编号",
}


def past_date(raw: Any, name: str, label: str, *, required: bool = True) -> dt.date | None:
    """A decision's date: today or earlier; required unless `required` is False."""
    day = parse_date(raw, name, label)
    if day is None:
        if required:
            raise ActionError(f"请填写{label}", field=name)
        return None
    if day > today():
        raise ActionError(f"{label}不能晚于今天", field=name)
    return day
