"""The learning part's audit codes and targets in Chinese, and how to name its targets."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from forum.audit import AuditLabels, AuditNames, int_ids
from forum.learning.models import Assignment, Course, Resource

LABELS = AuditLabels(
    "learning",
    actions={
        "learning.resource_drafted": "起草学习资源",
        "learning.course_drafted": "起草课程",
        "learning.lesson_added": "添加课节",
        "learning.question_added": "添加测验题",
        "learning.submitted": "提交学习资源审批",
        "learning.published": "审批发布学习资源",
        "learning.withdrawn": "撤回学习资源",
        "learning.assigned": "布置必学内容",
        "learning.quiz_submitted": "提交测验",
    },
    targets={
        "learning_resource": "学习资源",
        "learning_course": "课程",
        "learning_assignment": "必学内容",
    },
)


async def resource_names(ids: Sequence[str]) -> Mapping[str, str]:
    return {
        str(i): str(t)
        for i, t in await Resource.filter(id__in=int_ids(ids)).values_list("id", "title")
    }


async def course_names(ids: Sequence[str]) -> Mapping[str, str]:
    return {
        str(i): str(t)
        for i, t in await Course.filter(id__in=int_ids(ids)).values_list("id", "title")
    }


async def assignment_names(ids: Sequence[str]) -> Mapping[str, str]:
    return {
        str(i): str(t)
        for i, t in await Assignment.filter(id__in=int_ids(ids)).values_list("id", "title")
    }


PROVIDES = (
    LABELS,
    AuditNames("learning_resource", resource_names),
    AuditNames("learning_course", course_names),
    AuditNames("learning_assignment", assignment_names),
)
