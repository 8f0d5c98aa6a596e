"""The boards part's audit codes and targets in Chinese, and how to name its targets."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from forum.audit import AuditLabels, AuditNames, int_ids
from forum.boards.models import Attachment, Board, Post, Topic

LABELS = AuditLabels(
    "boards",
    actions={
        "board.created": "创建版块",
        "board.grants_changed": "修改版块权限",
        "board.moderator_added": "添加版主",
        "board.moderator_removed": "移除版主",
        "topic.pinned": "置顶主题",
        "topic.unpinned": "取消置顶",
        "topic.closed": "关闭主题",
        "topic.reopened": "重新开放主题",
        "topic.hidden": "隐藏主题",
        "topic.unhidden": "取消隐藏主题",
        "topic.answer_accepted": "采纳答案",
        "topic.moved": "移动主题",
        "topic.merged": "合并主题",
        "topic.split": "拆分主题",
        "topic.slow_mode": "设置慢速模式",
        "topic.timed_close": "设置定时关闭",
        "topic.site_pinned": "全站置顶",
        "topic.site_unpinned": "取消全站置顶",
        "post.edited": "编辑回帖",
        "post.hidden": "隐藏回帖",
        "post.unhidden": "取消隐藏回帖",
        "post.deleted": "删除回帖",
        "attachment.deleted": "删除附件",
    },
    targets={"board": "版块", "topic": "主题", "post": "回帖", "attachment": "附件"},
)


async def board_names(ids: Sequence[str]) -> Mapping[str, str]:
    rows = await Board.filter(id__in=int_ids(ids)).values_list("id", "name")
    return {str(i): str(name) for i, name in rows}


async def topic_names(ids: Sequence[str]) -> Mapping[str, str]:
    rows = await Topic.filter(id__in=int_ids(ids)).values_list("id", "title")
    return {str(i): str(title) for i, title in rows}


async def post_names(ids: Sequence[str]) -> Mapping[str, str]:
    posts = await Post.filter(id__in=int_ids(ids)).values_list("id", "topic_id", "number")
    titles = dict(
        await Topic.filter(id__in={int(t) for _, t, _ in posts}).values_list("id", "title")
    )
    return {str(i): f"{titles.get(t, '')} · #{n}" for i, t, n in posts}


async def attachment_names(ids: Sequence[str]) -> Mapping[str, str]:
    rows = await Attachment.filter(id__in=int_ids(ids)).values_list("id", "filename")
    return {str(i): str(name) for i, name in rows}


PROVIDES = (
    LABELS,
    AuditNames("board", board_names),
    AuditNames("topic", topic_names),
    AuditNames("post", post_names),
    AuditNames("attachment", attachment_names),
)
