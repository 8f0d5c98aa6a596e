"""Transfer of membership relation (组织关系接转): a state machine, audited at every step.

requested -> approved (outgoing) -> letter_issued (number, validity) -> accepted (receiving;
the member's org changes only now) -> placed (branch/group) -> completed (receipt).
Side exits: rejected (reason), withdrawn, expired (the letter ran out: an unplaced member).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from forum import audit, notifications
from forum.clock import today
from forum.errors import ActionError, NotFound
from forum.members.actions import do_record_change
from forum.members.models import TRANSFER_STATE_LABELS, Transfer, TransferState
from forum.models import Member, Org, OrgRole
from forum.notifications import Announcement, NotificationKind
from forum.policy import (
    ADMIN_ROLES,
    TRANSFER_STEPS,
    Viewer,
    allowed_transfer_steps,
    can_request_transfer,
    can_see_transfer,
    can_take_transfer_step,
    ensure,
    ensure_visible,
    expired_transfer_letters,
    in_subtree,
    transfer_letter_expired,
    transfer_letter_last_day,
    visible_transfers,
)
from forum.settings import get_settings
from forum.validation import clean_text
from forum.viewer import viewer_for_user

OPEN_STATES = frozenset({"requested", "approved", "letter_issued", "accepted"})
NOTIFICATION_KIND = NotificationKind("transfer.step", "组织关系转接有了进展", "组织关系")


def allowed_steps(viewer: Viewer, transfer: Transfer) -> list[str]:
    """The buttons this viewer may press on this slip now."""
    return allowed_transfer_steps(viewer, transfer, today())


def is_expired(transfer: Transfer, on: dt.date | None = None) -> bool:
    return transfer_letter_expired(transfer, on or today())


def state_label(transfer: Transfer, on: dt.date | None = None) -> str:
    """The state as of `on`: an issued letter past its validity reads as expired even before
    the daily job has recorded it."""
    return TRANSFER_STATE_LABELS["expired"] if is_expired(transfer, on) else transfer.state_label


async def get_transfer_for(viewer: Viewer, transfer_id: int) -> Transfer:
    transfer = (
        await Transfer.filter(id=transfer_id)
        .select_related("member", "from_org", "to_org", "placed_org")
        .first()
    )
    if transfer is None:
        raise NotFound()
    ensure_visible(can_see_transfer(viewer, transfer))
    return transfer


async def request_transfer(actor: Viewer, member: Member, to_org: Org, reason: str) -> Transfer:
    ensure(can_request_transfer(actor, member))
    if not to_org.is_active or str(to_org.kind) == "group":
        raise ActionError("请选择有效的接收党组织（党委、党总支或党支部）", field="to_org_id")
    if in_subtree(member.org.path, to_org.path) or to_org.id == member.org_id:
        raise ActionError("接收组织不能是党员当前所在的组织", field="to_org_id")
    if await Transfer.filter(member_id=member.id, state__in=list(OPEN_STATES)).exists():
        raise ActionError("该党员已有正在办理的组织关系转接")
    reason = clean_text(" ".join(reason.split()), "reason", "原因", max_length=200, required=False)
    async with in_transaction():
        transfer = await Transfer.create(
            member_id=member.id,
            from_org_id=member.org_id,
            to_org_id=to_org.id,
            reason=reason,
            requested_by_id=actor.user_id,
        )
        await _log(actor, transfer, member.org, "transfer.requested", None, "requested")
        transfer.from_org, transfer.to_org = member.org, to_org
        sent = await _notify_step(actor, transfer, "requested")
    await sent.send()
    return transfer


async def _notify_step(actor: Viewer, transfer: Transfer, state: str) -> Announcement:
    """Inside the step's transaction: the member's own account (when linked) and the
    leaders of both orgs hear of the step, each only if the policy lets them see the slip."""
    holders = await OrgRole.filter(
        org_id__in=[transfer.from_org_id, transfer.to_org_id],
        role__in=sorted(ADMIN_ROLES),
        ended_at__isnull=True,
    ).values("user_id")
    member = await Member.get(id=transfer.member_id)
    candidates = {int(r["user_id"]) for r in holders}
    if member.user_id is not None:
        candidates.add(member.user_id)
    viewers = [await viewer_for_user(u) for u in sorted(candidates)]
    people = [v.user_id for v in viewers if can_see_transfer(v, transfer)]
    label = TRANSFER_STATE_LABELS.get(state, state)
    return await notifications.notify(
        people,
        NOTIFICATION_KIND.key,
        text=f"组织关系转接（{member.name}）：{label}",
        title=f"{transfer.from_org.name} → {transfer.to_org.name}",
        url=f"/members/transfers/{transfer.id}",
        actor_id=actor.user_id,
        subject=f"transfer:{transfer.id}",
        data={"transfer_id": transfer.id, "state": state},
    )


async def _log(
    actor: Viewer,
    transfer: Transfer,
    org: Org,
    action: str,
    before: str | None,
    after: str,
    extra: dict[str, Any] | None = None,
    reason: str = "",
) -> None:
    await audit.record(
        actor,
        action,
        "transfer",
        transfer.id,
        org_path=org.path,
        before={"state": before} if before else None,
        after={"state": after, "member_id": transfer.member_id, **(extra or {})},
        reason=reason,
    )


async def check_transfer_step(
    actor: Viewer,
    transfer: Transfer,
    step_name: str,
    *,
    reason: str = "",
    placed_org: Org | None = None,
) -> str:
    """Raises what would refuse the step (policy, state, a lapsed letter, a missing reason or
    placement), so the page asks for confirmation only when the step can go ahead; the
    cleaned reason otherwise."""
    step = TRANSFER_STEPS.get(step_name)
    if step is None:
        raise NotFound()
    if is_expired(transfer):
        await expire_transfers()
        raise ActionError("介绍信已过期，请重新办理")
    if str(transfer.state) not in step.sources:
        raise ActionError(f"转接单当前为“{transfer.state_label}”，不能{step.label}")
    ensure(can_take_transfer_step(actor, transfer, step_name, today()))
    reason = clean_text(" ".join(reason.split()), "reason", "原因", max_length=200, required=False)
    if step_name == "reject" and not reason:
        raise ActionError("退回时须填写原因", field="reason")
    if step_name == "place":
        _check_placement(transfer, placed_org)
    return reason


async def advance_transfer(
    actor: Viewer,
    transfer: Transfer,
    step_name: str,
    *,
    reason: str = "",
    placed_org: Org | None = None,
) -> Transfer:
    """Take one step of the state machine (refreshing the row inside the transaction)."""
    reason = await check_transfer_step(
        actor, transfer, step_name, reason=reason, placed_org=placed_org
    )
    step = TRANSFER_STEPS[step_name]
    async with in_transaction():
        current = await Transfer.filter(id=transfer.id).select_for_update(no_key=True).first()
        if current is None or str(current.state) != str(transfer.state):
            raise ActionError("该转接单已被他人处理，请刷新页面")
        before = str(transfer.state)
        updates: dict[str, Any] = {"state": step.target}
        extra: dict[str, Any] = {}
        if step_name == "issue_letter":
            issued = today()
            updates.update(
                letter_number=f"{issued.year}-{transfer.id:06d}",
                letter_issued_on=issued,
                letter_expires_on=transfer_letter_last_day(
                    issued, get_settings().transfer_letter_days
                ),
            )
            extra = {"letter_number": updates["letter_number"]}
        if step_name == "reject":
            updates["rejection_reason"] = reason
        if step_name == "place" and placed_org is not None:
            updates["placed_org_id"] = placed_org.id
        await Transfer.filter(id=transfer.id).update(**updates)
        for key, value in updates.items():
            setattr(transfer, key, value)
        await _move_member(actor, transfer, step_name, placed_org)
        side_org = transfer.to_org if step.side == "in" else transfer.from_org
        await _log(
            actor, transfer, side_org, f"transfer.{step.target}", before, step.target, extra, reason
        )
        sent = await _notify_step(actor, transfer, step.target)
    await sent.send()
    return transfer


def _check_placement(transfer: Transfer, placed_org: Org | None) -> None:
    if (
        placed_org is None
        or not placed_org.is_active
        or str(placed_org.kind) not in {"branch", "group"}
        or not in_subtree(placed_org.path, transfer.to_org.path)
    ):
        raise ActionError("请选择接收组织下的党支部或党小组", field="placed_org_id")


async def _move_member(
    actor: Viewer, transfer: Transfer, step_name: str, placed_org: Org | None
) -> None:
    """The member's org changes only on acceptance (and placement inside the new org)."""
    if step_name == "accept":
        await Member.filter(id=transfer.member_id).update(
            org_id=transfer.to_org_id, group_id=None, floating=False, host_org_id=None
        )
        summary = f"组织关系由「{transfer.from_org.name}」转入「{transfer.to_org.name}」"
        await do_record_change(
            actor,
            transfer.member_id,
            "transfer",
            summary,
            before={"org_id": transfer.from_org_id},
            after={"org_id": transfer.to_org_id},
            effective_on=today(),
        )
    elif step_name == "place" and placed_org is not None:
        is_group = str(placed_org.kind) == "group"
        org_id = placed_org.parent_id if is_group else placed_org.id
        await Member.filter(id=transfer.member_id).update(
            org_id=org_id, group_id=placed_org.id if is_group else None
        )
        await do_record_change(
            actor,
            transfer.member_id,
            "transfer",
            f"编入「{placed_org.name}」",
            before={"org_id": transfer.to_org_id},
            after={"org_id": org_id},
            effective_on=today(),
        )


