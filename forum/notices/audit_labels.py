"""Chinese names of the notices' audit codes and target."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from forum.audit import AuditLabels, AuditNames, int_ids
from forum.notices.models import Notice

LABELS = AuditLabels(
    "notices",
    actions={"notice.published": "发布通知公告", "notice.reminded": "提醒确认通知回执"},
    targets={"notice": "通知公告"},
)


async def names(ids: Sequence[str]) -> Mapping[str, str]:
    rows = await Notice.filter(id__in=int_ids(ids)).values_list("id", "title")
    return {str(i): str(t) for i, t in rows}


PROVIDES = (LABELS, AuditNames("notice", names))
