"""The moderation service's audit codes in Chinese: decisions, sanctions, the word list."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from forum.audit import AuditLabels, AuditNames, int_ids
from moderation.models import WatchedWord

LABELS = AuditLabels(
    "moderation",
    actions={
        "content.approve": "审核通过",
        "content.hide": "隐藏内容",
        "content.delete": "删除内容",
        "content.restore": "恢复内容",
        "content.edit": "编辑内容",
        "content.dismiss": "驳回举报",
        "content.auto_hide": "举报达到阈值自动隐藏",
        "sanction.warn": "警告",
        "sanction.silence": "禁言",
        "sanction.suspend": "封禁",
        "sanction.lift_silence": "解除禁言",
        "sanction.lift_suspend": "解除封禁",
        "word.add": "添加敏感词",
        "word.delete": "删除敏感词",
        "word.import": "导入敏感词",
    },
    targets={"watched_word": "敏感词"},
)


async def word_names(ids: Sequence[str]) -> Mapping[str, str]:
    rows = await WatchedWord.filter(id__in=int_ids(ids)).values_list("id", "word")
    return {str(i): str(word) for i, word in rows}


PROVIDES = (LABELS, AuditNames("watched_word", word_names))
