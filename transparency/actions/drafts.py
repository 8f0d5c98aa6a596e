"""Drafting: validating a draft's fields and creating or editing it (a rejected item edited
goes back to draft)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from tortoise.transactions import in_transaction

from forum import audit, markup
from forum.clock import utcnow
from forum.errors import ActionError, Conflict
from forum.http import is_local_path, storable
from forum.models import Org
from forum.policy import Viewer, can_draft_disclosure_for, can_edit_disclosure, ensure
from transparency.actions._common import (
    MAX_ATTACHMENTS,
    MAX_BODY,
    MAX_TARGETS,
    MAX_TITLE,
    STALE,
    _search_text,
    clean_text,
    reload,
)
from transparency.models import Disclosure, DisclosureCategory, DisclosureTarget, Scope, State


@dataclass
class DraftInput:
    """Validated fields of a draft (from the form or the JSON API)."""

    title: str
    body: str
    category_id: int
    scope: str
    publish_from: dt.datetime
    until: dt.datetime | None = None
    attachments: list[dict[str, str]] = field(default_factory=list)
    target_org_ids: list[int] = field(default_factory=list)
    target_user_ids: list[int] = field(default_factory=list)


def clean_attachments(items: list[tuple[str, str]]) -> list[dict[str, str]]:
    if len(items) > MAX_ATTACHMENTS:
        raise ActionError(f"附件链接最多 {MAX_ATTACHMENTS} 个", field="attachments")
    cleaned = []
    for title, url in items:
        url = url.strip()
        if not (url.startswith(("https://", "http://")) or is_local_path(url)):
            raise ActionError(
                f"附件链接「{url[:40]}」无效：请使用 http(s):// 或站内 / 开头的地址",
                field="attachments",
            )
        if len(url) > 500 or any(c.isspace() for c in url) or not storable(url):
            raise ActionError("附件链接过长或包含空格", field="attachments")
        cleaned.append(
            {
                "title": clean_text(title or url, "附件名称", "attachments", max_length=100),
                "url": url,
            }
        )
    return cleaned


async def validate_draft(data: DraftInput) -> DraftInput:
    data.title = clean_text(data.title, "标题", "title", max_length=MAX_TITLE, min_length=2)
    data.body = clean_text(data.body, "正文", "body", max_length=MAX_BODY)
    if data.scope not in Scope.__members__:
        raise ActionError("请选择公开范围", field="scope")
    if not await DisclosureCategory.filter(id=data.category_id, is_active=True).exists():
        raise ActionError("请选择公开类别", field="category")
    if data.publish_from.tzinfo is None or (data.until is not None and data.until.tzinfo is None):
        raise ActionError("时间必须包含时区", field="publish_from")
    if data.until is not None and data.until <= data.publish_from:
        raise ActionError("截止时间必须晚于发布时间", field="until")
    if data.scope == "targeted":
        if not data.target_org_ids and not data.target_user_ids:
            raise ActionError("定向公开需要指定至少一个组织或人员", field="targets")
        if len(data.target_org_ids) + len(data.target_user_ids) > MAX_TARGETS:
            raise ActionError(f"定向对象最多 {MAX_TARGETS} 个", field="targets")
        found = await Org.filter(id__in=data.target_org_ids, is_active=True).count()
        if found != len(set(data.target_org_ids)):
            raise ActionError("指定的组织不存在", field="targets")
    else:
        data.target_org_ids, data.target_user_ids = [], []
    data.target_org_ids = sorted(set(data.target_org_ids))
    data.target_user_ids = sorted(set(data.target_user_ids))
    return data


async def _set_targets(d: Disclosure, data: DraftInput) -> None:
    await DisclosureTarget.filter(disclosure_id=d.id).delete()
    rows = [DisclosureTarget(disclosure_id=d.id, org_id=o) for o in data.target_org_ids]
    rows += [DisclosureTarget(disclosure_id=d.id, user_id=u) for u in data.target_user_ids]
    if rows:
        await DisclosureTarget.bulk_create(rows)


def _draft_fields(data: DraftInput) -> dict[str, Any]:
    """The columns a validated draft sets, on create and on edit alike (rendered once)."""
    return {
        "title": data.title,
        "category_id": data.category_id,
        "scope": data.scope,
        "state": State.draft,
        "publish_from": data.publish_from,
        "until": data.until,
        "attachments": data.attachments,
        "body_raw": data.body,
        "body_html": markup.render(data.body),
        "render_version": markup.VERSION,
        "search_text": _search_text(data.title, data.body),
    }


async def create_disclosure(actor: Viewer, org: Org, data: DraftInput) -> Disclosure:
    """A new draft of `org`. Audited as disclosure.created."""
    ensure(can_draft_disclosure_for(actor, org))
    data = await validate_draft(data)
    async with in_transaction():
        d = await Disclosure.create(
            **_draft_fields(data),
            org_id=org.id,
            created_by_id=actor.user_id or 0,  # the policy guarantees a logged-in actor
        )
        await _set_targets(d, data)
        await audit.record(
            actor,
            "disclosure.created",
            "disclosure",
            d.id,
            org_path=org.path,
            after={"title": d.title, "scope": data.scope, "state": "draft"},
        )
    return await reload(d)


async def update_disclosure(actor: Viewer, d: Disclosure, data: DraftInput) -> Disclosure:
    """Edit a draft, or a rejected item (which goes back to draft)."""
    ensure(can_edit_disclosure(actor, d))
    data = await validate_draft(data)
    before = d.snapshot()
    async with in_transaction():
        updated = await Disclosure.filter(id=d.id, state=d.state).update(
            **_draft_fields(data), approver_org_id=None, updated_at=utcnow()
        )
        if not updated:  # SQLite counts FTS trigger rows too: test for zero
            raise Conflict(STALE)
        await _set_targets(d, data)
        fresh = await reload(d)
        await audit.record(
            actor,
            "disclosure.updated",
            "disclosure",
            d.id,
            org_path=d.org.path,
            before=before,
            after=fresh.snapshot(),
        )
    return fresh
