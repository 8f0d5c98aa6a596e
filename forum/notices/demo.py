"""Demo: the branch secretary publishes a notice with a receipt to the branch."""

from __future__ import annotations

import datetime as dt

from forum.clock import utcnow
from forum.notices import actions
from forum.seeding import DemoContext
from forum.viewer import viewer_for_user


async def seed(ctx: DemoContext) -> None:
    secretary = ctx.users.get("secretary")
    if secretary is None or not ctx.branches:
        return
    viewer = await viewer_for_user(secretary.id)
    draft = actions.Draft(
        title="关于开展主题党日活动的通知",
        body="本月主题党日定于周五下午举行，请全体党员按时参加，并于周四前确认收到本通知。",
        statuses=(),
        roles=(),
        requires_receipt=True,
        receipt_deadline=utcnow() + dt.timedelta(days=3),
        expires_at=utcnow() + dt.timedelta(days=30),
    )
    await actions.publish_notice(viewer, ctx.branches[0], draft)
