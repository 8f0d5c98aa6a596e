"""Sanctions: warn, silence, suspend, lift early. Effective at once everywhere.

Silence and suspension show in every request's Viewer (`viewer_facts`); suspension also
revokes the account's sessions and refuses logins (`login_guard`); after commit the account's
open websockets hear `session.revoked` (closed) or `viewer.changed` (facts reloaded).
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from tortoise.transactions import in_transaction

from forum import audit, publisher
from forum.clock import utcnow
from forum.errors import ActionError, NotFound
from forum.models import Member, User
from forum.policy import (
    SanctionTargetRef,
    Viewer,
    can_lift_sanction,
    can_sanction_user,
    ensure,
)
from forum.sessions import announce_revoked, revoke_user_sessions
from forum.settings import get_settings
from moderation import notices
from moderation.models import SANCTION_LABELS, Sanction, SanctionKind

MAX_DAYS = 3650
# Far enough to mean "until lifted" while keeping every period a real datetime.
INDEFINITE = dt.timedelta(days=MAX_DAYS)


async def target_for(user: User) -> SanctionTargetRef:
    member = await Member.filter(user_id=user.id).select_related("org").first()
    return SanctionTargetRef(user_id=user.id, org_path=member.org.path if member else "")


async def active_sanctions(user_id: int) -> list[Sanction]:
    now = utcnow()
    return await Sanction.filter(
        user_id=user_id,
        kind__in=[SanctionKind.silence, SanctionKind.suspend],
        lifted_at__isnull=True,
        starts_at__lte=now,
        ends_at__gt=now,
    ).order_by("-ends_at")


def _clean(kind: str, reason: str, days: int | None, hours: int | None) -> tuple[str, dt.timedelta]:
    if kind not in SANCTION_LABELS:
        raise ActionError("请选择处理方式", field="kind")
    reason = reason.strip()
    if not reason:
        raise ActionError("请填写原因（会告知当事人）", field="reason")
    if len(reason) > 1000:
        raise ActionError("原因不能超过 1000 个字符", field="reason")
    if kind == SanctionKind.warn:
        return reason, dt.timedelta()
    # Each part is bounded before it becomes a timedelta: a huge number would overflow it.
    if not 0 <= (days or 0) <= MAX_DAYS:
        raise ActionError(f"天数须在 0 到 {MAX_DAYS} 之间", field="days")
    if not 0 <= (hours or 0) <= MAX_DAYS * 24:
        raise ActionError(f"小时数须在 0 到 {MAX_DAYS * 24} 之间", field="hours")
    total = dt.timedelta(days=days or 0, hours=hours or 0)
    if total <= dt.timedelta() or total > INDEFINITE:
        raise ActionError(f"期限须在 1 小时到 {MAX_DAYS} 天之间", field="days")
    return reason, total


async def check_sanction(
    actor: Viewer,
    user: User,
    kind: str,
    reason: str,
    *,
    days: int | None = None,
    hours: int | None = None,
) -> str:
    """Everything `sanction_user` would refuse, refused before anyone is asked to confirm;
    returns the sentence that says what the step will do ("禁言 张三 3 天")."""
    ensure(can_sanction_user(actor, await target_for(user)))
    _, period = _clean(kind, reason, days, hours)
    return describe(kind, user.display_name, period)


def describe(kind: str, name: str, period: dt.timedelta) -> str:
    label = SANCTION_LABELS.get(kind, kind)
    if kind == SanctionKind.warn:
        return f"{label} {name}"
    if period.days and not period.seconds:
        return f"{label} {name} {period.days} 天"
    return f"{label} {name} {round(period.total_seconds() / 3600)} 小时"


async def sanction_user(
    actor: Viewer,
    user: User,
    kind: str,
    reason: str,
    *,
    days: int | None = None,
    hours: int | None = None,
) -> Sanction:
    """Warn, silence or suspend `user`. Audited; notifies the user; publishes after commit."""
    target = await target_for(user)
    ensure(can_sanction_user(actor, target))
    reason, period = _clean(kind, reason, days, hours)
    now = utcnow()
    revoked: list[str] = []
    async with in_transaction():
        sanction = await Sanction.create(
            user_id=user.id,
            kind=kind,
            reason=reason,
            org_path=target.org_path,
            starts_at=now,
            ends_at=now + period if kind != SanctionKind.warn else None,
            created_by_id=actor.user_id,
        )
        after = {
            "kind": kind,
            "ends_at": sanction.ends_at.isoformat() if sanction.ends_at else None,
        }
        await audit.record(
            actor,
            f"sanction.{kind}",
            "user",
            user.id,
            org_path=target.org_path,
            after={**after, "sanction_id": sanction.id, "username": user.username},
            reason=reason,
        )
        notice = await notices.create(user.id, _notice_title(sanction), reason)
        if kind == SanctionKind.suspend:
            revoked = await revoke_user_sessions(user.id)
    await notices.publish(notice)
    await announce_revoked(user.id, revoked)
    if kind != SanctionKind.warn:
        await publisher.viewer_changed(user.id, f"sanction.{kind}")
    return sanction


def _notice_title(sanction: Sanction) -> str:
    if sanction.kind == SanctionKind.warn:
        return "您收到一条管理员警告"
    return f"您的账号已被{sanction.label}，至 {local_time(sanction.ends_at)}"


def local_time(value: dt.datetime | None) -> str:
    if value is None:
        return ""
    return value.astimezone(ZoneInfo(get_settings().timezone)).strftime("%Y年%m月%d日 %H:%M")


async def get_sanction(sanction_id: int) -> Sanction:
    sanction = await Sanction.get_or_none(id=sanction_id).select_related("user")
    if sanction is None:
        raise NotFound()
    return sanction


async def lift_sanction(actor: Viewer, sanction: Sanction, reason: str) -> Sanction:
    """End a silence or suspension early. Audited; publishes `viewer.changed` after commit."""
    target = SanctionTargetRef(user_id=sanction.user_id, org_path=sanction.org_path)
    ensure(can_lift_sanction(actor, target))
    reason = reason.strip()
    if not reason:
        raise ActionError("请填写解除原因", field="reason")
    now = utcnow()
    if sanction.kind == SanctionKind.warn or sanction.lifted_at is not None:
        raise ActionError("该处理已结束，无需解除")
    if sanction.ends_at is not None and sanction.ends_at <= now:
        raise ActionError("该处理已到期，无需解除")
    async with in_transaction():
        # Re-checked in the UPDATE: a concurrent lift or the expiry wins over a stale page.
        updated = await Sanction.filter(
            id=sanction.id, lifted_at__isnull=True, ends_at__gt=now
        ).update(lifted_at=now, lifted_by_id=actor.user_id, lift_reason=reason[:1000])
        if not updated:
            raise ActionError("该处理已被解除或已到期，无需解除")
        await audit.record(
            actor,
            f"sanction.lift_{sanction.kind}",
            "user",
            sanction.user_id,
            org_path=sanction.org_path,
            before={
                "sanction_id": sanction.id,
                "ends_at": sanction.ends_at.isoformat() if sanction.ends_at else None,
            },
            after={"lifted_at": now.isoformat()},
            reason=reason,
        )
        notice = await notices.create(sanction.user_id, f"您的{sanction.label}已被提前解除", reason)
    await notices.publish(notice)
    await publisher.viewer_changed(sanction.user_id, "sanction.lifted")
    sanction.lifted_at = now
    return sanction
