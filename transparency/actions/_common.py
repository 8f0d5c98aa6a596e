"""Helpers shared by the disclosure actions: text cleaning, the limits, reloading an item and
the notifications sent after commit."""

from __future__ import annotations

from forum import publisher
from forum.errors import ActionError
from forum.http import storable
from transparency.models import Disclosure

MAX_TITLE = 120
MAX_BODY = 50_000
MAX_REASON = 500
MAX_FEEDBACK = 2000
MAX_ATTACHMENTS = 10
MAX_TARGETS = 50
STALE = "该事项的状态已经变化，请刷新页面后重试"


def clean_text(value: str, label: str, name: str, *, max_length: int, min_length: int = 1) -> str:
    text = value.replace("\r\n", "\n").strip()
    if not storable(text):
        raise ActionError(f"{label}包含无效字符", field=name)
    if len(text) < min_length:
        raise ActionError(f"请填写{label}" if not text else f"{label}太短", field=name)
    if len(text) > max_length:
        raise ActionError(f"{label}不能超过 {max_length} 个字符", field=name)
    return text


async def _notify(user_ids: set[int | None], kind: str, d: Disclosure) -> None:
    """After commit: a `notification.created` message on each person's `user:{id}` channel."""
    for user_id in sorted(u for u in user_ids if u is not None):
        await publisher.notification_created(
            user_id, kind=kind, disclosure_id=d.id, title=d.title, url=f"/disclosures/{d.id}"
        )


def _search_text(title: str, body: str) -> str:
    return f"{title}\n{body}"


async def reload(d: Disclosure) -> Disclosure:
    """The item with everything the policy and pages read (org, approver org, targets)."""
    fresh = await Disclosure.get(id=d.id).prefetch_related(
        "org", "approver_org", "category", "targets", "created_by"
    )
    return fresh
