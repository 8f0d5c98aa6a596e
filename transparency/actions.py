"""Writes for disclosures: every workflow transition is checked by the policy, applied with
a state-guarded UPDATE (two people acting at once cannot both win) and audited in the
same transaction. Published text is never overwritten: corrections add revisions.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from forum import audit, markup, publisher
from forum.clock import utcnow
from forum.errors import ActionError, Conflict
from forum.http import is_local_path, storable
from forum.models import Member, Org
from forum.policy import (
    Viewer,
    approval_org_for,
    can_answer_feedback,
    can_approve_disclosure,
    can_correct_disclosure,
    can_draft_disclosure_for,
    can_edit_disclosure,
    can_leave_feedback,
    can_manage_disclosure_catalogue,
    can_propose_disclosure,
    can_publish_disclosure,
    can_reject_disclosure,
    can_review_disclosure,
    can_see_disclosure,
    can_withdraw_disclosure,
    ensure,
)
from moderation import hooks
from transparency.models import (
    REVIEW_CHECKLIST,
    Disclosure,
    DisclosureCategory,
    DisclosureReview,
    DisclosureRevision,
    DisclosureTarget,
    Feedback,
    ReadReceipt,
    Scope,
    State,
)

MAX_TITLE = 120
MAX_BODY = 50_000
MAX_REASON = 500
MAX_FEEDBACK = 2000
MAX_ATTACHMENTS = 10
MAX_TARGETS = 50
STALE = "该事项的状态已经变化，请刷新页面后重试"


@dataclass
class DraftInput:
    """Validated fields of a draft (from the form or the JSON API)."""

    title: str
    body: str
    category_id: int
    scope: str
    publish_from: dt.datetime
    until: dt.datetime | None = None
    attachments: list[dict[str, str]] = field(default_factory=list)
    target_org_ids: list[int] = field(default_factory=list)
    target_user_ids: list[int] = field(default_factory=list)


def clean_text(value: str, label: str, name: str, *, max_length: int, min_length: int = 1) -> str:
    text = value.replace("\r\n", "\n").strip()
    if not storable(text):
        raise ActionError(f"{label}包含无效字符", field=name)
    if len(text) < min_length:
        raise ActionError(f"请填写{label}" if not text else f"{label}太短", field=name)
    if len(text) > max_length:
        raise ActionError(f"{label}不能超过 {max_length} 个字符", field=name)
    return text


def clean_attachments(items: list[tuple[str, str]]) -> list[dict[str, str]]:
    if len(items) > MAX_ATTACHMENTS:
        raise ActionError(f"附件链接最多 {MAX_ATTACHMENTS} 个", field="attachments")
    cleaned = []
    for title, url in items:
        url = url.strip()
        if not (url.startswith(("https://", "http://")) or is_local_path(url)):
            raise ActionError(
                f"附件链接「{url[:40]}」无效：请使用 http(s):// 或站内 / 开头的地址",
                field="attachments",
            )
        if len(url) > 500 or any(c.isspace() for c in url) or not storable(url):
            raise ActionError("附件链接过长或包含空格", field="attachments")
        cleaned.append(
            {
                "title": clean_text(title or url, "附件名称", "attachments", max_length=100),
                "url": url,
            }
        )
    return cleaned


async def validate_draft(data: DraftInput) -> DraftInput:
    data.title = clean_text(data.title, "标题", "title", max_length=MAX_TITLE, min_length=2)
    data.body = clean_text(data.body, "正文", "body", max_length=MAX_BODY)
    if data.scope not in Scope.__members__:
        raise ActionError("请选择公开范围", field="scope")
    if not await DisclosureCategory.filter(id=data.category_id, is_active=True).exists():
        raise ActionError("请选择公开类别", field="category")
    if data.publish_from.tzinfo is None or (data.until is not None and data.until.tzinfo is None):
        raise ActionError("时间必须包含时区", field="publish_from")
    if data.until is not None and data.until <= data.publish_from:
        raise ActionError("截止时间必须晚于发布时间", field="until")
    if data.scope == "targeted":
        if not data.target_org_ids and not data.target_user_ids:
            raise ActionError("定向公开需要指定至少一个组织或人员", field="targets")
        if len(data.target_org_ids) + len(data.target_user_ids) > MAX_TARGETS:
            raise ActionError(f"定向对象最多 {MAX_TARGETS} 个", field="targets")
        found = await Org.filter(id__in=data.target_org_ids, is_active=True).count()
        if found != len(set(data.target_org_ids)):
            raise ActionError("指定的组织不存在", field="targets")
    else:
        data.target_org_ids, data.target_user_ids = [], []
    data.target_org_ids = sorted(set(data.target_org_ids))
    data.target_user_ids = sorted(set(data.target_user_ids))
    return data


async def _notify(user_ids: set[int | None], kind: str, d: Disclosure) -> None:
    """After commit: a `notification.created` message on each person's `user:{id}` channel."""
    for user_id in sorted(u for u in user_ids if u is not None):
        await publisher.notification_created(
            user_id, kind=kind, disclosure_id=d.id, title=d.title, url=f"/disclosures/{d.id}"
        )


