"""Reads of the learning part: only what the policy lets the viewer see.

Lists are bounded (`PAGE`), the library's 最新 list pages by keyset (published_at, id).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, cast

from forum import studyrecords
from forum.errors import NotFound
from forum.learning.models import (
    Assignment,
    Category,
    Course,
    CourseCompletion,
    Lesson,
    Progress,
    Question,
    QuizAttempt,
    Resource,
)
from forum.models import Member, Org, OrgRole
from forum.policy import (
    ADMIN_ROLES,
    Viewer,
    assignment_applies,
    can_see_study,
    can_see_study_dashboard,
    can_see_study_of_member,
    ensure,
    ensure_visible,
    study_draft_orgs,
    study_staff_filter,
    study_visibility,
    yearly_study_hours,
)

PAGE = 30
MEMBER_LIMIT = 2000  # a dashboard covers at most this many members (a committee's subtree)


def visible_resources(viewer: Viewer) -> object:
    return Resource.filter(study_staff_filter(study_visibility(viewer)))


async def library(
    viewer: Viewer, *, tab: str, category_id: int | None, before: tuple[dt.datetime, int] | None
) -> list[Resource]:
    q = Resource.filter(study_staff_filter(study_visibility(viewer)), state="published")
    if category_id is not None:
        q = q.filter(category_id=category_id)
    if tab == "hot":
        return await q.order_by("-views", "-id").limit(PAGE).select_related("org", "category")
    if tab == "required":
        ids = [a.resource_id for a in await my_assignments(viewer) if a.resource_id]
        courses = [a.course_id for a in await my_assignments(viewer) if a.course_id]
        lesson_ids = await Lesson.filter(course_id__in=courses).values_list(
            "resource_id", flat=True
        )
        q = q.filter(id__in=[*ids, *lesson_ids])
    if before is not None:
        at, rid = before
        q = q.filter(published_at__lte=at).exclude(published_at=at, id__gte=rid)
    return await q.order_by("-published_at", "-id").limit(PAGE).select_related("org", "category")


async def categories() -> list[Category]:
    return await Category.all().order_by("sort_order", "id")


async def get_resource_for(viewer: Viewer, resource_id: int) -> Resource:
    r = await Resource.get_or_none(id=resource_id).select_related("org", "category")
    if r is None:
        raise NotFound()
    ensure_visible(can_see_study(viewer, r))
    return r


async def work_list(viewer: Viewer) -> tuple[list[Resource], list[Course]]:
    """Drafts and pending items under the viewer's staff orgs."""
    facts = study_visibility(viewer)
    if not facts.staff_paths and not facts.everything:
        return [], []
    flt = study_staff_filter(type(facts)((), facts.staff_paths, facts.everything))
    resources = (
        await Resource.filter(flt, state__in=["draft", "pending", "withdrawn"])
        .order_by("-id")
        .limit(PAGE)
        .select_related("org")
    )
    courses = (
        await Course.filter(flt, state__in=["draft", "pending", "withdrawn"])
        .order_by("-id")
        .limit(PAGE)
        .select_related("org")
    )
    return resources, courses


async def draftable_orgs(viewer: Viewer) -> list[Org]:
    return await Org.filter(study_draft_orgs(viewer), is_active=True).order_by("path").limit(200)


async def courses(viewer: Viewer) -> list[Course]:
    return (
        await Course.filter(study_staff_filter(study_visibility(viewer)), state="published")
        .order_by("-published_at", "-id")
        .limit(PAGE)
        .select_related("org")
    )


async def get_course_for(viewer: Viewer, course_id: int) -> Course:
    c = await Course.get_or_none(id=course_id).select_related("org")
    if c is None:
        raise NotFound()
    ensure_visible(can_see_study(viewer, c))
    return c


async def lessons(course: Course) -> list[Lesson]:
    return (
        await Lesson.filter(course_id=course.id)
        .order_by("position", "id")
        .select_related("resource")
    )


