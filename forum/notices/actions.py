"""Publishing a notice, confirming it, reminding those who have not."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from tortoise.expressions import F, Q
from tortoise.transactions import in_transaction

from forum import audit, files, markup, notifications
from forum.clock import utcnow, zone
from forum.errors import ActionError, NotFound
from forum.models import ROLE_LABELS, STATUS_LABELS, Member, Org, OrgRole
from forum.notices import kinds
from forum.notices.models import Notice, NoticeAttachment, NoticeRecipient
from forum.notifications import Announcement
from forum.policy import (
    Viewer,
    can_confirm_notice,
    can_publish_notice,
    can_remind_notice,
    ensure,
    ensure_visible,
)

TITLE_MAX = 120
BODY_MAX = 20_000
MEMBER_STATUSES = ("full", "probationary", "development_target", "activist", "applicant")
NOTICE_ROLES = ("secretary", "deputy_secretary", "organization_member", "org_admin")


@dataclass(frozen=True)
class Draft:
    title: str
    body: str
    statuses: tuple[str, ...]
    roles: tuple[str, ...]
    requires_receipt: bool
    receipt_deadline: dt.datetime | None
    expires_at: dt.datetime | None


def _local_datetime(text: str, field: str, label: str) -> dt.datetime | None:
    text = text.strip()[:20]
    if not text:
        return None
    try:
        value = dt.datetime.fromisoformat(text)
    except ValueError:
        raise ActionError(f"{label}格式有误，请选择日期和时间", field=field) from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=zone())
    return value.astimezone(dt.UTC)


def clean_draft(form: Mapping[str, object], statuses: list[str], roles: list[str]) -> Draft:
    """Validate the publish form; an ActionError names the field."""
    title = " ".join(str(form.get("title", "")).split())
    if not title:
        raise ActionError("请填写标题", field="title")
    if len(title) > TITLE_MAX:
        raise ActionError(f"标题不能超过 {TITLE_MAX} 个字", field="title")
    body = str(form.get("body", "")).replace("\x00", "").strip()
    if not body:
        raise ActionError("请填写正文", field="body")
    if len(body) > BODY_MAX:
        raise ActionError(f"正文不能超过 {BODY_MAX} 个字", field="body")
    bad = [s for s in statuses if s not in MEMBER_STATUSES]
    if bad:
        raise ActionError("请选择有效的党员类别", field="statuses")
    if [r for r in roles if r not in NOTICE_ROLES]:
        raise ActionError("请选择有效的职务", field="roles")
    receipt = str(form.get("requires_receipt", "")) == "1"
    deadline = _local_datetime(
        str(form.get("receipt_deadline", "")), "receipt_deadline", "回执截止时间"
    )
    expires = _local_datetime(str(form.get("expires_at", "")), "expires_at", "有效期")
    now = utcnow()
    if deadline is not None and not receipt:
        raise ActionError("未要求回执时不需要填写回执截止时间", field="receipt_deadline")
    if deadline is not None and deadline <= now:
        raise ActionError("回执截止时间应晚于现在", field="receipt_deadline")
    if expires is not None and expires <= now:
        raise ActionError("有效期应晚于现在", field="expires_at")
    if expires is not None and deadline is not None and deadline > expires:
        raise ActionError("回执截止时间不能晚于有效期", field="receipt_deadline")
    return Draft(title, body, tuple(statuses), tuple(roles), receipt, deadline, expires)


async def audience(org: Org, statuses: tuple[str, ...], roles: tuple[str, ...]) -> list[int]:
    """The accounts a notice goes to: members of the subtree (of the chosen statuses, or of
    every status when none and no role is chosen) and holders of the chosen roles there."""
    people: set[int] = set()
    in_tree = Q(org__path__startswith=org.path)
    if statuses or not roles:
        members = Member.filter(in_tree, user_id__isnull=False)
        if statuses:
            members = members.filter(status__in=statuses)
        people |= {int(str(u)) for u in await members.values_list("user_id", flat=True) if u}
    if roles:
        holders = OrgRole.filter(in_tree, role__in=roles)
        people |= {int(str(u)) for u in await holders.values_list("user_id", flat=True) if u}
    return sorted(people)


def audience_label(notice: Notice) -> str:
    parts = [STATUS_LABELS.get(s, s) for s in notice.statuses]
    parts += [ROLE_LABELS.get(r, r) for r in notice.roles]
    return "、".join(parts) if parts else "全体党员和入党申请人"


async def publish_notice(
    viewer: Viewer, org: Org, draft: Draft, uploads: Sequence[files.VettedFile] = ()
) -> tuple[Notice, Announcement]:
    """Publish to the audience, with the vetted files (the files and rows exist together or
    not at all)."""
    ensure(can_publish_notice(viewer, org))
    people = await audience(org, draft.statuses, draft.roles)
    if not people:
        raise ActionError("所选范围内没有可接收通知的账号", field="statuses")
    stored = files.store_vetted(uploads)
    try:
        return await _publish(viewer, org, draft, people, stored)
    except BaseException:
        files.discard_new(stored)
        raise


async def _publish(
    viewer: Viewer,
    org: Org,
    draft: Draft,
    people: list[int],
    stored: Sequence[files.StoredFile],
) -> tuple[Notice, Announcement]:
    async with in_transaction():
        notice = await Notice.create(
            org_id=org.id,
            org_path=org.path,
            title=draft.title,
            body_raw=draft.body,
            body_html=markup.render(draft.body),
            render_version=markup.VERSION,
            statuses=list(draft.statuses),
            roles=list(draft.roles),
            requires_receipt=draft.requires_receipt,
            receipt_deadline=draft.receipt_deadline,
            expires_at=draft.expires_at,
            author_id=viewer.user_id,
            recipient_count=len(people),
        )
        await NoticeRecipient.bulk_create(
            [NoticeRecipient(notice_id=notice.id, user_id=u) for u in people]
        )
        for f in stored:
            await NoticeAttachment.create(notice_id=notice.id, **NoticeAttachment.columns(f))
        await audit.record(
            viewer,
            "notice.published",
            "notice",
            notice.id,
            org_path=org.path,
            after={
                "title": draft.title,
                "recipients": len(people),
                "requires_receipt": draft.requires_receipt,
                "files": [f.name for f in stored],
            },
        )
        ask = "，请确认回执" if draft.requires_receipt else ""
        sent = await notifications.notify(
            people,
            kinds.PUBLISHED.key,
            text=f"{org.name}发布通知：{draft.title}{ask}",
            title=draft.title,
            url=f"/notices/{notice.id}",
            actor_id=viewer.user_id,
            subject=f"notice:{notice.id}",
        )
    return notice, sent


async def _recipient(notice_id: int, user_id: int | None) -> NoticeRecipient | None:
    if user_id is None:
        return None
    return await NoticeRecipient.filter(notice_id=notice_id, user_id=user_id).first()


async def confirm_notice(viewer: Viewer, notice_id: int) -> Notice:
    notice = await Notice.filter(id=notice_id).first()
    if notice is None:
        raise NotFound()
    row = await _recipient(notice.id, viewer.user_id)
    ensure_visible(row is not None or can_remind_notice(viewer, notice, utcnow()).allowed)
    ensure(
        can_confirm_notice(
            viewer,
            notice,
            recipient=row is not None,
            confirmed=row is not None and row.confirmed_at is not None,
            now=utcnow(),
        )
    )
    assert row is not None  # noqa: S101 - the policy required a recipient
    async with in_transaction():
        changed = await NoticeRecipient.filter(id=row.id, confirmed_at__isnull=True).update(
            confirmed_at=utcnow()
        )
        if changed:
            await Notice.filter(id=notice.id).update(confirmed_count=F("confirmed_count") + 1)
    return notice


async def remind_notice(viewer: Viewer, notice_id: int) -> tuple[int, Announcement]:
    """Remind every recipient who has not confirmed (bell, and e-mail/SMS as they chose)."""
    notice = await Notice.filter(id=notice_id).select_related("org").first()
    if notice is None:
        raise NotFound()
    ensure_visible(
        can_remind_notice(viewer, notice, utcnow()).allowed
        or await _recipient(notice.id, viewer.user_id) is not None
    )
    ensure(can_remind_notice(viewer, notice, utcnow()))
    async with in_transaction():
        pending = list(
            await NoticeRecipient.filter(
                notice_id=notice.id, confirmed_at__isnull=True
            ).values_list("user_id", flat=True)
        )
        if not pending:
            raise ActionError("所有接收人都已确认，无需提醒")
        number = notice.reminders_sent + 1
        await Notice.filter(id=notice.id).update(reminders_sent=number)
        await NoticeRecipient.filter(notice_id=notice.id, confirmed_at__isnull=True).update(
            reminded_at=utcnow()
        )
        await audit.record(
            viewer,
            "notice.reminded",
            "notice",
            notice.id,
            org_path=notice.org_path,
            after={"pending": len(pending), "number": number},
        )
        deadline = ""
        if notice.receipt_deadline is not None:
            deadline = f"（截止 {notice.receipt_deadline.astimezone(zone()):%m月%d日 %H:%M}）"
        sent = await notifications.notify(
            [int(str(u)) for u in pending],
            kinds.REMINDER.key,
            text=f"请确认通知回执：{notice.title}{deadline}",
            title=notice.title,
            url=f"/notices/{notice.id}",
            actor_id=viewer.user_id,
            subject=f"notice:{notice.id}:reminder:{number}",
        )
    return len(pending), sent