def _search_text(title: str, body: str) -> str:
    return f"{title}\n{body}"


async def _set_targets(d: Disclosure, data: DraftInput) -> None:
    await DisclosureTarget.filter(disclosure_id=d.id).delete()
    rows = [DisclosureTarget(disclosure_id=d.id, org_id=o) for o in data.target_org_ids]
    rows += [DisclosureTarget(disclosure_id=d.id, user_id=u) for u in data.target_user_ids]
    if rows:
        await DisclosureTarget.bulk_create(rows)


async def reload(d: Disclosure) -> Disclosure:
    """The item with everything the policy and pages read (org, approver org, targets)."""
    fresh = await Disclosure.get(id=d.id).prefetch_related(
        "org", "approver_org", "category", "targets", "created_by"
    )
    return fresh


def _draft_fields(data: DraftInput) -> dict[str, Any]:
    """The columns a validated draft sets, on create and on edit alike (rendered once)."""
    return {
        "title": data.title,
        "category_id": data.category_id,
        "scope": data.scope,
        "state": State.draft,
        "publish_from": data.publish_from,
        "until": data.until,
        "attachments": data.attachments,
        "body_raw": data.body,
        "body_html": markup.render(data.body),
        "render_version": markup.VERSION,
        "search_text": _search_text(data.title, data.body),
    }


async def create_disclosure(actor: Viewer, org: Org, data: DraftInput) -> Disclosure:
    """A new draft of `org`. Audited as disclosure.created."""
    ensure(can_draft_disclosure_for(actor, org))
    data = await validate_draft(data)
    async with in_transaction():
        d = await Disclosure.create(
            **_draft_fields(data),
            org_id=org.id,
            created_by_id=actor.user_id or 0,  # the policy guarantees a logged-in actor
        )
        await _set_targets(d, data)
        await audit.record(
            actor,
            "disclosure.created",
            "disclosure",
            d.id,
            org_path=org.path,
            after={"title": d.title, "scope": data.scope, "state": "draft"},
        )
    return await reload(d)


async def update_disclosure(actor: Viewer, d: Disclosure, data: DraftInput) -> Disclosure:
    """Edit a draft, or a rejected item (which goes back to draft)."""
    ensure(can_edit_disclosure(actor, d))
    data = await validate_draft(data)
    before = d.snapshot()
    async with in_transaction():
        updated = await Disclosure.filter(id=d.id, state=d.state).update(
            **_draft_fields(data), approver_org_id=None, updated_at=utcnow()
        )
        if not updated:  # SQLite counts FTS trigger rows too: test for zero
            raise Conflict(STALE)
        await _set_targets(d, data)
        fresh = await reload(d)
        await audit.record(
            actor,
            "disclosure.updated",
            "disclosure",
            d.id,
            org_path=d.org.path,
            before=before,
            after=fresh.snapshot(),
        )
    return fresh


async def _transition(
    actor: Viewer,
    d: Disclosure,
    action: str,
    changes: dict[str, Any],
    *,
    reason: str = "",
) -> Disclosure:
    """Guarded state change + audit entry; the caller holds the transaction."""
    before = d.snapshot()
    updated = await Disclosure.filter(id=d.id, state=d.state).update(**changes, updated_at=utcnow())
    if not updated:  # SQLite counts FTS trigger rows too: test for zero
        raise Conflict(STALE)
    fresh = await reload(d)
    await audit.record(
        actor,
        f"disclosure.{action}",
        "disclosure",
        d.id,
        org_path=d.org.path,
        before=before,
        after=fresh.snapshot(),
        reason=reason,
    )
    return fresh


async def _approver_org(d: Disclosure) -> Org:
    ancestors = await Org.filter(id__in=d.org.ancestor_ids[:-1]).order_by("depth")
    target_paths: list[str | None] = [o.path for o in await Org.filter(id__in=d.target_org_ids)]
    if d.target_user_ids:
        members = await Member.filter(user_id__in=d.target_user_ids).select_related("org")
        by_user = {m.user_id: m.org.path for m in members}
        target_paths += [by_user.get(u) for u in d.target_user_ids]
    routed = approval_org_for(d.org, ancestors, str(d.scope), target_paths)
    return next(o for o in (d.org, *ancestors) if o.id == routed.id)


