"""Flags and the review queue: report, auto-hide at the threshold, and moderator decisions.

Every decision (approve, hide, delete, restore, edit, dismiss) is audited in the same
transaction, the author gets a notice with the reason, and the owning part's realtime
events are published after commit.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from forum import audit, publisher
from forum.clock import utcnow
from forum.errors import ActionError, NotFound
from forum.events import ChannelEvent
from forum.parts import Registry
from forum.policy import (
    Viewer,
    can_flag_content,
    can_moderate_content,
    can_moderate_scope,
    ensure,
    ensure_visible,
)
from forum.settings import get_settings
from moderation import notices
from moderation.models import FLAG_REASON_LABELS, Flag, Notice, ReviewItem, ReviewSource
from moderation.registry import FlagTarget, TargetInfo, load_target

DECISIONS = ("approve", "hide", "delete", "restore", "edit", "dismiss")
DECISION_LABELS = {
    "approve": "通过",
    "hide": "隐藏",
    "delete": "删除",
    "restore": "恢复",
    "edit": "编辑",
    "dismiss": "驳回举报",
}
# The moderation system itself (automatic hiding at the flag threshold).
SYSTEM = Viewer(username="system")

logger = logging.getLogger("grassroots.moderation")


# Called with the item's id after an approval of an item that was hidden (held back for
# review, or hidden by flags) committed: the owning part sends what publishing the item
# would have sent (mention, quote and reply notifications). Must be idempotent.
@dataclass(frozen=True)
class Release:
    kind: str
    release: Callable[[int], Awaitable[None]]

    def install(self) -> None:
        RELEASES.add(self.kind, self)


RELEASES: Registry[Release] = Registry("review releases")


async def _open_item(kind: str, target_id: int) -> ReviewItem | None:
    return await ReviewItem.filter(
        target_kind=kind, target_id=target_id, resolved_at__isnull=True
    ).first()


async def _upsert_item(
    info: TargetInfo, source: ReviewSource, reasons: Sequence[str]
) -> ReviewItem:
    item = await _open_item(info.kind, info.id)
    if item is None:
        return await ReviewItem.create(
            target_kind=info.kind,
            target_id=info.id,
            source=source,
            org_path=info.org_path,
            board_id=info.board_id,
            author_id=info.author_id,
            excerpt=info.excerpt[:300],
            reasons=list(dict.fromkeys(reasons)),
        )
    merged = list(dict.fromkeys([*item.reasons, *reasons]))
    await ReviewItem.filter(id=item.id).update(reasons=merged)
    item.reasons = merged
    return item


async def flag_content(
    actor: Viewer, kind: str, target_id: int, reason: str, text: str = ""
) -> Flag:
    """One flag per member and item; at `flag_hide_threshold` distinct flags the item is
    hidden pending review (audited as the system; the author is told)."""
    target, info = await load_target(kind, target_id)
    ensure_visible(target.visible_to(actor, info))
    ensure(can_flag_content(actor, info.ref))
    if reason not in FLAG_REASON_LABELS:
        raise ActionError("请选择举报原因", field="reason")
    text = text.strip()
    if reason == "other" and not text:
        raise ActionError("选择“其他”时请说明原因", field="text")
    if len(text) > 500:
        raise ActionError("说明不能超过 500 个字符", field="text")
    events: Sequence[ChannelEvent] = ()
    notice: Notice | None = None
    try:
        async with in_transaction():
            flag = await Flag.create(
                target_kind=kind,
                target_id=target_id,
                user_id=actor.user_id,
                reason=reason,
                text=text,
            )
            count = await Flag.filter(
                target_kind=kind, target_id=target_id, dismissed_at__isnull=True
            ).count()
            item = await _upsert_item(info, ReviewSource.flags, [FLAG_REASON_LABELS[reason]])
            await ReviewItem.filter(id=item.id).update(flag_count=count)
            if count >= get_settings().flag_hide_threshold and not (info.hidden or info.deleted):
                events = await target.hide(target_id, SYSTEM, "举报达到阈值，待审核")
                await ReviewItem.filter(id=item.id).update(hidden_by_review=True)
                await audit.record(
                    SYSTEM,
                    "content.auto_hide",
                    kind,
                    target_id,
                    org_path=info.org_path,
                    after={"flags": count, "review_item": item.id},
                    reason=f"{count} 人举报，自动隐藏待审核",
                )
                if info.author_id is not None:
                    notice = await notices.create(
                        info.author_id,
                        f"您发布的{target.label}因多人举报已暂时隐藏，等待管理员审核",
                        info.excerpt[:200],
                    )
    except IntegrityError as exc:
        raise ActionError("您已经举报过这条内容，管理员会尽快处理") from exc
    await _after_commit(events, notice)
    return flag


async def enqueue_review(
    kind: str, target_id: int, *, source: str, reasons: Sequence[str] = (), hidden: bool = False
) -> ReviewItem:
    """Put an item in its scope's queue (word filter `review`, premoderation). When the
    owning part already holds the item back (`hidden=True`), approving it restores it."""
    _, info = await load_target(kind, target_id)
    async with in_transaction():
        item = await _upsert_item(info, ReviewSource(source), reasons)
        if hidden and not item.hidden_by_review:
            await ReviewItem.filter(id=item.id).update(hidden_by_review=True)
            item.hidden_by_review = True
    return item


async def get_item_for(viewer: Viewer, item_id: int) -> ReviewItem:
    item = await ReviewItem.get_or_none(id=item_id)
    if item is None:
        raise NotFound()
    ensure_visible(can_moderate_scope(viewer, item.org_path, item.board_id))
    return item


async def _after_commit(events: Sequence[ChannelEvent], notice: Notice | None) -> None:
    if events:
        await publisher.publish(*events)
    if notice is not None:
        await notices.publish(notice)


def _check_decision(actor: Viewer, info: TargetInfo, decision: str, reason: str) -> str:
    if decision not in DECISIONS:
        raise ActionError("未知的处理方式", field="decision")
    ensure(can_moderate_content(actor, info.ref))
    reason = reason.strip()
    if decision in ("hide", "delete", "edit") and not reason:
        raise ActionError("请填写处理原因（会告知作者）", field="reason")
    if len(reason) > 1000:
        raise ActionError("原因不能超过 1000 个字符", field="reason")
    return reason


async def _apply(
    target: FlagTarget, info: TargetInfo, actor: Viewer, decision: str, reason: str, new_text: str
) -> Sequence[ChannelEvent]:
    if decision == "hide":
        return await target.hide(info.id, actor, reason)
    if decision == "delete":
        return await target.delete(info.id, actor, reason)
    if decision == "edit":
        if target.edit is None:
            raise ActionError(f"{target.label}不支持编辑")
        if not new_text.strip():
            raise ActionError("请填写修改后的内容", field="body")
        return await target.edit(info.id, actor, new_text, reason)
    if info.hidden or info.deleted:  # approve, restore, dismiss bring the item back
        return await target.restore(info.id, actor, reason)
    return ()


async def moderate_content(
    actor: Viewer,
    kind: str,
    target_id: int,
    decision: str,
    reason: str = "",
    *,
    new_text: str = "",
) -> ReviewItem | None:
    """Apply one decision to an item (from the queue or from the item's page); resolves its
    open review item, if any. Audited as `content.<decision>`; the author is notified."""
    target, info = await load_target(kind, target_id)
    reason = _check_decision(actor, info, decision, reason)
    now = utcnow()
    notice: Notice | None = None
    async with in_transaction():
        item = await _open_item(kind, target_id)
        events = await _apply(target, info, actor, decision, reason, new_text)
        if decision in ("approve", "dismiss", "restore"):
            await Flag.filter(
                target_kind=kind, target_id=target_id, dismissed_at__isnull=True
            ).update(dismissed_at=now)
        if item is not None and decision != "edit":
            await ReviewItem.filter(id=item.id).update(
                resolved_at=now, resolved_by_id=actor.user_id, resolution=decision
            )
        await audit.record(
            actor,
            f"content.{decision}",
            kind,
            target_id,
            org_path=info.org_path,
            before={"hidden": info.hidden, "deleted": info.deleted, "excerpt": info.excerpt[:200]},
            after={
                "review_item": item.id if item else None,
                **({"edited": True} if decision == "edit" else {}),
            },
            reason=reason,
        )
        if info.author_id is not None:
            notice = await notices.create(
                info.author_id,
                _notice_title(target.label, decision, pending=_pending(item)),
                (f"原因：{reason}\n" if reason else "") + f"内容摘要：{info.excerpt[:200]}",
            )
    await _after_commit(events, notice)
    if decision in ("approve", "restore", "dismiss") and (info.hidden or info.deleted):
        await _release(kind, target_id)
    return item


async def approve_held(actor: Viewer, item_ids: Sequence[int]) -> int:
    """Bulk approve of premoderated items: each one as its own decision (own transaction,
    audit row `content.approve`, notice), exactly as approving it alone. Items that are not
    open premoderation items in the actor's scope are refused before anything is approved."""
    items = await ReviewItem.filter(id__in=list(item_ids), resolved_at__isnull=True)
    if len(items) != len(set(item_ids)):
        raise ActionError("部分内容已被处理，请刷新后重试", field="item")
    for item in items:
        ensure_visible(can_moderate_scope(actor, item.org_path, item.board_id))
        if item.source != ReviewSource.premoderation:
            raise ActionError("批量通过只适用于新成员待审的内容", field="item")
    for item in sorted(items, key=lambda i: i.id):
        await moderate_content(actor, item.target_kind, item.target_id, "approve")
    return len(items)


def _pending(item: ReviewItem | None) -> bool:
    """The item was held back and waits for its first decision (premoderation, a "review"
    word): the author is told whether it passed review."""
    return item is not None and item.hidden_by_review and item.source != ReviewSource.flags


def _notice_title(label: str, decision: str, *, pending: bool) -> str:
    if pending and decision in ("approve", "restore", "dismiss"):
        return f"您的{label}已通过审核，现已公开"
    if pending and decision in ("hide", "delete"):
        return f"您的{label}未通过审核"
    return f"管理员对您的{label}作出处理：{DECISION_LABELS[decision]}"


async def _release(kind: str, target_id: int) -> None:
    release = RELEASES.get(kind)
    if release is None:
        return
    try:
        await release.release(target_id)
    except Exception:  # the decision is committed: never fail it over a notification
        logger.exception("releasing %s %s after approval failed", kind, target_id)