async def progress_of(user_id: int | None, resource_ids: list[int]) -> dict[int, Progress]:
    if user_id is None or not resource_ids:
        return {}
    rows = await Progress.filter(user_id=user_id, resource_id__in=resource_ids)
    return {p.resource_id: p for p in rows}


async def question_count(course: Course) -> int:
    return await Question.filter(course_id=course.id).count()


async def attempts_of(user_id: int | None, course_id: int) -> list[QuizAttempt]:
    if user_id is None:
        return []
    return await QuizAttempt.filter(user_id=user_id, course_id=course_id).order_by("id")


async def my_assignments(viewer: Viewer) -> list[Assignment]:
    """Assignments that require the viewer's study: only an org above or at the viewer's own
    can assign (named members are in its subtree too), so the candidates are few."""
    if viewer.user_id is None or viewer.org_path is None:
        return []
    ancestors = [int(p) for p in viewer.org_path.strip("/").split("/") if p]
    rows = (
        await Assignment.filter(org_id__in=ancestors)
        .order_by("deadline")
        .limit(200)
        .select_related("course", "resource")
    )
    return [
        a
        for a in rows
        if assignment_applies(
            a, user_id=viewer.user_id, status=viewer.status, org_path=viewer.org_path
        )
    ]


async def assignment_done(user_id: int, a: Assignment) -> bool:
    if a.course_id is not None:
        return await CourseCompletion.exists(user_id=user_id, course_id=a.course_id)
    return await Progress.exists(
        user_id=user_id, resource_id=a.resource_id, completed_at__not_isnull=True
    )


@dataclass
class Hours:
    """One member's 学时 in a year."""

    online_tenths: int = 0
    organized_tenths: int = 0
    required: int = 32
    items: list[tuple[str, str, int]] = field(default_factory=list)  # (source, title, tenths)

    @property
    def total_tenths(self) -> int:
        return self.online_tenths + self.organized_tenths

    @property
    def total(self) -> float:
        return self.total_tenths / 10

    @property
    def met(self) -> bool:
        return self.total_tenths >= self.required * 10


async def hours_for(members: list[Member], year: int) -> dict[int, Hours]:
    """学时 per member id: finished courses (online) plus organized sessions (党课)."""
    result: dict[int, Hours] = {m.id: Hours() for m in members}
    by_user = {m.user_id: m.id for m in members if m.user_id is not None}
    if by_user:
        rows = await CourseCompletion.filter(user_id__in=list(by_user), year=year).select_related(
            "course"
        )
        for c in rows:
            h = result[by_user[c.user_id]]
            h.online_tenths += c.hours_tenths
            h.items.append(("在线学习", c.course.title, c.hours_tenths))
        roles: dict[int, list[str]] = defaultdict(list)
        for r in await OrgRole.filter(user_id__in=list(by_user), ended_at__isnull=True):
            roles[r.user_id].append(str(r.role))
        for user_id, member_id in by_user.items():
            result[member_id].required = yearly_study_hours(roles.get(user_id, []))
    for s in await studyrecords.organized_sessions(list(result), year):
        h = result[s.member_id]
        h.organized_tenths += s.hours_tenths
        h.items.append((s.source, s.title, s.hours_tenths))
    return result


async def member_of(viewer: Viewer) -> Member | None:
    if viewer.member_id is None:
        return None
    return await Member.get_or_none(id=viewer.member_id)


@dataclass
class AssignmentRow:
    assignment: Assignment
    due: int
    done: int
    missing: list[Member]


@dataclass
class Dashboard:
    org: Org
    year: int
    members: list[Member]
    hours: dict[int, Hours]
    assignments: list[AssignmentRow]
    quiz: list[tuple[Course, int, int]]  # course, people who tried, people who passed
    branches: list[tuple[Org, int, int]]  # branch, members, members meeting the requirement

    @property
    def met(self) -> int:
        return sum(1 for h in self.hours.values() if h.met)

    def buckets(self) -> list[tuple[str, int]]:
        """学时 distribution against the yearly requirement."""
        counts = dict.fromkeys(BUCKETS, 0)
        for h in self.hours.values():
            counts[bucket(h)] += 1
        return list(counts.items())