async def propose_disclosure(actor: Viewer, d: Disclosure) -> Disclosure:
    """提出: routes the item to the org whose approval the authority rule requires."""
    ensure(can_propose_disclosure(actor, d))
    approver = await _approver_org(d)
    async with in_transaction():
        return await _transition(
            actor,
            d,
            "proposed",
            {
                "state": State.proposed,
                "approver_org_id": approver.id,
                "proposed_by_id": actor.user_id,
                "proposed_at": utcnow(),
            },
        )


async def review_disclosure(
    actor: Viewer, d: Disclosure, confirmed: list[str], note: str = ""
) -> Disclosure:
    """审核 (secrecy review): every checklist item must be confirmed."""
    ensure(can_review_disclosure(actor, d))
    missing = [label for key, label in REVIEW_CHECKLIST if key not in confirmed]
    if missing:
        raise ActionError("请逐项确认保密审查清单：" + "；".join(missing), field="checklist")
    note = clean_text(note, "审核意见", "note", max_length=MAX_REASON, min_length=0)
    async with in_transaction():
        await DisclosureReview.create(
            disclosure_id=d.id,
            reviewer_id=actor.user_id,
            confirmed=[k for k, _ in REVIEW_CHECKLIST],
            note=note,
        )
        return await _transition(
            actor,
            d,
            "reviewed",
            {"state": State.reviewed, "reviewed_by_id": actor.user_id, "reviewed_at": utcnow()},
            reason=note,
        )


async def approve_disclosure(actor: Viewer, d: Disclosure) -> Disclosure:
    """审批 by the routed-to org."""
    ensure(can_approve_disclosure(actor, d))
    async with in_transaction():
        return await _transition(
            actor,
            d,
            "approved",
            {"state": State.approved, "approved_by_id": actor.user_id, "approved_at": utcnow()},
        )


async def publish_disclosure(actor: Viewer, d: Disclosure) -> Disclosure:
    """发布: writes revision 1. A publish_from in the past becomes now (never backdated)."""
    ensure(can_publish_disclosure(actor, d))
    now = utcnow()
    async with in_transaction():
        await DisclosureRevision.create(
            disclosure_id=d.id,
            number=1,
            title=d.title,
            body_raw=d.body_raw,
            body_html=d.body_html,
            render_version=d.render_version,
            note="首次发布",
            author_id=actor.user_id,
        )
        fresh = await _transition(
            actor,
            d,
            "published",
            {
                "state": State.published,
                "published_by_id": actor.user_id,
                "published_at": now,
                "publish_from": max(d.publish_from, now),
                "revision_count": 1,
            },
        )
    await _notify({fresh.created_by_id}, "disclosure.published", fresh)
    return fresh


def _reason(reason: str, label: str) -> str:
    return clean_text(reason, label, "reason", max_length=MAX_REASON, min_length=2)


async def reject_disclosure(actor: Viewer, d: Disclosure, reason: str) -> Disclosure:
    """退回 at any step before publication, with a reason the author sees."""
    ensure(can_reject_disclosure(actor, d))
    reason = _reason(reason, "退回理由")
    async with in_transaction():
        fresh = await _transition(
            actor,
            d,
            "rejected",
            {
                "state": State.rejected,
                "rejected_at": utcnow(),
                "rejected_from": str(d.state),
                "reject_reason": reason,
            },
            reason=reason,
        )
    await _notify({fresh.created_by_id, fresh.proposed_by_id}, "disclosure.rejected", fresh)
    return fresh


async def withdraw_disclosure(actor: Viewer, d: Disclosure, reason: str) -> Disclosure:
    """撤回: stays in the archive, marked withdrawn, with the reason."""
    ensure(can_withdraw_disclosure(actor, d))
    reason = _reason(reason, "撤回理由")
    async with in_transaction():
        return await _transition(
            actor,
            d,
            "withdrawn",
            {"state": State.withdrawn, "withdrawn_at": utcnow(), "withdraw_reason": reason},
            reason=reason,
        )


async def correct_disclosure(
    actor: Viewer, d: Disclosure, title: str, body: str, note: str
) -> DisclosureRevision:
    """更正: a new revision with a visible note. The old revisions are never changed."""
    ensure(can_correct_disclosure(actor, d))
    title = clean_text(title, "标题", "title", max_length=MAX_TITLE, min_length=2)
    body = clean_text(body, "正文", "body", max_length=MAX_BODY)
    note = clean_text(note, "更正说明", "note", max_length=MAX_REASON, min_length=2)
    if title == d.title and body == d.body_raw:
        raise ActionError("内容没有变化，无需更正", field="body")
    html = markup.render(body)
    number = d.revision_count + 1
    before = d.snapshot()
    async with in_transaction():
        updated = await Disclosure.filter(
            id=d.id, state=State.published, revision_count=d.revision_count
        ).update(
            title=title,
            body_raw=body,
            body_html=html,
            render_version=markup.VERSION,
            search_text=_search_text(title, body),
            revision_count=number,
            updated_at=utcnow(),
        )
        if not updated:  # SQLite counts FTS trigger rows too: test for zero
            raise Conflict(STALE)
        revision = await DisclosureRevision.create(
            disclosure_id=d.id,
            number=number,
            title=title,
            body_raw=body,
            body_html=html,
            render_version=markup.VERSION,
            note=note,
            author_id=actor.user_id,
        )
        await audit.record(
            actor,
            "disclosure.corrected",
            "disclosure",
            d.id,
            org_path=d.org.path,
            before=before,
            after={**before, "title": title, "revision": number},
            reason=note,
        )
    return revision


