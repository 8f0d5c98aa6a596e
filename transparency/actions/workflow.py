"""The workflow steps: 提出, 审核, 审批, 发布, 退回 and 撤回. Each is a state-guarded UPDATE
(two people acting at once cannot both win) audited in the same transaction."""

from __future__ import annotations

from typing import Any

from tortoise.transactions import in_transaction

from forum import audit
from forum.clock import utcnow
from forum.errors import ActionError, Conflict
from forum.models import Member, Org
from forum.policy import (
    Viewer,
    approval_org_for,
    can_approve_disclosure,
    can_propose_disclosure,
    can_publish_disclosure,
    can_reject_disclosure,
    can_review_disclosure,
    can_withdraw_disclosure,
    ensure,
)
from transparency.actions._common import (
    MAX_REASON,
    STALE,
    _notify,
    clean_text,
    may_act,
    reload,
)
from transparency.models import (
    REVIEW_CHECKLIST,
    Disclosure,
    DisclosureReview,
    DisclosureRevision,
    State,
)


async def _transition(
    actor: Viewer,
    d: Disclosure,
    action: str,
    changes: dict[str, Any],
    *,
    reason: str = "",
) -> Disclosure:
    """Guarded state change + audit entry; the caller holds the transaction."""
    before = d.snapshot()
    updated = await Disclosure.filter(id=d.id, state=d.state).update(**changes, updated_at=utcnow())
    if not updated:  # SQLite counts FTS trigger rows too: test for zero
        raise Conflict(STALE)
    fresh = await reload(d)
    await audit.record(
        actor,
        f"disclosure.{action}",
        "disclosure",
        d.id,
        org_path=d.org.path,
        before=before,
        after=fresh.snapshot(),
        reason=reason,
    )
    return fresh


async def _approver_org(d: Disclosure) -> Org:
    ancestors = await Org.filter(id__in=d.org.ancestor_ids[:-1]).order_by("depth")
    target_paths: list[str | None] = [o.path for o in await Org.filter(id__in=d.target_org_ids)]
    if d.target_user_ids:
        members = await Member.filter(user_id__in=d.target_user_ids).select_related("org")
        by_user = {m.user_id: m.org.path for m in members}
        target_paths += [by_user.get(u) for u in d.target_user_ids]
    routed = approval_org_for(d.org, ancestors, str(d.scope), target_paths)
    return next(o for o in (d.org, *ancestors) if o.id == routed.id)


async def propose_disclosure(actor: Viewer, d: Disclosure) -> Disclosure:
    """提出: routes the item to the org whose approval the authority rule requires."""
    ensure(can_propose_disclosure(actor, d))
    approver = await _approver_org(d)
    async with in_transaction():
        fresh = await _transition(
            actor,
            d,
            "proposed",
            {
                "state": State.proposed,
                "approver_org_id": approver.id,
                "proposed_by_id": actor.user_id,
                "proposed_at": utcnow(),
            },
        )
        sent = await _notify(
            await may_act(fresh, can_review_disclosure),
            "disclosure.proposed",
            fresh,
            f"{actor.display_name} 提交了公开事项，请进行保密审核",
            actor,
        )
    await sent.send()
    return fresh


async def review_disclosure(
    actor: Viewer, d: Disclosure, confirmed: list[str], note: str = ""
) -> Disclosure:
    """审核 (secrecy review): every checklist item must be confirmed."""
    ensure(can_review_disclosure(actor, d))
    missing = [label for key, label in REVIEW_CHECKLIST if key not in confirmed]
    if missing:
        raise ActionError("请逐项确认保密审查清单：" + "；".join(missing), field="checklist")
    note = clean_text(note, "审核意见", "note", max_length=MAX_REASON, min_length=0)
    async with in_transaction():
        await DisclosureReview.create(
            disclosure_id=d.id,
            reviewer_id=actor.user_id,
            confirmed=[k for k, _ in REVIEW_CHECKLIST],
            note=note,
        )
        fresh = await _transition(
            actor,
            d,
            "reviewed",
            {"state": State.reviewed, "reviewed_by_id": actor.user_id, "reviewed_at": utcnow()},
            reason=note,
        )
        sent = await _notify(
            await may_act(fresh, can_approve_disclosure),
            "disclosure.reviewed",
            fresh,
            "公开事项已通过保密审核，请审批",
            actor,
        )
    await sent.send()
    return fresh


