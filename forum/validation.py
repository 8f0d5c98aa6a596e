"""One rule for user text everywhere (forms, JSON, websocket frames, actions): trimmed, no NUL,
and over-long input refused with a Chinese message naming the field and the limit, never cut."""

from __future__ import annotations

from forum.errors import ActionError


def clean_text(
    raw: object,
    name: str,
    label: str,
    *,
    max_length: int,
    required: bool = True,
    min_length: int = 0,
) -> str:
    if raw is None:
        raw = ""
    if not isinstance(raw, str):
        raise ActionError(f"{label}格式有误", field=name)
    value = raw.strip()
    if "\x00" in value:
        raise ActionError(f"{label}包含无效字符", field=name)
    if required and not value:
        raise ActionError(f"请填写{label}", field=name)
    if len(value) > max_length:
        raise ActionError(f"{label}不能超过 {max_length} 个字符", field=name)
    if value and len(value) < min_length:
        raise ActionError(f"{label}至少需要 {min_length} 个字符", field=name)
    return value