async def leave_feedback(actor: Viewer, d: Disclosure, body: str) -> Feedback:
    ensure(can_leave_feedback(actor, d))
    await hooks.check_post_rate(actor, scope="disclosure_feedback")
    body = clean_text(body, "反馈内容", "body", max_length=MAX_FEEDBACK, min_length=2)
    screened = await hooks.screen_text(actor, body, field="body")
    held = await hooks.hold_back(actor, screened, premoderate=False)  # a "review" word
    feedback = await Feedback.create(
        disclosure_id=d.id,
        author_id=actor.user_id,
        body_raw=screened.text,
        body_html=markup.render(screened.text),
        render_version=markup.VERSION,
        hidden=held,
    )
    await hooks.route_review("disclosure_feedback", feedback.id, screened, held=held)
    return feedback


async def answer_feedback(
    actor: Viewer, d: Disclosure, feedback: Feedback, answer: str, *, public: bool
) -> Feedback:
    """The issuing org answers; `public` shows question and answer with the item."""
    ensure(can_answer_feedback(actor, d) and feedback.disclosure_id == d.id)
    answer = clean_text(answer, "答复内容", "answer", max_length=MAX_FEEDBACK)
    before = {"answered": bool(feedback.answer_raw), "is_public": feedback.is_public}
    async with in_transaction():
        feedback.answer_raw = answer
        feedback.answer_html = markup.render(answer)
        feedback.answered_by_id = actor.user_id
        feedback.answered_at = utcnow()
        feedback.is_public = public
        await feedback.save()
        await audit.record(
            actor,
            "disclosure.feedback_answered",
            "disclosure_feedback",
            feedback.id,
            org_path=d.org.path,
            before=before,
            after={"answered": True, "is_public": public},
        )
    await _notify({feedback.author_id}, "disclosure.feedback_answered", d)
    return feedback


async def mark_read(viewer: Viewer, d: Disclosure) -> bool:
    """Record the first read of a member-scope item; True when this was the first."""
    if viewer.user_id is None or str(d.scope) == "public" or str(d.state) != "published":
        return False
    if not can_see_disclosure(viewer, d):
        return False
    if await ReadReceipt.filter(disclosure_id=d.id, user_id=viewer.user_id).exists():
        return False
    try:
        async with in_transaction():
            await ReadReceipt.create(disclosure_id=d.id, user_id=viewer.user_id)
    except IntegrityError:
        return False  # a concurrent request recorded it first
    return True


async def save_category(
    actor: Viewer,
    category: DisclosureCategory | None,
    key: str,
    name: str,
    sort_order: int,
    *,
    active: bool = True,
) -> DisclosureCategory:
    """Add or edit an entry of the disclosure catalogue (site administrators)."""
    ensure(can_manage_disclosure_catalogue(actor))
    name = clean_text(name, "类别名称", "name", max_length=32)
    key = clean_text(key, "类别代码", "key", max_length=32)
    if not key.replace("_", "").isalnum() or not key.isascii():
        raise ActionError("类别代码只能包含英文字母、数字和下划线", field="key")
    clash = DisclosureCategory.filter(key=key)
    if category is not None:
        clash = clash.exclude(id=category.id)
    if await clash.exists():
        raise ActionError("类别代码已存在", field="key")
    async with in_transaction():
        before = None
        if category is None:
            category = await DisclosureCategory.create(
                key=key, name=name, sort_order=sort_order, is_active=active
            )
        else:
            before = {"key": category.key, "name": category.name, "is_active": category.is_active}
            category.key, category.name = key, name
            category.sort_order, category.is_active = sort_order, active
            await category.save()
        await audit.record(
            actor,
            "disclosure.category_saved",
            "disclosure_category",
            category.id,
            before=before,
            after={"key": key, "name": name, "is_active": active},
        )
    return category


async def do_ensure_catalogue() -> None:
    """Re-seed the default catalogue when the table is empty (tests truncate it)."""
    from transparency.models import DEFAULT_CATEGORIES

    if await DisclosureCategory.all().exists():
        return
    await DisclosureCategory.bulk_create(
        [
            DisclosureCategory(key=k, name=n, sort_order=i * 10)
            for i, (k, n) in enumerate(DEFAULT_CATEGORIES)
        ]
    )
