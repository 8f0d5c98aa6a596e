"""Demo meetings in the first branch: an archived plenary with minutes, a live theme Party
day the demo accounts can join, and a scheduled plenary with an admission question ahead.
The archived plenary passed the admission of the demo development target (`target`): the
secretary reports it from the record, the committee admin approves it."""

from __future__ import annotations

import datetime as dt

from forum.clock import utcnow
from forum.models import Member
from forum.seeding import DemoContext
from forum.viewer import viewer_for_user
from realtime.meetings import actions


async def seed(ctx: DemoContext) -> None:
    branch = ctx.branches[0]
    host = await viewer_for_user(ctx.users["secretary"].id)
    soon = utcnow() + dt.timedelta(minutes=1)

    # An archived plenary: most of the branch checked in, a motion passed, minutes kept.
    past = await actions.schedule_meeting(
        host,
        branch,
        type="branch_plenary",
        title="第三季度支部党员大会",
        scheduled_at=soon,
        agenda=["传达学习上级会议精神", "审议支部工作计划"],
    )
    past = await actions.start_meeting(host, past)
    members = await Member.filter(org_id=branch.id, status="full", user_id__isnull=False)
    for member in members:
        if member.user_id is not None and not member.on_probation_sanction:
            await actions.check_in(await viewer_for_user(member.user_id), past)
    # Members without an account were in the room: the host records them (代签到) and
    # counts their hands for the branch's decision below.
    in_room = await Member.filter(
        org_id=branch.id,
        status="full",
        user_id__isnull=True,
        on_probation_sanction=False,
        membership_suspended=False,
    )
    for member in in_room:
        await actions.record_attendance(host, past, member.id, note="现场签到")
    vote = await actions.create_vote(host, past, kind="motion", title="审议通过支部工作计划")
    await actions.open_vote(host, past, vote)
    for member in members:
        if member.user_id is not None and not member.on_probation_sanction:
            viewer = await viewer_for_user(member.user_id)
            await actions.cast_ballot(viewer, past, vote, choice="yes")
    # An admission question about the demo development target, passed: the secretary can
    # report it to the committee from the target's record (党委组织管理员 then approves).
    target = (
        await Member.get_or_none(
            org_id=branch.id, status="development_target", user_id=ctx.users["target"].id
        )
        if "target" in ctx.users
        else None
    )
    if target is not None:
        admission = await actions.create_vote(
            host,
            past,
            kind="admission",
            title=f"讨论接收{target.name}为预备党员",
            candidate_id=target.id,
        )
        await actions.open_vote(host, past, admission)
        for member in members:
            if member.user_id is not None and not member.on_probation_sanction:
                viewer = await viewer_for_user(member.user_id)
                await actions.cast_ballot(viewer, past, admission, choice="yes")
        await actions.record_in_person_count(
            host, past, admission, yes=len(in_room), no=0, abstain=0
        )
        await actions.close_vote(host, past, admission)
    await actions.post_message(host, past, "本季度工作计划已审议，请各党小组抓好落实。")
    past = await actions.end_meeting(host, past)
    await actions.update_minutes_summary(
        host, past, "会议审议并表决通过了支部工作计划，部署下一季度党建工作。"
    )
    await actions.archive_meeting(host, past)

    # A live theme Party day to walk into.
    live = await actions.schedule_meeting(
        host,
        branch,
        type="theme_day",
        title="十一月主题党日：重温入党誓词",
        scheduled_at=soon,
        agenda=["重温入党誓词", "交流学习体会"],
    )
    await actions.start_meeting(host, live)

    # A plenary next week, with the notice sent to the roll.
    await actions.schedule_meeting(
        host,
        branch,
        type="branch_plenary",
        title="第四季度支部党员大会",
        scheduled_at=utcnow() + dt.timedelta(days=7),
        agenda=["讨论接收预备党员", "预备党员转正", "其他事项"],
    )
