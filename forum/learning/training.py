"""Finished training courses for the development file (forum.studyrecords.TrainingSource)."""

from __future__ import annotations

from forum.learning.models import CourseCompletion
from forum.models import Member
from forum.studyrecords import Training, TrainingSource


async def completed(member_id: int) -> list[Training]:
    member = await Member.get_or_none(id=member_id)
    if member is None or member.user_id is None:
        return []
    rows = await CourseCompletion.filter(
        user_id=member.user_id, course__training=True
    ).select_related("course")
    return [
        Training(member_id, c.course.title, c.completed_at.date(), c.hours_tenths) for c in rows
    ]


SOURCE = TrainingSource("learning.training", completed)