async def expire_transfers(on: dt.date | None = None) -> int:
    """Mark issued letters past their validity as expired (`forum expire-transfers`, and
    the step refused on an expired letter)."""
    day = on or today()
    stale: list[int] = [
        int(str(i))
        for i in await Transfer.filter(
            state="letter_issued", letter_expires_on__lt=day
        ).values_list("id", flat=True)
    ]
    if not stale:
        return 0
    async with in_transaction():
        count = await Transfer.filter(id__in=stale, state="letter_issued").update(
            state=TransferState.expired
        )
        for transfer_id in stale:
            await audit.record(
                _SYSTEM,
                "transfer.expired",
                "transfer",
                transfer_id,
                before={"state": "letter_issued"},
                after={"state": "expired"},
            )
    return int(count)


_SYSTEM = Viewer(username="system")


async def transfer_lists(viewer: Viewer) -> dict[str, list[Transfer]]:
    """Slips the viewer may see: open ones, expired letters (unplaced members), recent ones.

    A read: an issued letter past its validity is listed as expired without being written;
    `forum expire-transfers` (daily) or the next step on it records the expiry."""
    lapsed = expired_transfer_letters(today())
    base = Transfer.filter(visible_transfers(viewer)).select_related(
        "member", "from_org", "to_org", "placed_org"
    )
    open_ = (
        await base.filter(Q(state__in=[*OPEN_STATES, "placed"]) & ~lapsed)
        .order_by("-id")
        .limit(200)
    )
    expired = await base.filter(Q(state="expired") | lapsed).order_by("-id").limit(200)
    closed = (
        await base.filter(state__in=["completed", "rejected", "withdrawn"])
        .order_by("-id")
        .limit(50)
    )
    return {"open": open_, "expired": expired, "closed": closed}


__all__ = [
    "TRANSFER_STATE_LABELS",
    "advance_transfer",
    "allowed_steps",
    "check_transfer_step",
    "expire_transfers",
    "get_transfer_for",
    "request_transfer",
    "state_label",
    "transfer_lists",
]
