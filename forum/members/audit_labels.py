"""The members part's audit codes and targets in Chinese, and how to name its targets."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from forum.audit import AuditLabels, AuditNames, int_ids
from forum.members.models import FloatingInflow, Transfer
from forum.models import Member

LABELS = AuditLabels(
    "members",
    actions={
        "member.created": "新建党员档案",
        "member.updated": "修改党员档案",
        "member.status_changed": "变更党员状态",
        "member.id_revealed": "查看完整身份证号",
        "member.imported": "批量导入党员",
        "member.exported": "导出党员名册",
        "member.contact_added": "确定联系人",
        "member.reviewed": "记录考察",
        "member.probation_extended": "延长预备期",
        "member.status_proposed": "报批发展党员事项",
        "member.status_approved": "上级党委批准",
        "member.status_rejected": "上级党委不批准",
        "member.sanction_recorded": "记录党纪处分",
        "member.sanction_ended": "留党察看期满处理",
        "member.membership_suspended": "停止党籍",
        "member.membership_restored": "恢复党籍",
        "member.membership_removed": "停止党籍满两年除名",
        "member.roll_exclusion_proposed": "提出不计入应到",
        "member.roll_exclusion_approved": "上级批准不计入应到",
        "member.roll_exclusion_rejected": "上级不批准不计入应到",
        "member.roll_exclusion_passed": "党员大会通过不计入应到",
        "member.roll_exclusion_ended": "恢复计入应到",
        "member.duplicate_opened": "发现疑似重复档案",
        "member.duplicate_merged": "合并重复档案",
        "member.duplicate_dismissed": "排除疑似重复档案",
        "floating.outflow_registered": "登记流动党员外出",
        "floating.inflow_registered": "登记流动党员流入",
        "floating.ended": "结束流动登记",
        "floating.inflow_requested": "申请流入登记",
        "floating.inflow_confirmed": "确认流入登记",
        "floating.inflow_declined": "退回流入登记",
        "floating.inflow_withdrawn": "撤回流入登记",
        "transfer.requested": "申请转接组织关系",
        "transfer.approved": "同意转出",
        "transfer.letter_issued": "开具介绍信",
        "transfer.accepted": "接收转入",
        "transfer.placed": "编入支部",
        "transfer.completed": "回执确认",
        "transfer.rejected": "退回转接",
        "transfer.withdrawn": "撤回转接",
        "transfer.expired": "介绍信过期",
    },
    targets={
        "member": "党员",
        "transfer": "组织关系转接",
        "floating_inflow": "流入登记",
        "duplicate_case": "重复档案核查",
    },
)


async def member_names(ids: Sequence[str]) -> Mapping[str, str]:
    rows = await Member.filter(id__in=int_ids(ids)).values_list("id", "name")
    return {str(i): str(name) for i, name in rows}


async def transfer_names(ids: Sequence[str]) -> Mapping[str, str]:
    rows = await Transfer.filter(id__in=int_ids(ids)).values_list("id", "member_id")
    names = dict(await Member.filter(id__in={int(m) for _, m in rows}).values_list("id", "name"))
    return {str(i): f"{names.get(m, '')}的转接" for i, m in rows}


async def inflow_names(ids: Sequence[str]) -> Mapping[str, str]:
    """What the host typed (活动证 and masked number), never the matched member: the host
    must not learn whose number it was before the home side confirms."""
    rows = await FloatingInflow.filter(id__in=int_ids(ids)).values_list(
        "id", "certificate_number", "id_number_hint"
    )
    return {str(i): f"活动证 {cert}（{hint}）" for i, cert, hint in rows}


async def duplicate_names(ids: Sequence[str]) -> Mapping[str, str]:
    """The case's number only: naming the other side's record would tell one branch about
    another's member."""
    return {str(i): f"第 {i} 号核查" for i in int_ids(ids)}


PROVIDES = (
    LABELS,
    AuditNames("member", member_names),
    AuditNames("transfer", transfer_names),
    AuditNames("floating_inflow", inflow_names),
    AuditNames("duplicate_case", duplicate_names),
)
