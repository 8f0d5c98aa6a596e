"""Writes of 民主评议: open a round, 自评, 互评, the secret 测评 sheet, close the rating,
record the grades as decided, record 组织处置. Each checks the policy, writes in one
transaction with its audit row (the 测评 audit row names the rater, never a grade or a
member rated) and notifies after the commit."""

from __future__ import annotations

from collections.abc import Mapping

from tortoise.expressions import F
from tortoise.transactions import in_transaction

from forum import audit, notifications
from forum.clock import today, utcnow
from forum.errors import ActionError, Conflict
from forum.models import Member, Org
from forum.notifications import NotificationKind
from forum.policy import (
    DISPOSALS,
    GRADES,
    Viewer,
    can_close_review_rating,
    can_decide_review_grades,
    can_open_review,
    can_rate_in_review,
    can_record_review_disposal,
    can_write_peer_review,
    can_write_self_review,
    ensure,
    grade_counts_allowed,
)
from forum.reviews.models import PeerComment, RatingSheet, RatingTally, ReviewRound, ReviewSubject
from forum.validation import clean_text

NOTIFICATION_KIND = NotificationKind("review", "民主评议", "组织生活")
REVIEWED_STATUSES = ("full", "probationary")  # probationary members are reviewed too


async def open_round(actor: Viewer, org: Org, year: int | None = None) -> ReviewRound:
    ensure(can_open_review(actor, org, str(org.kind)))
    year = year or today().year
    if await ReviewRound.filter(org_id=org.id, year=year).exists():
        raise Conflict(f"{org.name}{year} 年的民主评议已经开始")
    members = (
        await Member.filter(
            org__path__startswith=org.path,
            status__in=list(REVIEWED_STATUSES),
            membership_suspended=False,
        )
        .order_by("org_id", "name", "id")
        .limit(2000)
    )
    if not members:
        raise ActionError("本支部没有需要参加评议的党员")
    async with in_transaction():
        round_ = await ReviewRound.create(
            org_id=org.id,
            org_path=org.path,
            year=year,
            subjects=len(members),
            created_by_id=actor.user_id,
        )
        await ReviewSubject.bulk_create(
            [
                ReviewSubject(
                    round_id=round_.id,
                    member_id=m.id,
                    user_id=m.user_id,
                    name=m.name,
                    org_id=m.org_id,
                    status=str(m.status),
                )
                for m in members
            ]
        )
        await audit.record(
            actor,
            "review.opened",
            "review_round",
            round_.id,
            org_path=org.path,
            after={"year": year, "subjects": len(members)},
        )
        sent = await notifications.notify(
            [m.user_id for m in members],
            NOTIFICATION_KIND.key,
            text=f"{org.name}开始{year}年度民主评议：请填写自评、互评并参加民主测评",
            url=f"/reviews/{round_.id}",
            actor_id=actor.user_id,
            subject=f"review:{round_.id}",
        )
    await sent.send()
    return round_


async def write_self_review(
    actor: Viewer, round_: ReviewRound, subject: ReviewSubject | None, text: str
) -> ReviewSubject:
    ensure(can_write_self_review(actor, round_, subject is not None))
    assert subject is not None  # noqa: S101 - the policy refused otherwise
    text = clean_text(text, "self_review", "自评", max_length=5000)
    async with in_transaction():
        await ReviewSubject.filter(id=subject.id).update(
            self_review=text, self_reviewed_at=utcnow()
        )
        await audit.record(
            actor, "review.self_written", "review_subject", subject.id, org_path=round_.org_path
        )
    await subject.refresh_from_db()
    return subject


async def write_peer_comment(
    actor: Viewer,
    round_: ReviewRound,
    rater: ReviewSubject | None,
    subject: ReviewSubject,
    text: str,
) -> PeerComment:
    if rater is not None and rater.id == subject.id:
        raise ActionError("互评是对其他党员的评价，自己的请写在自评中", field="body")
    ensure(can_write_peer_review(actor, round_, rater.org_id if rater else None, subject.org_id))
    assert rater is not None  # noqa: S101 - the policy refused otherwise
    text = clean_text(text, "body", "互评意见", max_length=1000)
    async with in_transaction():
        comment, created = await PeerComment.get_or_create(
            subject_id=subject.id,
            author_member_id=rater.member_id,
            defaults={"author_name": rater.name, "body": text},
        )
        if not created:
            await PeerComment.filter(id=comment.id).update(body=text)
        await audit.record(
            actor, "review.peer_written", "review_subject", subject.id, org_path=round_.org_path
        )
    return comment