async def approve_disclosure(actor: Viewer, d: Disclosure) -> Disclosure:
    """审批 by the routed-to org."""
    ensure(can_approve_disclosure(actor, d))
    async with in_transaction():
        fresh = await _transition(
            actor,
            d,
            "approved",
            {"state": State.approved, "approved_by_id": actor.user_id, "approved_at": utcnow()},
        )
        people = await may_act(fresh, can_publish_disclosure)
        people |= {fresh.created_by_id, *([fresh.proposed_by_id] if fresh.proposed_by_id else [])}
        sent = await _notify(
            people, "disclosure.approved", fresh, "公开事项已审批通过，可以发布", actor
        )
    await sent.send()
    return fresh


async def check_publish_disclosure(actor: Viewer, d: Disclosure) -> None:
    """Raises what would refuse 发布, so the page asks for confirmation only when the step
    can go ahead."""
    ensure(can_publish_disclosure(actor, d))


async def publish_disclosure(actor: Viewer, d: Disclosure) -> Disclosure:
    """发布: writes revision 1. A publish_from in the past becomes now (never backdated)."""
    await check_publish_disclosure(actor, d)
    now = utcnow()
    async with in_transaction():
        await DisclosureRevision.create(
            disclosure_id=d.id,
            number=1,
            title=d.title,
            body_raw=d.body_raw,
            body_html=d.body_html,
            render_version=d.render_version,
            note="首次发布",
            author_id=actor.user_id,
        )
        fresh = await _transition(
            actor,
            d,
            "published",
            {
                "state": State.published,
                "published_by_id": actor.user_id,
                "published_at": now,
                "publish_from": max(d.publish_from, now),
                "revision_count": 1,
            },
        )
        sent = await _notify(
            {
                fresh.created_by_id,
                fresh.proposed_by_id,
                fresh.reviewed_by_id,
                fresh.approved_by_id,
            },
            "disclosure.published",
            fresh,
            "公开事项已发布",
            actor,
        )
    await sent.send()
    return fresh


def _reason(reason: str, label: str) -> str:
    return clean_text(reason, label, "reason", max_length=MAX_REASON, min_length=2)


async def reject_disclosure(actor: Viewer, d: Disclosure, reason: str) -> Disclosure:
    """退回 at any step before publication, with a reason the author sees."""
    ensure(can_reject_disclosure(actor, d))
    reason = _reason(reason, "退回理由")
    async with in_transaction():
        fresh = await _transition(
            actor,
            d,
            "rejected",
            {
                "state": State.rejected,
                "rejected_at": utcnow(),
                "rejected_from": str(d.state),
                "reject_reason": reason,
            },
            reason=reason,
        )
        sent = await _notify(
            {fresh.created_by_id, fresh.proposed_by_id},
            "disclosure.rejected",
            fresh,
            f"公开事项被退回：{reason}",
            actor,
        )
    await sent.send()
    return fresh


async def check_withdraw_disclosure(actor: Viewer, d: Disclosure, reason: str) -> str:
    """Raises what would refuse 撤回 (the policy, then the reason); answers the clean reason."""
    ensure(can_withdraw_disclosure(actor, d))
    return _reason(reason, "撤回理由")


async def withdraw_disclosure(actor: Viewer, d: Disclosure, reason: str) -> Disclosure:
    """撤回: stays in the archive, marked withdrawn, with the reason."""
    reason = await check_withdraw_disclosure(actor, d, reason)
    async with in_transaction():
        return await _transition(
            actor,
            d,
            "withdrawn",
            {"state": State.withdrawn, "withdrawn_at": utcnow(), "withdraw_reason": reason},
            reason=reason,
        )
