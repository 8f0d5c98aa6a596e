"""党员服务: who files which request, who handles it, the step table, deadlines.

A request is handled by the admins (`ADMIN_ROLES`) of the org holding it, or of an ancestor;
the requester sees their own. Steps: 受理 (accept), 办理 (start), 办结 (complete), 退回 (return,
with a reason), 上报 (pass up to the parent org while open). The requester rates a completed
request once.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Protocol

from forum.policy.core import HasPath, Viewer, can_manage_org
from forum.policy.decision import ALLOWED, Decision, decide, refused

__all__ = [
    "SERVICE_STATES",
    "SERVICE_STEPS",
    "ServiceKindLike",
    "ServiceRequestLike",
    "ServiceStep",
    "can_file_service_request",
    "can_handle_service_request",
    "can_manage_service_kinds",
    "can_message_service_request",
    "can_rate_service_request",
    "can_see_service_request",
    "can_take_service_step",
    "service_deadline",
    "service_overdue",
]

SERVICE_STATES = {
    "submitted": "已提交",
    "accepted": "已受理",
    "in_progress": "办理中",
    "completed": "已办结",
    "returned": "退回",
}
OPEN = frozenset({"submitted", "accepted", "in_progress"})


@dataclass(frozen=True)
class ServiceStep:
    sources: frozenset[str]
    target: str
    label: str


SERVICE_STEPS: dict[str, ServiceStep] = {
    "accept": ServiceStep(frozenset({"submitted"}), "accepted", "受理"),
    "start": ServiceStep(frozenset({"accepted"}), "in_progress", "开始办理"),
    "complete": ServiceStep(frozenset({"accepted", "in_progress"}), "completed", "办结"),
    "return": ServiceStep(OPEN, "returned", "退回"),
    "pass_up": ServiceStep(OPEN, "submitted", "上报上级组织"),
}


class ServiceKindLike(Protocol):
    org_path: str
    open_to_public: bool
    active: bool


class ServiceRequestLike(Protocol):
    org_path: str
    requester_id: int
    state: str
    rating: int | None
    due_at: dt.datetime


class _Path:
    def __init__(self, path: str) -> None:
        self.path = path


def service_deadline(filed: dt.datetime, days: int) -> dt.datetime:
    """The due instant: `days` full days after filing (at least one)."""
    return filed + dt.timedelta(days=max(1, days))


def service_overdue(request: ServiceRequestLike, now: dt.datetime) -> bool:
    """Open past its due instant (the due instant itself is still in time)."""
    return request.state in OPEN and now > request.due_at


def can_file_service_request(viewer: Viewer, kind: ServiceKindLike) -> Decision:
    if not viewer.is_authenticated:
        return refused("请先登录")
    if viewer.suspended:
        return refused("账号已被暂停，不能提交申请")
    if not kind.active:
        return refused("该事项已停止受理")
    if viewer.org_path is None:
        return decide(kind.open_to_public, "该事项只面向有党员档案的成员")
    if kind.org_path and not viewer.org_path.startswith(kind.org_path):
        return refused("该事项不在你所在组织的受理范围内")
    return ALLOWED


def can_handle_service_request(viewer: Viewer, request: ServiceRequestLike) -> bool:
    return can_manage_org(viewer, _Path(request.org_path))


def can_see_service_request(viewer: Viewer, request: ServiceRequestLike) -> bool:
    return viewer.is_authenticated and (
        viewer.user_id == request.requester_id or can_handle_service_request(viewer, request)
    )


def can_take_service_step(
    viewer: Viewer, request: ServiceRequestLike, verb: str, *, has_parent: bool = True
) -> Decision:
    step = SERVICE_STEPS.get(verb)
    if step is None:
        return refused("未知的办理步骤")
    if not can_handle_service_request(viewer, request):
        return refused("只有受理组织的管理员可以办理")
    if request.state not in step.sources:
        return refused(
            f"当前状态（{SERVICE_STATES.get(request.state, request.state)}）不能{step.label}"
        )
    if verb == "pass_up" and not has_parent:
        return refused("已是最高一级组织，不能再上报")
    return ALLOWED


def can_message_service_request(viewer: Viewer, request: ServiceRequestLike) -> Decision:
    if not can_see_service_request(viewer, request):
        return refused("无权留言")
    return decide(request.state in OPEN, "事项已结束，不能再留言")


def can_rate_service_request(viewer: Viewer, request: ServiceRequestLike) -> Decision:
    if viewer.user_id != request.requester_id:
        return refused("只有申请人可以评价")
    if request.state != "completed":
        return refused("办结后才能评价")
    return decide(request.rating is None, "你已评价过")


def can_manage_service_kinds(viewer: Viewer, org: HasPath) -> bool:
    return can_manage_org(viewer, org)
