"""Transfer of membership relation (组织关系接转): who may see a slip and take which step.

The outgoing org's admins approve, issue the letter and confirm the receipt; the receiving
org's admins accept and place the member; either side may send a slip back (the receiving
side only once the letter is issued); the requester (or the outgoing side) may withdraw it.
A letter past its validity allows no step (it expires).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from tortoise.expressions import Q

from forum.policy.core import (
    EVERYTHING,
    NOTHING,
    HasPath,
    Viewer,
    can_admin_site,
    can_manage_org,
)
from forum.policy.decision import Decision, decide, refused

if TYPE_CHECKING:
    from forum.models import Member

__all__ = [
    "TRANSFER_STEPS",
    "TransferLike",
    "TransferSlip",
    "TransferStep",
    "allowed_transfer_steps",
    "can_accept_transfer",
    "can_approve_transfer",
    "can_request_transfer",
    "can_see_transfer",
    "can_take_transfer_step",
    "expired_transfer_letters",
    "transfer_letter_expired",
    "transfer_letter_last_day",
    "visible_transfers",
]


class TransferLike(Protocol):
    """What the side predicates read: both orgs (loaded) and the member id."""

    member_id: int

    @property
    def from_org(self) -> HasPath: ...

    @property
    def to_org(self) -> HasPath: ...


class TransferSlip(TransferLike, Protocol):
    """A slip with its state, for the step matrix."""

    letter_expires_on: dt.date | None

    @property
    def state(self) -> str: ...


@dataclass(frozen=True)
class TransferStep:
    sources: frozenset[str]
    target: str
    side: str  # "out": outgoing admins, "in": receiving admins, "either", "requester"
    label: str


TRANSFER_STEPS: dict[str, TransferStep] = {
    "approve": TransferStep(frozenset({"requested"}), "approved", "out", "同意转出"),
    "issue_letter": TransferStep(frozenset({"approved"}), "letter_issued", "out", "开具介绍信"),
    "accept": TransferStep(frozenset({"letter_issued"}), "accepted", "in", "接收"),
    "place": TransferStep(frozenset({"accepted"}), "placed", "in", "编入支部"),
    "confirm_receipt": TransferStep(frozenset({"placed"}), "completed", "out", "回执确认"),
    "reject": TransferStep(
        frozenset({"requested", "approved", "letter_issued"}), "rejected", "either", "退回"
    ),
    "withdraw": TransferStep(
        frozenset({"requested", "approved", "letter_issued"}), "withdrawn", "requester", "撤回"
    ),
}


def can_request_transfer(viewer: Viewer, member: Member) -> bool:
    if viewer.suspended:
        return False
    return can_manage_org(viewer, member.org) or viewer.member_id == member.id


def can_see_transfer(viewer: Viewer, transfer: TransferLike) -> bool:
    """Both sides see the slip, and so does the member."""
    return (
        can_manage_org(viewer, transfer.from_org)
        or can_manage_org(viewer, transfer.to_org)
        or (viewer.member_id == transfer.member_id and not viewer.suspended)
    )


def visible_transfers(viewer: Viewer) -> Q:
    """`can_see_transfer` as a list filter on `Transfer` rows."""
    if can_admin_site(viewer):
        return EVERYTHING
    if viewer.suspended:
        return NOTHING
    clause = Q(member_id=viewer.member_id or -1)
    for path in viewer.admin_paths:
        clause |= Q(from_org__path__startswith=path) | Q(to_org__path__startswith=path)
    return clause


def can_approve_transfer(viewer: Viewer, transfer: TransferLike) -> bool:
    """Outgoing side: approve, issue the letter, record the receipt."""
    return can_manage_org(viewer, transfer.from_org)


def can_accept_transfer(viewer: Viewer, transfer: TransferLike) -> bool:
    """Receiving side: accept and place the member."""
    return can_manage_org(viewer, transfer.to_org)


def transfer_letter_last_day(issued_on: dt.date, validity_days: int) -> dt.date:
    """The last day a letter is valid (有效期至). The day of issue counts as the first of its
    `validity_days` (90 by default): issued on 1 March, a 90-day letter is valid through
    29 May and expired on 30 May."""
    return issued_on + dt.timedelta(days=max(1, validity_days) - 1)


def transfer_letter_expired(transfer: TransferSlip, today: dt.date) -> bool:
    """Past its last day (`letter_expires_on`, stored as that day)."""
    return (
        str(transfer.state) == "letter_issued"
        and transfer.letter_expires_on is not None
        and transfer.letter_expires_on < today
    )


def expired_transfer_letters(today: dt.date) -> Q:
    """`transfer_letter_expired` as a filter on `Transfer` rows."""
    return Q(state="letter_issued", letter_expires_on__lt=today)


def _on_side(viewer: Viewer, transfer: TransferSlip, side: str) -> bool:
    if side == "out":
        return can_approve_transfer(viewer, transfer)
    if side == "in":
        return can_accept_transfer(viewer, transfer)
    if side == "either" and str(transfer.state) == "letter_issued":
        return can_accept_transfer(viewer, transfer) or can_approve_transfer(viewer, transfer)
    if side == "either":
        return can_approve_transfer(viewer, transfer)
    return can_approve_transfer(viewer, transfer) or viewer.member_id == transfer.member_id


def can_take_transfer_step(
    viewer: Viewer, transfer: TransferSlip, name: str, today: dt.date
) -> Decision:
    """One step of the state machine, by the side it belongs to, while the letter is valid."""
    step = TRANSFER_STEPS[name]
    if str(transfer.state) not in step.sources:
        return refused(f"转接单当前状态不能{step.label}")
    if transfer_letter_expired(transfer, today):
        return refused("介绍信已过期，请重新办理")
    return decide(_on_side(viewer, transfer, step.side), "您不能代表这一方办理此步骤")


def allowed_transfer_steps(viewer: Viewer, transfer: TransferSlip, today: dt.date) -> list[str]:
    """The buttons this viewer may press on this slip now."""
    return [
        name for name in TRANSFER_STEPS if can_take_transfer_step(viewer, transfer, name, today)
    ]
