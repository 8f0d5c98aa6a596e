"""Writes of the tasks part: assign, answer (submit or 办结), accept or return, remind.

Each step checks the policy, validates, writes in one transaction with its audit row and the
notifications of the people concerned, and sends them after the commit."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from tortoise.expressions import F
from tortoise.transactions import in_transaction

from forum import audit, files, markup, notifications
from forum.clock import today, utcnow
from forum.errors import ActionError
from forum.models import Member, Org, OrgRole, User
from forum.notifications import Announcement, NotificationKind
from forum.policy import (
    ADMIN_ROLES,
    Viewer,
    can_answer_task,
    can_assign_task,
    can_review_task_answer,
    ensure,
    task_step_target,
)
from forum.tasks.models import Task, TaskAssignment, TaskFile
from forum.validation import clean_text

NOTIFICATION_KIND = NotificationKind("task", "任务下达与办理", "任务")
TARGETS = ("all", "level", "orgs", "members")
LEVELS = ("general_branch", "branch", "group")
MAX_RECEIVERS = 2000
REMIND_DAYS = 2
USERNAME_MAX = 32  # reminders go out this many days before the deadline (and once)


@dataclass(frozen=True)
class TaskInput:
    title: str
    body: str
    deadline: str  # ISO date from the form
    requires_submission: bool
    target: str
    level: str = ""
    org_ids: Sequence[int] = ()
    usernames: str = ""  # members, separated by spaces, commas or 、


def _deadline(raw: str) -> dt.date:
    try:
        day = dt.date.fromisoformat(raw.strip())
    except ValueError:
        raise ActionError("请填写完成期限（年-月-日）", field="deadline") from None
    if day < today():
        raise ActionError("完成期限不能早于今天", field="deadline")
    if day > today() + dt.timedelta(days=366):
        raise ActionError("完成期限不能超过一年", field="deadline")
    return day


async def _receivers(org: Org, data: TaskInput) -> tuple[list[Org], list[tuple[Member, str]], str]:
    """The receiving orgs or members, and the target as stored."""
    below = Org.filter(path__startswith=org.path, is_active=True).exclude(id=org.id)
    if data.target == "all":
        orgs = await below.exclude(kind="group").order_by("path")
        return orgs, [], "all"
    if data.target == "level":
        if data.level not in LEVELS:
            raise ActionError("请选择接收的组织层级", field="level")
        return await below.filter(kind=data.level).order_by("path"), [], f"level:{data.level}"
    if data.target == "orgs":
        ids = sorted(set(data.org_ids))
        if not ids:
            raise ActionError("请至少选择一个接收组织", field="org_ids")
        orgs = await below.filter(id__in=ids).order_by("path")
        if len(orgs) != len(ids):
            raise ActionError("所选组织须是本组织下属的有效组织", field="org_ids")
        return orgs, [], "orgs"
    if data.target == "members":
        names = [
            n
            for n in data.usernames.replace("，", " ").replace(",", " ").replace("、", " ").split()
            if n
        ]
        if not names:
            raise ActionError("请填写接收任务的党员用户名", field="usernames")
        # A name longer than a username can be names nobody (and is not a query value).
        users = await User.filter(username__in=[n for n in names if len(n) <= USERNAME_MAX])
        members = await Member.filter(
            user_id__in=[u.id for u in users], org__path__startswith=org.path
        ).select_related("org", "user")
        found = {m.user.username for m in members if m.user is not None}
        missing = [n for n in dict.fromkeys(names) if n not in found]
        if missing:
            raise ActionError(
                "这些用户不是本组织的党员：" + "、".join(missing[:10]), field="usernames"
            )
        return [], [(m, m.org.path) for m in members], "members"
    raise ActionError("请选择任务的接收方", field="target")


async def _leaders(org_ids: Sequence[int]) -> list[int]:
    rows = await OrgRole.filter(
        org_id__in=list(org_ids), role__in=sorted(ADMIN_ROLES), ended_at__isnull=True
    ).values("user_id")
    return sorted({int(r["user_id"]) for r in rows})


async def _add_files(
    actor: Viewer, task_id: int, assignment_id: int | None, stored: Sequence[files.StoredFile]
) -> None:
    for f in stored:
        await TaskFile.create(
            task_id=task_id,
            assignment_id=assignment_id,
            uploader_id=actor.user_id,
            **TaskFile.columns(f),
        )


async def assign_task(
    actor: Viewer, org: Org, data: TaskInput, uploads: Sequence[files.VettedFile] = ()
) -> Task:
    """Assign to the chosen receivers, with the task's files (written with the rows or not
    at all)."""
    ensure(can_assign_task(actor, org, str(org.kind)))  # before any file is written
    stored = files.store_vetted(uploads)
    try:
        return await _assign(actor, org, data, stored)
    except BaseException:
        files.discard_new(stored)
        raise


async def _assign(
    actor: Viewer, org: Org, data: TaskInput, stored: Sequence[files.StoredFile]
) -> Task:
    title = clean_text(" ".join(data.title.split()), "title", "任务名称", max_length=100)
    body = clean_text(data.body, "body", "任务内容", max_length=20000, required=False)
    deadline = _deadline(data.deadline)
    orgs, members, target = await _receivers(org, data)
    count = len(orgs) + len(members)
    if not count:
        raise ActionError("没有符合条件的接收方", field="target")
    if count > MAX_RECEIVERS:
        raise ActionError(f"接收方不能超过 {MAX_RECEIVERS} 个", field="target")
    async with in_transaction():
        task = await Task.create(
            org_id=org.id,
            org_path=org.path,
            title=title,
            body_raw=body,
            body_html=markup.render(body) if body else "",
            render_version=markup.VERSION,
            deadline=deadline,
            requires_submission=data.requires_submission,
            target=target,
            receivers=count,
            created_by_id=actor.user_id,
        )
        rows = [
            TaskAssignment(
                task_id=task.id,
                receiver_org_id=o.id,
                receiver_path=o.path,
                receiver_name=o.name,
            )
            for o in orgs
        ] + [
            TaskAssignment(
                task_id=task.id,
                receiver_member_id=m.id,
                receiver_user_id=m.user_id,
                receiver_path=path,
                receiver_name=m.name,
            )
            for m, path in members
        ]
        await TaskAssignment.bulk_create(rows)
        await _add_files(actor, task.id, None, stored)
        await audit.record(
            actor,
            "task.assigned",
            "task",
            task.id,
            org_path=org.path,
            after={"title": title, "receivers": count, "target": target},
        )
        people = await _leaders([o.id for o in orgs]) + [
            m.user_id for m, _ in members if m.user_id is not None
        ]
        sent = await notifications.notify(
            people,
            NOTIFICATION_KIND.key,
            text=f"{org.name}下达了任务，期限 {deadline.isoformat()}",
            title=title,
            url=f"/tasks/{task.id}",
            actor_id=actor.user_id,
            subject=f"task:{task.id}",
        )
    await sent.send()
    return task


async def _lock(assignment: TaskAssignment) -> TaskAssignment:
    current = await TaskAssignment.filter(id=assignment.id).select_for_update().first()
    if current is None or current.state != assignment.state:
        raise ActionError("该任务已被他人处理，请刷新页面")
    return current


async def answer_task(
    actor: Viewer,
    task: Task,
    assignment: TaskAssignment,
    step: str,
    answer: str,
    uploads: Sequence[files.VettedFile] = (),
) -> TaskAssignment:
    """The receiver submits its answer with its files (or marks the task done when none is
    required); the files and the rows exist together or not at all."""
    ensure(can_answer_task(actor, task, assignment, step))  # before any file is written
    stored = files.store_vetted(uploads)
    try:
        return await _answer(actor, task, assignment, step, answer, stored)
    except BaseException:
        files.discard_new(stored)
        raise


async def _answer(
    actor: Viewer,
    task: Task,
    assignment: TaskAssignment,
    step: str,
    answer: str,
    stored: Sequence[files.StoredFile],
) -> TaskAssignment:
    target = task_step_target(step, assignment.state, task.requires_submission)
    if target is None:
        raise ActionError("本任务需要提交办理情况" if step == "complete" else "本任务无需提交")
    answer = clean_text(answer, "answer", "办理情况", max_length=20000, required=step == "submit")
    now = utcnow()
    async with in_transaction():
        await _lock(assignment)
        before = assignment.state
        updates = {
            "state": target,
            "answer_raw": answer,
            "answer_html": markup.render(answer) if answer else "",
            "render_version": markup.VERSION,
            "submitted_at": now,
            "submitted_by_id": actor.user_id,
            "return_reason": "",
        }
        if target == "accepted":
            updates.update(decided_at=now, decided_by_id=actor.user_id)
        await TaskAssignment.filter(id=assignment.id).update(**updates)
        await _add_files(actor, task.id, assignment.id, stored)
        if target == "accepted":
            await Task.filter(id=task.id).update(accepted=F("accepted") + 1)
        await audit.record(
            actor,
            "task.submitted" if step == "submit" else "task.completed",
            "task_assignment",
            assignment.id,
            org_path=assignment.receiver_path,
            before={"state": before},
            after={"state": target, "task_id": task.id},
        )
        label = "提交了办理情况" if step == "submit" else "已办结"
        sent = await notifications.notify(
            await _leaders([task.org_id]),
            NOTIFICATION_KIND.key,
            text=f"{assignment.receiver_name}{label}",
            title=task.title,
            url=f"/tasks/{task.id}#a-{assignment.id}",
            actor_id=actor.user_id,
            subject=f"task:{task.id}",
        )
    await sent.send()
    await assignment.refresh_from_db()
    return assignment


async def review_answer(
    actor: Viewer, task: Task, assignment: TaskAssignment, step: str, reason: str = ""
) -> TaskAssignment:
    """The assigning org accepts the answer or returns it with a reason."""
    ensure(can_review_task_answer(actor, task, assignment, step))
    target = task_step_target(step, assignment.state, task.requires_submission)
    if target is None:  # pragma: no cover - the policy checked the state
        raise ActionError("当前状态不能进行此操作")
    reason = clean_text(
        " ".join(reason.split()), "reason", "退回原因", max_length=200, required=False
    )
    if step == "return" and not reason:
        raise ActionError("退回时须填写原因", field="reason")
    now = utcnow()
    async with in_transaction():
        await _lock(assignment)
        updates: dict[str, object] = {
            "state": target,
            "decided_at": now,
            "decided_by_id": actor.user_id,
        }
        if step == "return":
            updates.update(return_reason=reason, returns=F("returns") + 1)
        await TaskAssignment.filter(id=assignment.id).update(**updates)
        if target == "accepted":
            await Task.filter(id=task.id).update(accepted=F("accepted") + 1)
        await audit.record(
            actor,
            "task.accepted" if step == "accept" else "task.returned",
            "task_assignment",
            assignment.id,
            org_path=task.org_path,
            before={"state": assignment.state},
            after={"state": target, "task_id": task.id},
            reason=reason,
        )
        if assignment.receiver_member_id is not None:
            people = [assignment.receiver_user_id]
        else:
            people = list(await _leaders([assignment.receiver_org_id or 0]))
        text = "任务已验收通过" if step == "accept" else f"任务被退回：{reason}"
        sent = await notifications.notify(
            people,
            NOTIFICATION_KIND.key,
            text=text,
            title=task.title,
            url=f"/tasks/{task.id}",
            actor_id=actor.user_id,
            subject=f"task:{task.id}",
        )
    await sent.send()
    await assignment.refresh_from_db()
    return assignment


async def remind_due(on: dt.date | None = None) -> int:
    """Once per receiver: a reminder when the deadline is `REMIND_DAYS` away or less (and
    the task still waits on them). Returns how many receivers were reminded."""
    day = on or today()
    rows = await TaskAssignment.filter(
        state__in=["pending", "returned"],
        reminded_at__isnull=True,
        task__closed_at__isnull=True,
        task__deadline__lte=day + dt.timedelta(days=REMIND_DAYS),
    ).select_related("task")
    sent: list[Announcement] = []
    async with in_transaction():
        for a in rows:
            if a.receiver_member_id is not None:
                people: list[int | None] = [a.receiver_user_id]
            else:
                people = list(await _leaders([a.receiver_org_id or 0]))
            overdue = a.task.deadline < day
            text = "任务已逾期，请尽快办理" if overdue else f"任务将于 {a.task.deadline} 到期"
            sent.append(
                await notifications.notify(
                    people,
                    NOTIFICATION_KIND.key,
                    text=text,
                    title=a.task.title,
                    url=f"/tasks/{a.task_id}",
                    subject=f"task:{a.task_id}",
                )
            )
        await TaskAssignment.filter(id__in=[a.id for a in rows]).update(reminded_at=utcnow())
    await notifications.announce(*sent)
    return len(rows)
