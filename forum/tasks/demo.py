"""Demo tasks, through the real actions: the committee assigns two tasks to the branches
below it; 第一党支部 has submitted one answer and another branch's was returned."""

from __future__ import annotations

import datetime as dt

from forum.clock import today
from forum.seeding import DemoContext
from forum.tasks import actions
from forum.tasks.models import TaskAssignment
from forum.viewer import viewer_for_user


async def seed(ctx: DemoContext) -> None:
    chief = ctx.users.get("committee_secretary")
    if chief is None:
        return
    committee = await viewer_for_user(chief.id)
    study = await actions.assign_task(
        committee,
        ctx.committee,
        actions.TaskInput(
            title="报送学习贯彻全会精神专题组织生活会情况",
            body="请各党支部召开专题组织生活会，会后一周内报送会议情况、查摆问题和整改措施。",
            deadline=(today() + dt.timedelta(days=10)).isoformat(),
            requires_submission=True,
            target="level",
            level="branch",
        ),
    )
    await actions.assign_task(
        committee,
        ctx.committee,
        actions.TaskInput(
            title="更新党组织联系方式",
            body="请核对本组织书记和组织委员的联系电话，核对无误后点击“办结”。",
            deadline=(today() + dt.timedelta(days=1)).isoformat(),
            requires_submission=False,
            target="all",
        ),
    )
    rows = await TaskAssignment.filter(task_id=study.id).order_by("receiver_path")
    first = next((a for a in rows if a.receiver_org_id == ctx.branches[0].id), None)
    secretary = ctx.users.get("secretary")
    if first is not None and secretary is not None:
        await actions.answer_task(
            await viewer_for_user(secretary.id),
            study,
            first,
            "submit",
            "支部于本月召开专题组织生活会，应到 18 人，实到 17 人；查摆问题 3 条，已制定整改清单。",
        )
    other = next((a for a in rows if a.receiver_org_id == ctx.branches[-1].id), None)
    if other is not None and other is not first:
        leaders = await actions._leaders([other.receiver_org_id or 0])
        if leaders:
            await actions.answer_task(
                await viewer_for_user(leaders[0]), study, other, "submit", "已召开。"
            )
            await other.refresh_from_db()
            await actions.review_answer(
                committee, study, other, "return", "请补充查摆问题和整改措施"
            )
