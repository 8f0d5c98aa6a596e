"""Parsing of disclosure forms (HTML) and bodies (JSON API) into `actions.DraftInput`."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from starlette.datastructures import FormData

from forum.clock import utcnow
from forum.errors import ActionError
from forum.http import lines, storable
from forum.models import User
from forum.settings import get_settings
from transparency.actions import DraftInput, clean_attachments

MAX_TARGET_NAMES = 50


def parse_local_datetime(raw: str, label: str, name: str) -> dt.datetime:
    """`<input type=datetime-local>` (Beijing time) to aware UTC."""
    try:
        value = dt.datetime.fromisoformat(raw.strip())
        if value.tzinfo is None:
            value = value.replace(tzinfo=ZoneInfo(get_settings().timezone))
        return value.astimezone(dt.UTC)
    except (ValueError, OverflowError) as exc:
        raise ActionError(f"{label}格式有误", field=name) from exc


def local_input(value: dt.datetime | None) -> str:
    if value is None:
        return ""
    return value.astimezone(ZoneInfo(get_settings().timezone)).strftime("%Y-%m-%dT%H:%M")


def parse_attachment_lines(raw: str) -> list[dict[str, str]]:
    """One attachment per line: `名称 | https://...` (or just the address)."""
    items = []
    for line in lines(raw):
        line = line.strip()
        if not line:
            continue
        title, _, url = line.rpartition("|") if "|" in line else ("", "", line)
        items.append((title.strip(), url.strip()))
    return clean_attachments(items)


def attachment_lines(attachments: list[dict[str, str]]) -> str:
    return "\n".join(f"{a['title']} | {a['url']}" for a in attachments)


USERNAME_CHARS = 32  # User.username's column length


async def user_ids_for(names: list[str]) -> list[int]:
    names = [n for n in dict.fromkeys(n.strip() for n in names) if n]
    if not all(storable(n) for n in names):
        raise ActionError("用户名包含无效字符", field="target_usernames")
    if len(names) > MAX_TARGET_NAMES:
        raise ActionError(f"定向人员最多 {MAX_TARGET_NAMES} 人", field="target_usernames")
    # A name longer than the column matches nobody (and the ORM would refuse to bind it).
    fits = [n for n in names if len(n) <= USERNAME_CHARS]
    users = await User.filter(username__in=fits, is_active=True) if fits else []
    found = {u.username: u.id for u in users}
    missing = [n for n in names if n not in found]
    if missing:
        raise ActionError("找不到用户：" + "、".join(missing[:5]), field="target_usernames")
    return [found[n] for n in names]


def _int(value: Any, label: str, name: str) -> int:
    try:
        number = int(str(value))
    except (TypeError, ValueError) as exc:
        raise ActionError(f"请选择{label}", field=name) from exc
    if number <= 0 or number > 2**31 - 1:
        raise ActionError(f"请选择{label}", field=name)
    return number


async def draft_from_form(form: FormData) -> DraftInput:
    def get(name: str) -> str:
        value = form.get(name)
        return value if isinstance(value, str) else ""

    publish_raw = get("publish_from")
    publish_from = (
        parse_local_datetime(publish_raw, "发布时间", "publish_from") if publish_raw else utcnow()
    )
    until_raw = get("until")
    names = get("target_usernames").replace("，", ",").replace(",", " ").split()
    return DraftInput(
        title=get("title"),
        body=get("body"),
        category_id=_int(form.get("category"), "公开类别", "category"),
        scope=get("scope"),
        publish_from=publish_from,
        until=parse_local_datetime(until_raw, "截止时间", "until") if until_raw else None,
        attachments=parse_attachment_lines(get("attachments")),
        target_org_ids=[_int(v, "定向组织", "target_orgs") for v in form.getlist("target_orgs")],
        target_user_ids=await user_ids_for(names),
    )


DRAFT_FIELDS = {
    "org_id",
    "title",
    "body",
    "category_id",
    "scope",
    "publish_from",
    "until",
    "attachments",
    "target_org_ids",
    "target_usernames",
}


def _iso(value: Any, name: str) -> dt.datetime:
    if not isinstance(value, str):
        raise ActionError(f"{name} 必须是 ISO 8601 时间字符串", field=name)
    try:
        parsed = dt.datetime.fromisoformat(value)
        if parsed.tzinfo is None:
            raise ActionError(f"{name} 必须带时区", field=name)
        return parsed.astimezone(dt.UTC)
    except (ValueError, OverflowError) as exc:
        raise ActionError(f"{name} 不是有效的时间", field=name) from exc


def _str(data: dict[str, Any], name: str, *, required: bool = True) -> str:
    value = data.get(name, "" if not required else None)
    if not isinstance(value, str):
        raise ActionError(f"{name} 必须是字符串", field=name)
    return value


def _int_list(data: dict[str, Any], name: str) -> list[int]:
    value = data.get(name, [])
    if not isinstance(value, list) or not all(
        isinstance(v, int) and not isinstance(v, bool) and 0 < v < 2**31 for v in value
    ):
        raise ActionError(f"{name} 必须是正整数数组", field=name)
    return list(value)


async def draft_from_json(data: dict[str, Any]) -> tuple[int, DraftInput]:
    extra = set(data) - DRAFT_FIELDS
    if extra:
        raise ActionError(f"未知字段：{', '.join(sorted(extra))}")
    org_id, category_id = data.get("org_id"), data.get("category_id")
    for name, value in (("org_id", org_id), ("category_id", category_id)):
        if not isinstance(value, int) or isinstance(value, bool) or not 0 < value < 2**31:
            raise ActionError(f"{name} 必须是正整数", field=name)
    attachments = data.get("attachments", [])
    if not isinstance(attachments, list) or not all(
        isinstance(a, dict)
        and set(a) <= {"title", "url"}
        and isinstance(a.get("url"), str)
        and isinstance(a.get("title", ""), str)
        for a in attachments
    ):
        raise ActionError("attachments 必须是 {title, url} 对象数组", field="attachments")
    names = data.get("target_usernames", [])
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        raise ActionError("target_usernames 必须是字符串数组", field="target_usernames")
    until = data.get("until")
    draft = DraftInput(
        title=_str(data, "title"),
        body=_str(data, "body"),
        category_id=int(category_id),  # type: ignore[arg-type]
        scope=_str(data, "scope"),
        publish_from=_iso(data["publish_from"], "publish_from")
        if data.get("publish_from") is not None
        else utcnow(),
        until=_iso(until, "until") if until is not None else None,
        attachments=clean_attachments([(a.get("title", ""), a["url"]) for a in attachments]),
        target_org_ids=_int_list(data, "target_org_ids"),
        target_user_ids=await user_ids_for(names),
    )
    return int(org_id), draft  # type: ignore[arg-type]
