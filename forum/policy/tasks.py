"""任务下达: who may assign a task down the tree, who answers it for each receiver, who
accepts or returns the answer, and which steps each receiver's state allows.

A task is assigned by an org (its leaders: `ADMIN_ROLES` at or above it) to orgs below it or
to members in its subtree. An org receiver is answered by the leaders of that org itself (the
assigning committee's secretary cannot answer on a branch's behalf, although the committee
manages the branch); a member receiver answers for themself. The assigning org's leaders
accept or return each answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from tortoise.expressions import Q

from forum.policy.core import ADMIN_ROLES, NOTHING, HasPath, Viewer, can_manage_org, in_subtree
from forum.policy.decision import Decision, decide, refused

__all__ = [
    "TASK_STATE_LABELS",
    "TASK_STEPS",
    "TaskAssignmentLike",
    "TaskLike",
    "TaskStep",
    "can_answer_task",
    "can_assign_task",
    "can_review_task_answer",
    "can_see_task",
    "is_task_receiver",
    "task_receiver_rows",
    "task_step_target",
]

TASK_STATE_LABELS: dict[str, str] = {
    "pending": "待办理",
    "submitted": "已提交",
    "returned": "已退回",
    "accepted": "已完成",
}


@dataclass(frozen=True)
class TaskStep:
    label: str
    sources: frozenset[str]
    side: str  # "receiver" or "assigner"


TASK_STEPS: dict[str, TaskStep] = {
    # With a submission required the receiver submits and the assigner decides; without one
    # the receiver's 办结 completes it.
    "submit": TaskStep("提交", frozenset({"pending", "returned"}), "receiver"),
    "complete": TaskStep("办结", frozenset({"pending", "returned"}), "receiver"),
    "accept": TaskStep("验收通过", frozenset({"submitted"}), "assigner"),
    "return": TaskStep("退回", frozenset({"submitted"}), "assigner"),
}


def task_step_target(step: str, state: str, requires_submission: bool) -> str | None:
    """The state after `step` from `state`, or None when the step does not apply."""
    rule = TASK_STEPS.get(step)
    if rule is None or state not in rule.sources:
        return None
    if step == "submit":
        return "submitted" if requires_submission else None
    if step == "complete":
        return None if requires_submission else "accepted"
    return "accepted" if step == "accept" else "returned"


class TaskLike(Protocol):
    @property
    def org_path(self) -> str: ...
    @property
    def closed(self) -> bool: ...


class TaskAssignmentLike(Protocol):
    @property
    def receiver_org_id(self) -> int | None: ...
    @property
    def receiver_member_id(self) -> int | None: ...
    @property
    def receiver_path(self) -> str: ...
    @property
    def state(self) -> str: ...


@dataclass
class _Path:
    path: str


def can_assign_task(viewer: Viewer, org: HasPath, kind: str) -> Decision:
    """An org's leaders assign to what is below it; a 党小组 has nothing below to assign to."""
    if kind == "group":
        return refused("党小组不能下达任务")
    return decide(can_manage_org(viewer, org), "只有本组织的负责人可以下达任务")


def is_task_receiver(viewer: Viewer, assignment: TaskAssignmentLike) -> bool:
    """The viewer answers for this receiver: its own leaders, or the member themself."""
    if viewer.suspended:
        return False
    if assignment.receiver_member_id is not None:
        return viewer.member_id == assignment.receiver_member_id
    org_id = assignment.receiver_org_id
    return org_id is not None and viewer.holds_role_at(ADMIN_ROLES, org_id)


def task_receiver_rows(viewer: Viewer) -> Q:
    """`is_task_receiver` as a filter on assignment rows: orgs where the viewer holds a
    leader role themself, and the viewer's own member record."""
    if viewer.suspended or not viewer.is_authenticated:
        return NOTHING
    org_ids = sorted(
        {g.org_id for g in viewer.roles if g.role in ADMIN_ROLES and g.org_id is not None}
    )
    q = Q(receiver_org_id__in=org_ids) if org_ids else NOTHING
    if viewer.member_id is not None:
        q |= Q(receiver_member_id=viewer.member_id)
    return q


def can_see_task(viewer: Viewer, task: TaskLike, assignments: list[TaskAssignmentLike]) -> bool:
    """The assigning side sees the task and every receiver; a receiver sees the task and its
    own answer (`assignments` are the viewer's candidates: the ones they may answer)."""
    if can_manage_org(viewer, _Path(task.org_path)):
        return True
    return any(is_task_receiver(viewer, a) for a in assignments)


def can_answer_task(
    viewer: Viewer, task: TaskLike, assignment: TaskAssignmentLike, step: str
) -> Decision:
    if task.closed:
        return refused("任务已结束")
    if not is_task_receiver(viewer, assignment):
        return refused("只有接收方可以办理")
    rule = TASK_STEPS.get(step)
    if rule is None or rule.side != "receiver" or assignment.state not in rule.sources:
        return refused(f"当前为“{TASK_STATE_LABELS.get(assignment.state, assignment.state)}”")
    return decide(True, "")


def can_review_task_answer(
    viewer: Viewer, task: TaskLike, assignment: TaskAssignmentLike, step: str
) -> Decision:
    if not can_manage_org(viewer, _Path(task.org_path)):
        return refused("只有下达任务的组织可以验收")
    if not in_subtree(assignment.receiver_path, task.org_path):
        return refused("接收方不在本组织之下")
    rule = TASK_STEPS.get(step)
    if rule is None or rule.side != "assigner" or assignment.state not in rule.sources:
        return refused(f"当前为“{TASK_STATE_LABELS.get(assignment.state, assignment.state)}”")
    return decide(True, "")