async def hand_in_sheet(actor: Viewer, round_: ReviewRound, grades: Mapping[int, str]) -> int:
    """One 测评表: a grade for every member reviewed except oneself. Writes who handed in a
    sheet and adds one to each (member, grade) count; nothing links the two."""
    already = await RatingSheet.filter(
        round_id=round_.id, rater_member_id=actor.member_id or 0
    ).exists()
    ensure(can_rate_in_review(actor, round_, already))
    subjects = await ReviewSubject.filter(round_id=round_.id).exclude(
        member_id=actor.member_id or 0
    )
    wanted = {s.id for s in subjects}
    if set(grades) != wanted:
        missing = len(wanted - set(grades))
        raise ActionError(
            f"请为每位参评党员选择等次（还有 {missing} 人未选）" if missing else "测评表有误",
            field="grades",
        )
    if any(g not in GRADES for g in grades.values()):
        raise ActionError("等次须为优秀、合格、基本合格或不合格", field="grades")
    async with in_transaction():
        try:
            await RatingSheet.create(round_id=round_.id, rater_member_id=actor.member_id)
        except Exception as exc:  # the unique (round, rater) pair: a second sheet
            raise Conflict("您已提交过测评表") from exc
        for subject_id in sorted(grades):  # a fixed order: the write order says nothing
            grade = grades[subject_id]
            updated = await RatingTally.filter(subject_id=subject_id, grade=grade).update(
                count=F("count") + 1
            )
            if not updated:
                await RatingTally.create(subject_id=subject_id, grade=grade, count=1)
        await ReviewRound.filter(id=round_.id).update(sheets=F("sheets") + 1)
        await audit.record(
            actor, "review.sheet_handed_in", "review_round", round_.id, org_path=round_.org_path
        )
    return len(grades)


async def close_rating(actor: Viewer, round_: ReviewRound) -> ReviewRound:
    ensure(can_close_review_rating(actor, round_))
    async with in_transaction():
        await ReviewRound.filter(id=round_.id, state="open").update(
            state="rated", rated_at=utcnow()
        )
        await audit.record(
            actor,
            "review.rating_closed",
            "review_round",
            round_.id,
            org_path=round_.org_path,
            after={"sheets": round_.sheets},
        )
    await round_.refresh_from_db()
    return round_


async def decide_grades(
    actor: Viewer, round_: ReviewRound, grades: Mapping[int, str], decided_by: str
) -> ReviewRound:
    """The grades as the plenary (or the committee) decided them, all at once."""
    ensure(can_decide_review_grades(actor, round_))
    decided_by = clean_text(" ".join(decided_by.split()), "decided_by", "决定依据", max_length=200)
    subjects = await ReviewSubject.filter(round_id=round_.id)
    if set(grades) != {s.id for s in subjects}:
        raise ActionError("请为每位参评党员确定等次", field="grades")
    if any(g not in GRADES for g in grades.values()):
        raise ActionError("等次须为优秀、合格、基本合格或不合格", field="grades")
    counts: dict[str, int] = {}
    for g in grades.values():
        counts[g] = counts.get(g, 0) + 1
    check = grade_counts_allowed(counts, len(subjects))
    if not check.allowed:
        raise ActionError(check.reason or "优秀人数超过三分之一", field="grades")
    async with in_transaction():
        for subject_id, grade in sorted(grades.items()):
            await ReviewSubject.filter(id=subject_id).update(grade=grade)
        await ReviewRound.filter(id=round_.id).update(
            state="decided", decided_at=utcnow(), decided_by=decided_by
        )
        await audit.record(
            actor,
            "review.grades_decided",
            "review_round",
            round_.id,
            org_path=round_.org_path,
            after={"counts": counts},
            reason=decided_by,
        )
        by_user = {s.id: s.user_id for s in subjects}
        sent = []
        for subject_id, grade in grades.items():
            sent.append(
                await notifications.notify(
                    [by_user[subject_id]],
                    NOTIFICATION_KIND.key,
                    text=f"{round_.year}年度民主评议结果：{GRADES[grade]}",
                    url=f"/reviews/{round_.id}",
                    actor_id=actor.user_id,
                    subject=f"review:{round_.id}",
                )
            )
    await notifications.announce(*sent)
    await round_.refresh_from_db()
    return round_


async def record_disposal(
    actor: Viewer, round_: ReviewRound, subject: ReviewSubject, disposal: str, note: str
) -> ReviewSubject:
    ensure(can_record_review_disposal(actor, round_, subject.grade))
    if disposal not in DISPOSALS:
        raise ActionError("请选择处置方式：限期改正、劝退或除名", field="disposal")
    note = clean_text(" ".join(note.split()), "disposal_note", "处置决定", max_length=500)
    async with in_transaction():
        await ReviewSubject.filter(id=subject.id).update(
            disposal=disposal, disposal_note=note, disposal_at=utcnow()
        )
        await audit.record(
            actor,
            "review.disposal_recorded",
            "review_subject",
            subject.id,
            org_path=round_.org_path,
            after={"disposal": disposal},
            reason=note,
        )
        sent = await notifications.notify(
            [subject.user_id],
            NOTIFICATION_KIND.key,
            text=f"民主评议组织处置：{DISPOSALS[disposal]}",
            url=f"/reviews/{round_.id}",
            actor_id=actor.user_id,
            subject=f"review:{round_.id}",
        )
    await sent.send()
    await subject.refresh_from_db()
    return subject
