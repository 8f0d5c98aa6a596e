"""Filing, steps, messages, ratings, kinds."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence

from tortoise.transactions import in_transaction

from forum import audit, files, notifications
from forum.affairs import kinds
from forum.affairs.models import (
    ServiceAttachment,
    ServiceKind,
    ServiceMessage,
    ServiceRequest,
)
from forum.clock import utcnow
from forum.errors import ActionError, NotFound
from forum.models import Org, OrgRole
from forum.notifications import Announcement
from forum.policy import (
    ADMIN_ROLES,
    SERVICE_STEPS,
    Viewer,
    can_file_service_request,
    can_manage_service_kinds,
    can_message_service_request,
    can_rate_service_request,
    can_see_service_request,
    can_take_service_step,
    ensure,
    ensure_visible,
    service_deadline,
)
from forum.requesthooks import HANDLERS, RequestFacts

TEXT_MAX = 500
MESSAGE_MAX = 2000


def _text(value: object, limit: int) -> str:
    return " ".join(str(value or "").replace("\x00", "").split())[: limit + 1]


async def admin_user_ids_over(org: Org) -> list[int]:
    """The admins holding a role on the handling org itself (its queue's people)."""
    rows = await OrgRole.filter(
        org_id=org.id, role__in=sorted(ADMIN_ROLES), ended_at__isnull=True
    ).values_list("user_id", flat=True)
    return sorted({int(str(u)) for u in rows})


async def ensure_default_kinds() -> None:
    """The site-wide kinds of `kinds.DEFAULT_KINDS` (idempotent; `forum demo`, tests, the
    first filing page)."""
    for key, name, description, spec, handled_by, days, public in kinds.DEFAULT_KINDS:
        if not await ServiceKind.exists(org_path="", key=key):
            await ServiceKind.create(
                key=key,
                name=name,
                description=description,
                fields_spec=spec,
                handled_by=handled_by,
                time_limit_days=days,
                open_to_public=public,
            )


async def branch_of(org_id: int) -> Org:
    """The requester's branch: their own org, or the branch above a 党小组."""
    org = await Org.get(id=org_id)
    if org.kind == "group" and org.parent_id is not None:
        return await Org.get(id=org.parent_id)
    return org


async def handler_org(viewer: Viewer, kind: ServiceKind) -> Org:
    """Routing: `branch` kinds go to the requester's branch; `org` kinds to the kind's org
    (a 群众's 入党申请 of a site-wide kind: the top committee of the first tree)."""
    if kind.handled_by == "branch" and viewer.org_id is not None:
        return await branch_of(viewer.org_id)
    if kind.org_id is not None:
        return await Org.get(id=kind.org_id)
    if viewer.org_id is not None:
        return await branch_of(viewer.org_id)
    root = await Org.filter(parent_id__isnull=True, is_active=True).order_by("id").first()
    if root is None:
        raise ActionError("暂无可受理的组织")
    return root


def clean_answers(kind: ServiceKind, form: Mapping[str, object]) -> tuple[str, dict[str, str]]:
    title = _text(form.get("title"), 120)
    if not title:
        raise ActionError("请填写标题", field="title")
    if len(title) > 120:
        raise ActionError("标题不能超过 120 个字", field="title")
    answers: dict[str, str] = {}
    for spec in kind.fields_spec:
        name = str(spec.get("name", ""))
        value = _text(form.get(f"f_{name}"), TEXT_MAX)
        if spec.get("required") and not value:
            raise ActionError(f"请填写{spec.get('label', name)}", field=f"f_{name}")
        if len(value) > TEXT_MAX:
            raise ActionError(
                f"{spec.get('label', name)}不能超过 {TEXT_MAX} 个字", field=f"f_{name}"
            )
        answers[name] = value
    return title, answers


async def _attach(
    viewer: Viewer, request_id: int, message_id: int, stored: Sequence[files.StoredFile]
) -> None:
    """The rows of files already written (`forum.files.store_vetted`), in the caller's
    transaction."""
    for f in stored:
        await ServiceAttachment.create(
            request_id=request_id,
            message_id=message_id,
            uploader_id=viewer.user_id,
            **ServiceAttachment.columns(f),
        )


async def file_request(
    viewer: Viewer,
    kind: ServiceKind,
    form: Mapping[str, object],
    uploads: Sequence[files.VettedFile] = (),
) -> tuple[ServiceRequest, Announcement]:
    """File a request (with its vetted files, e.g. a scanned certificate): to the branch, or
    where the kind is handled. The files and the rows exist together or not at all."""
    ensure(can_file_service_request(viewer, kind))
    title, answers = clean_answers(kind, form)
    org = await handler_org(viewer, kind)
    now = utcnow()
    assert viewer.user_id is not None  # noqa: S101 - the policy requires a login
    stored = files.store_vetted(uploads)
    try:
        return await _file(viewer, kind, org, title, answers, stored, now)
    except BaseException:
        files.discard_new(stored)
        raise


async def _file(
    viewer: Viewer,
    kind: ServiceKind,
    org: Org,
    title: str,
    answers: dict[str, str],
    stored: Sequence[files.StoredFile],
    now: dt.datetime,
) -> tuple[ServiceRequest, Announcement]:
    assert viewer.user_id is not None  # noqa: S101 - the policy requires a login
    async with in_transaction():
        request = await ServiceRequest.create(
            kind_id=kind.id,
            requester_id=viewer.user_id,
            org_id=org.id,
            org_path=org.path,
            first_org_id=org.id,
            title=title,
            data=answers,
            due_at=service_deadline(now, kind.time_limit_days),
        )
        submitted = await ServiceMessage.create(
            request_id=request.id,
            author_id=viewer.user_id,
            step="submit",
            body=f"提交申请（{kind.name}），受理组织：{org.name}",
        )
        await _attach(viewer, request.id, submitted.id, stored)
        await audit.record(
            viewer,
            "service.filed",
            "service_request",
            request.id,
            org_path=org.path,
            after={"kind": kind.key, "files": [f.name for f in stored]},
        )
        sent = await notifications.notify(
            await admin_user_ids_over(org),
            kinds.NEW.key,
            text=f"新的办事申请：{kind.name}",
            title=title,
            url=f"/affairs/{request.id}",
            actor_id=viewer.user_id,
        )
    return await load(request.id), sent


async def load(request_id: int) -> ServiceRequest:
    request = await ServiceRequest.filter(id=request_id).select_related("kind", "org").first()
    if request is None:
        raise NotFound()
    return request


async def take_step(
    viewer: Viewer, request_id: int, verb: str, reason: str = ""
) -> tuple[ServiceRequest, Announcement]:
    request = await load(request_id)
    ensure_visible(can_see_service_request(viewer, request))
    parent = await Org.filter(id=request.org.parent_id).first() if request.org.parent_id else None
    ensure(can_take_service_step(viewer, request, verb, has_parent=parent is not None))
    step = SERVICE_STEPS[verb]
    reason = _text(reason, 300)
    if verb == "return" and not reason:
        raise ActionError("退回时请填写原因", field="reason")
    if len(reason) > 300:
        raise ActionError("原因不能超过 300 个字", field="reason")
    now = utcnow()
    changes: dict[str, object] = {"state": step.target}
    line = step.label
    if verb == "accept":
        changes["accepted_at"] = now
    if verb in {"complete", "return"}:
        changes["closed_at"] = now
    if verb == "return":
        changes["return_reason"] = reason
        line = f"退回：{reason}"
    if verb == "pass_up":
        assert parent is not None  # noqa: S101 - the policy checked it
        changes.update(org_id=parent.id, org_path=parent.path, accepted_at=None)
        line = f"上报至{parent.name}" + (f"：{reason}" if reason else "")
    async with in_transaction():
        updated = await ServiceRequest.filter(id=request.id, state=request.state).update(**changes)
        if not updated:
            raise ActionError("该申请刚被他人处理，请刷新后重试")
        if verb == "accept" and (handler := HANDLERS.get(request.kind.key)) is not None:
            # The part owning the workflow starts it (the transfer slip for 组织关系转接申请).
            facts = RequestFacts(
                request.id, request.kind.key, request.requester_id, request.org_id, request.data
            )
            started = await handler.accepted(viewer, facts)
            if started:
                line = f"受理，已启动办理流程：{started}"
        await ServiceMessage.create(
            request_id=request.id, author_id=viewer.user_id, step=verb, body=line[:MESSAGE_MAX]
        )
        await audit.record(
            viewer,
            f"service.{verb}",
            "service_request",
            request.id,
            org_path=request.org_path,
            before={"state": request.state},
            after={"state": step.target},
            reason=reason,
        )
        sent = await notifications.notify(
            [request.requester_id],
            kinds.STEP.key,
            text=f"你的申请“{request.title}”：{line}",
            title=request.title,
            url=f"/affairs/{request.id}",
            actor_id=viewer.user_id,
        )
        if verb == "pass_up" and parent is not None:
            upward = await notifications.notify(
                await admin_user_ids_over(parent),
                kinds.NEW.key,
                text=f"下级组织上报的办事申请：{request.kind.name}",
                title=request.title,
                url=f"/affairs/{request.id}",
                actor_id=viewer.user_id,
            )
            sent.user_ids += upward.user_ids
    return await load(request.id), sent


async def post_message(
    viewer: Viewer, request_id: int, body: str, uploads: Sequence[files.VettedFile] = ()
) -> tuple[ServiceRequest, Announcement]:
    """A message in the thread, with files (a text, files, or both)."""
    request = await load(request_id)
    ensure_visible(can_see_service_request(viewer, request))
    ensure(can_message_service_request(viewer, request))
    text = str(body or "").replace("\x00", "").strip()
    if not text and not uploads:
        raise ActionError("请填写留言或添加附件", field="body")
    if len(text) > MESSAGE_MAX:
        raise ActionError(f"留言不能超过 {MESSAGE_MAX} 个字", field="body")
    stored = files.store_vetted(uploads)
    try:
        return await _post(viewer, request, text, stored)
    except BaseException:
        files.discard_new(stored)
        raise


async def _post(
    viewer: Viewer, request: ServiceRequest, text: str, stored: Sequence[files.StoredFile]
) -> tuple[ServiceRequest, Announcement]:
    async with in_transaction():
        posted = await ServiceMessage.create(
            request_id=request.id, author_id=viewer.user_id, body=text
        )
        await _attach(viewer, request.id, posted.id, stored)
        if viewer.user_id != request.requester_id:
            others = [request.requester_id]
        else:
            others = await admin_user_ids_over(request.org)
        sent = await notifications.notify(
            others,
            kinds.MESSAGE.key,
            text=f"办事申请“{request.title}”有新留言",
            title=request.title,
            url=f"/affairs/{request.id}",
            actor_id=viewer.user_id,
        )
    return await load(request.id), sent


async def rate(viewer: Viewer, request_id: int, stars: str, comment: str) -> ServiceRequest:
    request = await load(request_id)
    ensure_visible(can_see_service_request(viewer, request))
    ensure(can_rate_service_request(viewer, request))
    if stars not in {"1", "2", "3", "4", "5"}:
        raise ActionError("请选择 1 到 5 星", field="rating")
    note = _text(comment, 300)
    if len(note) > 300:
        raise ActionError("评价不能超过 300 个字", field="rating_comment")
    async with in_transaction():
        updated = await ServiceRequest.filter(id=request.id, rating__isnull=True).update(
            rating=int(stars), rating_comment=note
        )
        if not updated:
            raise ActionError("你已评价过", field="rating")
        await ServiceMessage.create(
            request_id=request.id,
            author_id=viewer.user_id,
            step="rate",
            body=f"评价：{stars} 星" + (f"，{note}" if note else ""),
        )
    return request


async def add_kind(viewer: Viewer, org: Org, form: Mapping[str, object]) -> ServiceKind:
    """An org admin adds a kind for its subtree (handled by that org)."""
    ensure(can_manage_service_kinds(viewer, org))
    name = _text(form.get("name"), 60)
    if not name:
        raise ActionError("请填写事项名称", field="name")
    if len(name) > 60:
        raise ActionError("事项名称不能超过 60 个字", field="name")
    raw_days = str(form.get("time_limit_days", "")).strip()
    if not re.fullmatch(r"[0-9]{1,3}", raw_days) or not 1 <= int(raw_days) <= 365:
        raise ActionError("办理时限请填写 1 到 365 之间的天数", field="time_limit_days")
    labels = [_text(x, 30) for x in str(form.get("fields", "")).splitlines() if x.strip()][:10]
    if any(len(x) > 30 for x in labels):
        raise ActionError("每个填写项不能超过 30 个字", field="fields")
    spec = [{"name": f"q{i}", "label": label, "required": True} for i, label in enumerate(labels)]
    description = _text(form.get("description"), 300)
    if len(description) > 300:
        raise ActionError("说明不能超过 300 个字", field="description")
    key = f"org{org.id}-{utcnow().strftime('%Y%m%d%H%M%S%f')}"
    async with in_transaction():
        kind = await ServiceKind.create(
            org_id=org.id,
            org_path=org.path,
            key=key,
            name=name,
            fields_spec=spec,
            handled_by="org",
            time_limit_days=int(raw_days),
            description=description,
        )
        await audit.record(
            viewer,
            "service.kind_added",
            "service_kind",
            kind.id,
            org_path=org.path,
            after={"name": name, "days": int(raw_days)},
        )
    return kind
