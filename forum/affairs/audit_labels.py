"""Chinese names of the service requests' audit codes and targets."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from forum.affairs.models import ServiceKind, ServiceRequest
from forum.audit import AuditLabels, AuditNames, int_ids

LABELS = AuditLabels(
    "affairs",
    actions={
        "service.filed": "提交办事申请",
        "service.accept": "受理办事申请",
        "service.start": "开始办理办事申请",
        "service.complete": "办结办事申请",
        "service.return": "退回办事申请",
        "service.pass_up": "上报办事申请",
        "service.kind_added": "添加办事事项",
    },
    targets={"service_request": "办事申请", "service_kind": "办事事项"},
)


async def request_names(ids: Sequence[str]) -> Mapping[str, str]:
    rows = await ServiceRequest.filter(id__in=int_ids(ids)).values_list("id", "title")
    return {str(i): str(t) for i, t in rows}


async def kind_names(ids: Sequence[str]) -> Mapping[str, str]:
    rows = await ServiceKind.filter(id__in=int_ids(ids)).values_list("id", "name")
    return {str(i): str(t) for i, t in rows}


PROVIDES = (
    LABELS,
    AuditNames("service_request", request_names),
    AuditNames("service_kind", kind_names),
)
