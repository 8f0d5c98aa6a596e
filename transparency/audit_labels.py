"""The disclosures part's audit codes and targets in Chinese, and how to name its targets."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from forum.audit import AuditLabels, AuditNames, int_ids
from transparency.models import Disclosure, DisclosureCategory, Feedback

LABELS = AuditLabels(
    "disclosures",
    actions={
        "disclosure.created": "新建公开事项",
        "disclosure.updated": "修改公开事项",
        "disclosure.proposed": "提交审核",
        "disclosure.reviewed": "审核公开事项",
        "disclosure.approved": "批准公开",
        "disclosure.published": "发布公开事项",
        "disclosure.rejected": "退回公开事项",
        "disclosure.withdrawn": "撤回公开事项",
        "disclosure.corrected": "更正公开事项",
        "disclosure.feedback_answered": "答复意见反馈",
        "disclosure.category_saved": "保存公开类别",
    },
    targets={
        "disclosure": "党务公开",
        "disclosure_category": "公开类别",
        "disclosure_feedback": "意见反馈",
    },
)


async def disclosure_names(ids: Sequence[str]) -> Mapping[str, str]:
    rows = await Disclosure.filter(id__in=int_ids(ids)).values_list("id", "title")
    return {str(i): str(t) for i, t in rows}


async def category_names(ids: Sequence[str]) -> Mapping[str, str]:
    rows = await DisclosureCategory.filter(id__in=int_ids(ids)).values_list("id", "name")
    return {str(i): str(n) for i, n in rows}


async def feedback_names(ids: Sequence[str]) -> Mapping[str, str]:
    rows = await Feedback.filter(id__in=int_ids(ids)).values_list("id", "disclosure_id")
    titles = dict(
        await Disclosure.filter(id__in={int(d) for _, d in rows}).values_list("id", "title")
    )
    return {str(i): f"{titles.get(d, '')} · 意见反馈" for i, d in rows}


PROVIDES = (
    LABELS,
    AuditNames("disclosure", disclosure_names),
    AuditNames("disclosure_category", category_names),
    AuditNames("disclosure_feedback", feedback_names),
)
