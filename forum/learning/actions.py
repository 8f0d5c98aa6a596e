"""Writes of the learning part. Each checks the policy, validates, writes in one transaction
with its audit entry, and sends notifications after the commit."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, cast

from tortoise.expressions import F
from tortoise.transactions import in_transaction

from forum import audit, markup
from forum.clock import utcnow
from forum.errors import ActionError, NotFound
from forum.learning import media, queries, quiz, timing
from forum.learning.models import (
    Assignment,
    Course,
    CourseCompletion,
    Lesson,
    Progress,
    Question,
    QuizAttempt,
    Resource,
)
from forum.models import STATUS_LABELS, Member, Org, OrgRole, User
from forum.notifications import NotificationKind, announce, notify
from forum.policy import (
    LEARNING_APPROVER_ROLES,
    Viewer,
    assignment_applies,
    can_approve_study,
    can_assign_study,
    can_draft_study_for,
    can_edit_study,
    can_see_study,
    can_study,
    can_submit_study,
    can_take_quiz,
    can_withdraw_study,
    ensure,
    ensure_visible,
    in_subtree,
)

NOTIFICATION_KINDS = (
    NotificationKind("learning.review", "学习资源待审批", "在线学习"),
    NotificationKind("learning.published", "我起草的学习资源已发布", "在线学习"),
    NotificationKind("learning.assigned", "布置给我的必学内容", "在线学习"),
    NotificationKind("learning.reminder", "必学内容即将到期", "在线学习"),
    NotificationKind("learning.quiz", "测验结果", "在线学习"),
)
REMIND_BEFORE = dt.timedelta(days=3)
WORDS_PER_MINUTE = 300  # reading speed for an article's reading time
TITLE_MAX = 120
USERNAME_MAX = 32  # User.username


def _text(
    data: dict[str, Any], name: str, label: str, *, max_length: int, required: bool = True
) -> str:
    raw = data.get(name)
    value = " ".join(raw.split()) if isinstance(raw, str) else ""
    if required and not value:
        raise ActionError(f"请填写{label}", field=name)
    if len(value) > max_length:
        raise ActionError(f"{label}最多 {max_length} 个字", field=name)
    return value


def digits(text: str) -> bool:
    """ASCII digits only (str.isdigit() also takes '²' or '١', which int() refuses)."""
    return text.isascii() and text.isdigit()


def _str(data: dict[str, Any], name: str) -> str:
    value = data.get(name)
    return value if isinstance(value, str) else ""


def reading_seconds(text: str) -> int:
    return max(60, len(text) * 60 // WORDS_PER_MINUTE)


async def _holders(org_path: str, roles: frozenset[str]) -> list[int]:
    """Users holding one of `roles` on the org at `org_path` or above it."""
    ids = [int(p) for p in org_path.strip("/").split("/") if p]
    rows = await OrgRole.filter(org_id__in=ids, role__in=list(roles), ended_at__isnull=True)
    return sorted({r.user_id for r in rows})


@dataclass(frozen=True)
class ResourceInput:
    org_id: int
    kind: str
    title: str
    summary: str = ""
    body: str = ""
    url: str = ""
    author: str = ""
    source: str = ""
    category_id: int | None = None
    tags: tuple[str, ...] = ()
    duration_seconds: int = 0
    pages: int = 0
    media: bytes | None = None


def parse_resource(data: dict[str, Any], media_bytes: bytes | None) -> ResourceInput:
    kind = data.get("kind")
    if kind not in {"article", "video", "audio", "image", "pdf", "link"}:
        raise ActionError("请选择资源类型", field="kind")
    title = _text(data, "title", "标题", max_length=TITLE_MAX)
    summary = _text(data, "summary", "简介", max_length=300, required=False)
    body = _str(data, "body")
    if len(body) > 100_000:
        raise ActionError("正文最多 100000 个字", field="body")
    if kind == "article" and not body.strip():
        raise ActionError("请填写正文", field="body")
    url = _text(data, "url", "链接", max_length=500, required=kind == "link")
    if url and not (url.startswith("https://") or url.startswith("http://")):
        raise ActionError("链接须以 http:// 或 https:// 开头", field="url")
    tags_raw = _str(data, "tags")
    tags = tuple(
        dict.fromkeys(t for t in (x.strip() for x in tags_raw.replace("，", ",").split(",")) if t)
    )
    if len(tags) > 10 or any(len(t) > 16 for t in tags):
        raise ActionError("标签最多 10 个，每个最多 16 个字", field="tags")
    duration = _int(data, "duration_seconds", "时长（秒）", 0, 36000) or (
        _int(data, "duration_minutes", "时长（分钟）", 0, 600) * 60
    )
    if kind in {"video", "audio", "pdf", "image"} and not media_bytes:
        raise ActionError("请上传文件", field="file")
    if kind == "video" and not duration:
        raise ActionError("请填写时长", field="duration_minutes")
    category = data.get("category_id")
    return ResourceInput(
        org_id=_int(data, "org_id", "发布组织", 1, 2**31 - 1),
        kind=str(kind),
        title=title,
        summary=summary,
        body=body,
        url=url,
        author=_text(data, "author", "作者", max_length=64, required=False),
        source=_text(data, "source", "来源", max_length=64, required=False),
        category_id=int(category)
        if isinstance(category, str) and digits(category) and len(category) < 10
        else None,
        tags=tags,
        duration_seconds=duration,
        pages=_int(data, "pages", "页数", 0, 5000),
        media=media_bytes or None,
    )


def _int(data: dict[str, Any], name: str, label: str, lo: int, hi: int) -> int:
    raw = data.get(name)
    text = raw.strip() if isinstance(raw, str) else ("" if raw is None else str(raw))
    if text == "":
        if lo > 0:
            raise ActionError(f"请填写{label}", field=name)
        return 0
    if not digits(text) or len(text) > 10:
        raise ActionError(f"{label}须为整数", field=name)
    value = int(text)
    if not lo <= value <= hi:
        raise ActionError(f"{label}须在 {lo} 到 {hi} 之间", field=name)
    return value


async def create_resource(viewer: Viewer, data: ResourceInput) -> Resource:
    org = await Org.get_or_none(id=data.org_id)
    if org is None:
        raise ActionError("请选择发布组织", field="org_id")
    ensure(can_draft_study_for(viewer, org))
    fields: dict[str, Any] = {}
    duration = data.duration_seconds
    if data.media is not None:
        sniffed = media.sniff(data.media)
        if data.kind in {"video", "audio", "pdf", "image"} and sniffed.kind != data.kind:
            raise ActionError("文件类型与所选资源类型不符", field="file")
        sha, key = media.store(data.media)
        fields = {
            "media_key": key,
            "media_sha256": sha,
            "media_type": sniffed.content_type,
            "media_size": len(data.media),
        }
        if sniffed.ext == "wav" and not duration:
            duration = media.wav_seconds(data.media)
    if data.kind in {"video", "audio"} and duration <= 0:
        raise ActionError("请填写时长", field="duration_minutes")
    if data.kind not in {"video", "audio"} and not duration:
        duration = reading_seconds(data.body or data.summary or data.title)
    html = markup.render(data.body) if data.body else ""
    async with in_transaction():
        r = await Resource.create(
            org_id=org.id,
            org_path=org.path,
            kind=data.kind,
            title=data.title,
            summary=data.summary,
            body_raw=data.body,
            body_html=html,
            render_version=markup.VERSION,
            search_text="\n".join([data.title, data.summary, " ".join(data.tags), data.body]),
            url=data.url,
            author=data.author,
            source=data.source,
            category_id=data.category_id,
            tags=list(data.tags),
            duration_seconds=duration,
            pages=data.pages,
            created_by_id=viewer.user_id,
            **fields,
        )
        await audit.record(
            viewer,
            "learning.resource_drafted",
            "learning_resource",
            r.id,
            org_path=org.path,
            after={"title": r.title, "kind": r.kind},
        )
    return r


async def _transition(
    viewer: Viewer, item: Resource | Course, state: str, code: str, **extra: Any
) -> None:
    kind = "learning_resource" if isinstance(item, Resource) else "learning_course"
    before = str(item.state)
    item.state = state  # type: ignore[assignment]
    for k, v in extra.items():
        setattr(item, k, v)
    await item.save(update_fields=["state", *extra])
    await audit.record(
        viewer,
        code,
        kind,
        item.id,
        org_path=item.org_path,
        before={"state": before},
        after={"state": state},
    )


def _url(item: Resource | Course) -> str:
    return f"/learning/r/{item.id}" if isinstance(item, Resource) else f"/learning/c/{item.id}"


async def submit(viewer: Viewer, item: Resource | Course) -> None:
    ensure(can_submit_study(viewer, item))
    async with in_transaction():
        await _transition(viewer, item, "pending", "learning.submitted")
        sent = await notify(
            await _holders(item.org_path, LEARNING_APPROVER_ROLES),
            "learning.review",
            text=f"学习资源《{item.title}》等待审批",
            url=_url(item),
            actor_id=viewer.user_id,
        )
    await announce(sent)


async def approve(viewer: Viewer, item: Resource | Course) -> None:
    ensure(can_approve_study(viewer, item))
    if isinstance(item, Course) and not await Lesson.exists(course_id=item.id):
        raise ActionError("课程至少需要一节课")
    async with in_transaction():
        await _transition(
            viewer,
            item,
            "published",
            "learning.published",
            published_at=utcnow(),
            **({"approved_by_id": viewer.user_id} if isinstance(item, Resource) else {}),
        )
        sent = await notify(
            [item.created_by_id],
            "learning.published",
            text=f"《{item.title}》已审批发布",
            url=_url(item),
            actor_id=viewer.user_id,
        )
    await announce(sent)


async def send_back(viewer: Viewer, item: Resource | Course) -> None:
    """Reject a pending item or withdraw a published one (back to the drafters)."""
    ensure(can_withdraw_study(viewer, item))
    async with in_transaction():
        await _transition(viewer, item, "withdrawn", "learning.withdrawn")


async def create_course(viewer: Viewer, data: dict[str, Any]) -> Course:
    org = await Org.get_or_none(id=_int(data, "org_id", "发布组织", 1, 2**31 - 1))
    if org is None:
        raise ActionError("请选择发布组织", field="org_id")
    ensure(can_draft_study_for(viewer, org))
    title = _text(data, "title", "课程名称", max_length=TITLE_MAX)
    description = _str(data, "description")
    if len(description) > 2000:
        raise ActionError("简介最多 2000 个字", field="description")
    pass_mark = _int(data, "pass_mark", "及格线", 1, 100) if data.get("pass_mark") else 60
    attempts = _int(data, "max_attempts", "测验次数", 1, 10) if data.get("max_attempts") else 3
    paper = _int(data, "paper_size", "每份试卷题数", 1, 50) if data.get("paper_size") else 5
    async with in_transaction():
        c = await Course.create(
            org_id=org.id,
            org_path=org.path,
            title=title,
            description=description,
            training=data.get("training") in {"1", True, "on"},
            pass_mark=pass_mark,
            max_attempts=attempts,
            paper_size=paper,
            created_by_id=viewer.user_id,
        )
        await audit.record(
            viewer,
            "learning.course_drafted",
            "learning_course",
            c.id,
            org_path=org.path,
            after={"title": title},
        )
    return c


async def add_lesson(viewer: Viewer, course: Course, data: dict[str, Any]) -> Lesson:
    ensure(can_edit_study(viewer, course))
    rid = _int(data, "resource_id", "学习资源", 1, 2**31 - 1)
    r = await Resource.get_or_none(id=rid)
    if (
        r is None
        or not can_see_study(viewer, r)
        or (
            not in_subtree(course.org_path, r.org_path)
            and not in_subtree(r.org_path, course.org_path)
        )
    ):
        raise ActionError("找不到该学习资源", field="resource_id")
    hours = _int(data, "hours_tenths", "学时（十分之一）", 1, 240)
    if await Lesson.exists(course_id=course.id, resource_id=r.id):
        raise ActionError("该资源已在课程中", field="resource_id")
    async with in_transaction():
        position = await Lesson.filter(course_id=course.id).count()
        lesson = await Lesson.create(
            course_id=course.id, resource_id=r.id, position=position, hours_tenths=hours
        )
        await audit.record(
            viewer,
            "learning.lesson_added",
            "learning_course",
            course.id,
            org_path=course.org_path,
            after={"resource": r.id, "hours_tenths": hours},
        )
    return lesson


async def add_question(viewer: Viewer, course: Course, data: dict[str, Any]) -> Question:
    ensure(can_edit_study(viewer, course))
    kind = data.get("kind")
    if kind not in {"single", "multiple", "truefalse"}:
        raise ActionError("请选择题型", field="kind")
    text = _text(data, "text", "题目", max_length=300)
    if kind == "truefalse":
        options = ["正确", "错误"]
    else:
        raw = _str(data, "options")
        options = [o.strip() for o in raw.splitlines() if o.strip()]
        if not 2 <= len(options) <= 8 or any(len(o) > 100 for o in options):
            raise ActionError("选项须为 2 到 8 行，每行最多 100 个字", field="options")
    raw_answer = _str(data, "answer")
    letters = [c for c in raw_answer.upper() if not c.isspace() and c not in ",，"]
    answer = sorted({ord(c) - ord("A") for c in letters})
    if (
        not answer
        or any(not 0 <= a < len(options) for a in answer)
        or (kind != "multiple" and len(answer) != 1)
    ):
        raise ActionError("答案须为选项字母（如 A，多选题如 AC）", field="answer")
    async with in_transaction():
        q = await Question.create(
            course_id=course.id, kind=kind, text=text, options=options, answer=answer
        )
        await audit.record(
            viewer,
            "learning.question_added",
            "learning_course",
            course.id,
            org_path=course.org_path,
        )
    return q


# --- study: heartbeats and completion --------------------------------------------------


async def view(viewer: Viewer, r: Resource) -> None:
    await Resource.filter(id=r.id).update(views=F("views") + 1)


async def beat(
    viewer: Viewer, r: Resource, data: dict[str, Any]
) -> tuple[timing.Outcome, Progress]:
    """Apply one heartbeat (`forum.learning.timing`); optimistic retry on a concurrent one."""
    ensure(can_study(viewer))
    ensure_visible(can_see_study(viewer, r))
    if viewer.user_id is None:  # pragma: no cover - can_study refuses anonymous
        raise NotFound()
    tab = data.get("tab")
    if not isinstance(tab, str) or not 1 <= len(tab) <= 40:
        raise ActionError("tab 无效", field="tab")
    position = data.get("position", 0)
    if (
        isinstance(position, bool)
        or not isinstance(position, int | float)
        or not 0 <= position < 10**7
    ):
        raise ActionError("position 无效", field="position")
    page = data.get("page", 0)
    if isinstance(page, bool) or not isinstance(page, int) or not 0 <= page < 100_000:
        raise ActionError("page 无效", field="page")
    b = timing.Beat(
        tab=tab,
        at=utcnow(),
        position=float(position),
        visible=data.get("visible") is True,
        active=data.get("active") is True,
        page=page,
    )
    for _ in range(5):
        p, _created = await Progress.get_or_create(user_id=viewer.user_id, resource_id=r.id)
        state = timing.State(
            p.position,
            p.furthest,
            p.counted_seconds,
            p.pages_read,
            p.tab,
            p.last_beat_at,
            p.last_beat_live,
            p.completed_at is not None,
        )
        out = timing.apply(state, b, kind=str(r.kind), length=r.duration_seconds, pages=r.pages)
        s = out.state
        changes: dict[str, Any] = {
            "position": s.position,
            "furthest": s.furthest,
            "counted_seconds": s.counted,
            "pages_read": s.pages_read,
            "tab": s.tab,
            "last_beat_at": s.last_beat_at,
            "last_beat_live": s.last_live,
            "version": p.version + 1,
            "updated_at": b.at,
        }
        if out.just_completed:
            changes["completed_at"] = b.at
        async with in_transaction():
            updated = await Progress.filter(id=p.id, version=p.version).update(**changes)
            if not updated:
                continue
            if out.just_completed:
                await _complete_courses(viewer.user_id, r.id, b.at)
        for k, v in changes.items():
            setattr(p, k, v)
        return out, p
    raise ActionError("请稍后重试")


async def _complete_courses(user_id: int, resource_id: int, at: dt.datetime) -> None:
    course_ids = await Lesson.filter(
        resource_id=resource_id, course__state="published"
    ).values_list("course_id", flat=True)
    for course_id in course_ids:
        await try_complete_course(user_id, int(cast(Any, course_id)), at)


async def try_complete_course(user_id: int, course_id: int, at: dt.datetime) -> bool:
    """Record the course as finished when every lesson is and the quiz (if any) is passed."""
    if await CourseCompletion.exists(user_id=user_id, course_id=course_id):
        return False
    lessons = await Lesson.filter(course_id=course_id)
    done = await Progress.filter(
        user_id=user_id,
        resource_id__in=[lesson.resource_id for lesson in lessons],
        completed_at__not_isnull=True,
    ).count()
    if not lessons or done < len(lessons):
        return False
    if await Question.exists(course_id=course_id) and not await QuizAttempt.exists(
        course_id=course_id, user_id=user_id, passed=True
    ):
        return False
    await CourseCompletion.create(
        user_id=user_id,
        course_id=course_id,
        hours_tenths=sum(lesson.hours_tenths for lesson in lessons),
        year=at.year,
        completed_at=at,
    )
    return True


# --- quizzes -----------------------------------------------------------------------------


async def start_quiz(
    viewer: Viewer, course: Course, rng: random.Random | None = None
) -> QuizAttempt:
    if viewer.user_id is None:
        raise NotFound()
    attempts = await QuizAttempt.filter(user_id=viewer.user_id, course_id=course.id).order_by("id")
    open_one = next((a for a in attempts if a.submitted_at is None), None)
    if open_one is not None:
        return open_one
    ensure(
        can_take_quiz(
            viewer,
            course,
            attempts_used=len(attempts),
            max_attempts=course.max_attempts,
            passed=any(a.passed for a in attempts),
        )
    )
    bank = await Question.filter(course_id=course.id).values_list("id", flat=True)
    if not bank:
        raise ActionError("本课程没有测验")
    ids = quiz.draw(
        [int(cast(Any, i)) for i in bank], course.paper_size, rng or random.SystemRandom()
    )
    async with in_transaction():
        return await QuizAttempt.create(
            course_id=course.id, user_id=viewer.user_id, question_ids=ids
        )


async def submit_quiz(
    viewer: Viewer, course: Course, attempt_id: int, answers: Mapping[int, Sequence[int]]
) -> QuizAttempt:
    attempt = await QuizAttempt.get_or_none(
        id=attempt_id, user_id=viewer.user_id, course_id=course.id
    )
    if attempt is None:
        raise NotFound()
    if attempt.submitted_at is not None:
        raise ActionError("这份试卷已经交过了")
    questions = {q.id: q for q in await Question.filter(id__in=attempt.question_ids)}
    keys = [
        quiz.Key(q.id, str(q.kind), tuple(q.answer), len(q.options))
        for q in (questions.get(i) for i in attempt.question_ids)
        if q
    ]
    _right, _total, percent = quiz.score(keys, answers)
    now = utcnow()
    verdict = "通过" if quiz.passed(percent, course.pass_mark) else "未通过"
    async with in_transaction():
        attempt.answers = {str(k): list(v) for k, v in answers.items() if k in questions}
        attempt.score = percent
        attempt.passed = quiz.passed(percent, course.pass_mark)
        attempt.submitted_at = now
        await attempt.save()
        await audit.record(
            viewer,
            "learning.quiz_submitted",
            "learning_course",
            course.id,
            org_path=course.org_path,
            after={"score": percent, "passed": attempt.passed},
        )
        if attempt.passed and viewer.user_id is not None:
            await try_complete_course(viewer.user_id, course.id, now)
        sent = await notify(
            [viewer.user_id],
            "learning.quiz",
            text=f"《{course.title}》测验得分 {percent}（{verdict}）",
            url=f"/learning/c/{course.id}",
        )
    await announce(sent)
    return attempt


# --- assignments ---------------------------------------------------------------------------


async def create_assignment(viewer: Viewer, data: dict[str, Any]) -> Assignment:
    org = await Org.get_or_none(id=_int(data, "org_id", "组织", 1, 2**31 - 1))
    if org is None:
        raise ActionError("请选择组织", field="org_id")
    ensure(can_assign_study(viewer, org))
    course = resource = None
    target = _str(data, "target")
    kind, _, raw_id = target.partition(":")
    if kind == "c" and digits(raw_id) and len(raw_id) < 10:
        course = await Course.get_or_none(id=int(raw_id), state="published")
    elif kind == "r" and digits(raw_id) and len(raw_id) < 10:
        resource = await Resource.get_or_none(id=int(raw_id), state="published")
    item = course or resource
    if item is None or not in_subtree(org.path, item.org_path):
        raise ActionError("请选择本组织可以学习的课程或资源", field="target")
    statuses_raw = data.get("statuses")
    statuses = [
        s
        for s in (
            statuses_raw
            if isinstance(statuses_raw, list)
            else [statuses_raw]
            if statuses_raw
            else []
        )
        if isinstance(s, str)
    ]
    if any(s not in STATUS_LABELS or s == "public" for s in statuses):
        raise ActionError("身份选择有误", field="statuses")
    names_raw = _str(data, "usernames")
    names = [
        n
        for n in (x.strip() for x in names_raw.replace("，", ",").replace("\n", ",").split(","))
        if n
    ]
    if len(names) > 200:
        raise ActionError("最多点名 200 人", field="usernames")
    askable = [n for n in names if len(n) <= USERNAME_MAX]  # longer: no such account
    users = await User.filter(username__in=askable) if askable else []
    found = {u.username: u.id for u in users}
    members = {
        m.user_id: m
        for m in await Member.filter(user_id__in=list(found.values())).select_related("org")
    }
    outside = [
        n
        for n in names
        if n not in found
        or found[n] not in members
        or not in_subtree(members[found[n]].org.path, org.path)
    ]
    if outside:
        raise ActionError(f"这些账号不是本组织的成员：{'、'.join(outside[:5])}", field="usernames")
    whole = data.get("scope") != "named"
    if not whole and not names:
        raise ActionError("请填写要点名的成员账号", field="usernames")
    deadline = _deadline(data.get("deadline"))
    async with in_transaction():
        a = await Assignment.create(
            org_id=org.id,
            org_path=org.path,
            course_id=course.id if course else None,
            resource_id=resource.id if resource else None,
            title=item.title,
            statuses=statuses,
            user_ids=sorted(set(found.values())),
            whole_subtree=whole,
            deadline=deadline,
            created_by_id=viewer.user_id,
        )
        await audit.record(
            viewer,
            "learning.assigned",
            "learning_assignment",
            a.id,
            org_path=org.path,
            after={"title": a.title, "statuses": statuses, "named": len(found)},
        )
        sent = await notify(
            await _due_users(a),
            "learning.assigned",
            text=f"{org.name}布置了必学内容《{a.title}》，截止 {deadline:%Y-%m-%d}",
            url="/learning/me",
            actor_id=viewer.user_id,
        )
    await announce(sent)
    return a


def _deadline(raw: object) -> dt.datetime:
    try:
        day = dt.date.fromisoformat(raw) if isinstance(raw, str) and len(raw) == 10 else None
    except ValueError:
        day = None
    if day is None:
        raise ActionError("请填写截止日期（年-月-日）", field="deadline")
    end = dt.datetime.combine(day, dt.time(23, 59, 59), tzinfo=dt.UTC)
    if end < utcnow():
        raise ActionError("截止日期不能早于今天", field="deadline")
    if end > utcnow() + dt.timedelta(days=800):
        raise ActionError("截止日期太远", field="deadline")
    return end


async def _due_users(a: Assignment) -> list[int]:
    members = (
        await Member.filter(org__path__startswith=a.org_path, user_id__not_isnull=True)
        .select_related("org")
        .limit(5000)
    )
    return [
        m.user_id
        for m in members
        if m.user_id is not None
        and assignment_applies(a, user_id=m.user_id, status=str(m.status), org_path=m.org.path)
    ]


async def remind_due(now: dt.datetime | None = None) -> int:
    """Remind everyone who has not finished an assignment due within `REMIND_BEFORE` (once)."""
    now = now or utcnow()
    sent_total = 0
    for a in await Assignment.filter(
        reminded_at__isnull=True, deadline__gt=now, deadline__lte=now + REMIND_BEFORE
    ).limit(200):
        users = await _due_users(a)
        done = await queries._done_users(a, users)
        waiting = [u for u in users if u not in done]
        async with in_transaction():
            updated = await Assignment.filter(id=a.id, reminded_at__isnull=True).update(
                reminded_at=now
            )
            if not updated:
                continue
            sent = await notify(
                waiting,
                "learning.reminder",
                text=f"必学内容《{a.title}》将于 {a.deadline:%Y-%m-%d} 截止，请尽快完成",
                url="/learning/me",
            )
        await announce(sent)
        sent_total += len(sent.user_ids)
    return sent_total
