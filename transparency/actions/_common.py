"""Helpers shared by the disclosure actions: text cleaning, the limits, reloading an item and
the notifications sent after commit."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from forum import notifications
from forum.errors import ActionError
from forum.http import storable
from forum.models import OrgRole
from forum.notifications import Announcement, NotificationKind
from forum.policy import Viewer
from forum.viewer import viewer_for_user
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


GROUP = "党务公开"
NOTIFICATION_KINDS = (
    NotificationKind("disclosure.proposed", "有公开事项等待我审核", GROUP),
    NotificationKind("disclosure.reviewed", "有公开事项等待我审批", GROUP),
    NotificationKind("disclosure.approved", "公开事项已审批，等待发布", GROUP),
    NotificationKind("disclosure.published", "我经手的公开事项已发布", GROUP),
    NotificationKind("disclosure.rejected", "我经手的公开事项被退回", GROUP),
    NotificationKind("disclosure.feedback_answered", "我的反馈得到答复", GROUP),
)


async def may_act(d: Disclosure, may: Callable[[Viewer, Disclosure], bool]) -> set[int]:
    """The people who may take the item's next step, as the policy decides (`may`), among
    those holding a role in its org or an org above it. Call inside the transaction, after
    the state change."""
    org_ids = list(d.org.ancestor_ids)
    holders = await OrgRole.filter(org_id__in=org_ids, ended_at__isnull=True).values("user_id")
    people: set[int] = set()
    for user_id in sorted({int(r["user_id"]) for r in holders}):
        if may(await viewer_for_user(user_id), d):
            people.add(user_id)
    return people


async def _notify(
    user_ids: Iterable[int | None], kind: str, d: Disclosure, text: str, actor: Viewer
) -> Announcement:
    """Inside the transaction: the inbox rows; `send()` the result after the commit."""
    return await notifications.notify(
        user_ids,
        kind,
        text=text,
        title=d.title,
        url=f"/disclosures/{d.id}",
        actor_id=actor.user_id,
        subject=f"disclosure:{d.id}",
        data={"disclosure_id": d.id, "title": d.title},
    )


def _search_text(title: str, body: str) -> str:
    return f"{title}\n{body}"


async def reload(d: Disclosure) -> Disclosure:
    """The item with everything the policy and pages read (org, approver org, targets)."""
    fresh = await Disclosure.get(id=d.id).prefetch_related(
        "org", "approver_org", "category", "targets", "created_by"
    )
    return fresh