BUCKETS = ("未开始", "不足一半", "一半以上", "已达标")


def bucket(h: Hours) -> str:
    if h.total_tenths == 0:
        return "未开始"
    share = h.total_tenths * 100 // max(1, h.required * 10)
    if share >= 100:
        return "已达标"
    return "一半以上" if share >= 50 else "不足一半"


async def dashboard(viewer: Viewer, org_id: int, year: int) -> Dashboard:
    org = await Org.get_or_none(id=org_id)
    if org is None:
        raise NotFound()
    ensure(can_see_study_dashboard(viewer, org))
    members = (
        await Member.filter(org__path__startswith=org.path)
        .order_by("org_id", "id")
        .limit(MEMBER_LIMIT)
        .select_related("org")
    )
    hours = await hours_for(members, year)
    rows: list[AssignmentRow] = []
    ancestors = [int(p) for p in org.path.strip("/").split("/") if p]
    for a in await Assignment.filter(org_id__in=ancestors).order_by("-deadline").limit(50):
        due = [
            m
            for m in members
            if m.user_id is not None
            and assignment_applies(a, user_id=m.user_id, status=str(m.status), org_path=m.org.path)
        ]
        done_ids = await _done_users(a, [m.user_id for m in due if m.user_id is not None])
        rows.append(
            AssignmentRow(a, len(due), len(done_ids), [m for m in due if m.user_id not in done_ids])
        )
    users = [m.user_id for m in members if m.user_id is not None]
    quiz: list[tuple[Course, int, int]] = []
    for c in await Course.filter(state="published", org_id__in=[*ancestors, org.id]).limit(50):
        tried = (
            await QuizAttempt.filter(
                course_id=c.id, user_id__in=users, submitted_at__not_isnull=True
            )
            .distinct()
            .values_list("user_id", flat=True)
        )
        passed = (
            await QuizAttempt.filter(course_id=c.id, user_id__in=users, passed=True)
            .distinct()
            .values_list("user_id", flat=True)
        )
        if tried:
            quiz.append((c, len(set(tried)), len(set(passed))))
    branches: list[tuple[Org, int, int]] = []
    for child in await Org.filter(parent_id=org.id, is_active=True).order_by("sort_order", "id"):
        inside = [m for m in members if m.org.path.startswith(child.path)]
        branches.append((child, len(inside), sum(1 for m in inside if hours[m.id].met)))
    return Dashboard(org, year, members, hours, rows, quiz, branches)


async def _done_users(a: Assignment, user_ids: list[int]) -> set[int]:
    if not user_ids:
        return set()
    if a.course_id is not None:
        rows = await CourseCompletion.filter(
            course_id=a.course_id, user_id__in=user_ids
        ).values_list("user_id", flat=True)
    else:
        rows = await Progress.filter(
            resource_id=a.resource_id, user_id__in=user_ids, completed_at__not_isnull=True
        ).values_list("user_id", flat=True)
    return {int(cast(Any, u)) for u in rows}


async def dashboard_orgs(viewer: Viewer) -> list[Org]:
    """Orgs whose dashboard the viewer may open (their admin orgs)."""
    paths = viewer.role_paths(ADMIN_ROLES)
    if viewer.is_site_admin:
        return await Org.filter(is_active=True, depth__lte=1).order_by("path").limit(50)
    return await Org.filter(path__in=list(paths)).order_by("path")


async def member_record(viewer: Viewer, member_id: int, year: int) -> tuple[Member, Hours]:
    m = await Member.get_or_none(id=member_id).select_related("org")
    if m is None:
        raise NotFound()
    ensure_visible(can_see_study_of_member(viewer, m.org.path, m.user_id))
    return m, (await hours_for([m], year))[m.id]
