"""HTML handlers: transfers (组织关系接转), floating members, member development."""

from __future__ import annotations

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from forum.answers import ask_confirmation, done, keep_in_place
from forum.clock import today
from forum.decisions import EXCLUSION_LABELS
from forum.errors import ActionError, NotFound
from forum.http import (
    INT32_MAX,
    int_field,
    int_param,
    optional_int_field,
    read_form,
    text_field,
    viewer_of,
)
from forum.members import approvals, development, exclusions, floating, queries, transfers
from forum.members.models import Transfer
from forum.members.web_stats import scope_org
from forum.models import Member, Org
from forum.policy import (
    STATUS_DECISION_KINDS,
    TRANSFER_STEPS,
    Viewer,
    approval_deadline,
    approval_is_late,
    can_see_org,
)
from forum.templating import render


async def _org_field(
    viewer: Viewer, raw: object, field: str, *, required: bool = True
) -> Org | None:
    if not raw:
        if required:
            raise ActionError("请选择组织", field=field)
        return None
    try:
        org = await Org.get_or_none(id=int_param(raw))
    except NotFound:
        org = None
    if org is None or not can_see_org(viewer, org):
        raise ActionError("请选择有效的组织", field=field)
    return org


async def _member(request: Request) -> Member:
    return await queries.get_member_for(
        viewer_of(request), int_param(request.path_params["member_id"])
    )


def _back(request: Request, member_id: int, anchor: str, message: str) -> Response:
    return done(request, f"/members/{member_id}#{anchor}", message)


# The confirmation asked before the transfer steps that cannot be taken back: the member's
# relation moves (accept), or the slip ends (reject, withdraw).
TRANSFER_QUESTIONS = {
    "accept": "接收后{name}的组织关系即转入「{to}」，不能撤回。确定接收？",
    "reject": "退回后本转接单即终止，不能恢复，需重新申请。确定退回？",
    "withdraw": "撤回后本转接单即终止，不能恢复，需重新申请。确定撤回？",
}


def _step_done(step: str, transfer: Transfer, placed: Org | None) -> str:
    name = transfer.member.name
    if step == "issue_letter":
        return f"已开具介绍信，编号 {transfer.letter_number}。"
    if step == "place" and placed is not None:
        return f"已将{name}编入「{placed.name}」。"
    messages = {
        "approve": f"已同意{name}的组织关系转出。",
        "accept": f"已接收{name}的组织关系。",
        "confirm_receipt": "已确认回执，本次转接办结。",
        "reject": "已退回该转接申请。",
        "withdraw": "已撤回该转接申请。",
    }
    return messages.get(step, "已办理。")


# Transfers ------------------------------------------------------------------------------


async def transfer_list(request: Request) -> Response:
    viewer = viewer_of(request)
    if not viewer.is_authenticated:
        raise NotFound()
    lists = await transfers.transfer_lists(viewer)
    return render(
        request, "members/transfers.html", {"lists": lists, "state_label": transfers.state_label}
    )


async def transfer_slip(request: Request) -> Response:
    viewer = viewer_of(request)
    transfer = await transfers.get_transfer_for(viewer, int_param(request.path_params["tid"]))
    steps = transfers.allowed_steps(viewer, transfer)
    placements = []
    if "place" in steps:
        placements = await Org.filter(
            path__startswith=transfer.to_org.path, kind__in=["branch", "group"], is_active=True
        ).order_by("path")
    return render(
        request,
        "members/transfer.html",
        {"t": transfer, "steps": steps, "STEPS": TRANSFER_STEPS, "placements": placements},
    )


async def transfer_step(request: Request) -> Response:
    viewer = viewer_of(request)
    transfer = await transfers.get_transfer_for(viewer, int_param(request.path_params["tid"]))
    form = await read_form(request)
    step = request.path_params["step"]
    placed = await _org_field(viewer, form.get("placed_org_id"), "placed_org_id", required=False)
    reason = text_field(form, "reason", "原因", max_length=200, required=False)
    await transfers.check_transfer_step(viewer, transfer, step, reason=reason, placed_org=placed)
    if step in TRANSFER_QUESTIONS:
        question = TRANSFER_QUESTIONS[step].format(
            name=transfer.member.name, to=transfer.to_org.name
        )
        label = TRANSFER_STEPS[step].label
        if (ask := await ask_confirmation(request, question, confirm_label=label)) is not None:
            return ask
    await transfers.advance_transfer(viewer, transfer, step, reason=reason, placed_org=placed)
    return done(request, f"/members/transfers/{transfer.id}", _step_done(step, transfer, placed))


async def transfer_request(request: Request) -> Response:
    viewer = viewer_of(request)
    member = await _member(request)
    form = await read_form(request)
    to_org = await _org_field(viewer, form.get("to_org_id"), "to_org_id")
    assert to_org is not None  # noqa: S101 - required=True
    reason = text_field(form, "reason", "转接原因", max_length=200, required=False)
    transfer = await transfers.request_transfer(viewer, member, to_org, reason)
    message = f"已提交组织关系转接申请：{member.org.name} → {to_org.name}。"
    return done(request, f"/members/transfers/{transfer.id}", message)


# Floating members -----------------------------------------------------------------------


async def floating_page(request: Request) -> Response:
    viewer = viewer_of(request)
    orgs = await queries.manageable_orgs(viewer)
    if not orgs:
        raise NotFound()
    lists = await floating.floating_lists(viewer)
    return render(request, "members/floating.html", {"lists": lists, "orgs": orgs})


async def _floating_refused(request: Request, exc: ActionError, form: FormData) -> Response:
    """The in-flow form again, at once, with its input and the message at the field: it
    carries an ID number, which is never written to the kept-forms table."""
    viewer = viewer_of(request)
    keep_in_place(request, exc, form)
    context = {
        "lists": await floating.floating_lists(viewer),
        "orgs": await queries.manageable_orgs(viewer),
    }
    return render(request, "members/floating.html", context, status_code=400)


async def floating_outflow(request: Request) -> Response:
    viewer = viewer_of(request)
    member = await _member(request)
    form = await read_form(request)
    host = await _org_field(viewer, form.get("host_org_id"), "host_org_id", required=False)
    await floating.register_outflow(
        viewer,
        member,
        str(form.get("certificate_number") or ""),
        host,
        text_field(form, "host_place", "流入地点", max_length=64, required=False),
        str(form.get("starts_on") or ""),
        str(form.get("ends_on") or ""),
    )
    return _back(request, member.id, "transfers", f"已将{member.name}登记为流动党员（流出）。")


async def floating_inflow(request: Request) -> Response:
    """The host asks; the answer is the same whether or not the number is registered."""
    viewer = viewer_of(request)
    form = await read_form(request)
    try:
        host = await _org_field(viewer, form.get("host_org_id"), "host_org_id")
        assert host is not None  # noqa: S101 - required=True
        await floating.request_inflow(
            viewer,
            host,
            str(form.get("id_number") or ""),
            str(form.get("certificate_number") or ""),
            str(form.get("starts_on") or ""),
            str(form.get("ends_on") or ""),
        )
    except ActionError as exc:
        return await _floating_refused(request, exc, form)
    return done(request, "/members/floating#sent", floating.INFLOW_SUBMITTED + "。")


async def inflow_decision(request: Request) -> Response:
    """The home side confirms or declines; the host withdraws its own request."""
    viewer = viewer_of(request)
    request_id = int_param(request.path_params["iid"])
    verb = request.path_params["verb"]
    form = await read_form(request)
    if verb == "confirm":
        await floating.confirm_inflow(viewer, request_id)
        message = "已确认流入登记，该党员已登记为流动党员。"
    elif verb == "decline":
        reason = text_field(form, "reason", "退回原因", max_length=500)
        await floating.decline_inflow(viewer, request_id, reason)
        message = "已退回流入登记申请。"
    elif verb == "withdraw":
        await floating.withdraw_inflow(viewer, request_id)
        message = "已撤回流入登记申请。"
    else:
        raise NotFound()
    return done(request, "/members/floating", message)


async def floating_end(request: Request) -> Response:
    viewer = viewer_of(request)
    record = await floating.check_end_floating(viewer, int_param(request.path_params["rid"]))
    name = record.member.name
    question = f"结束后{name}不再作为流动党员参加流入地的组织生活，此登记不能恢复。确定结束流动？"
    if (ask := await ask_confirmation(request, question, confirm_label="结束流动")) is not None:
        return ask
    await floating.end_floating(viewer, record.id)
    return done(request, "/members/floating", f"已结束{name}的流动党员登记。")


# Development ----------------------------------------------------------------------------


def _vote_id(form: FormData) -> int | None:
    """The plenary vote's number: blank, or a positive whole number."""
    return optional_int_field(form, "vote_id", "表决编号", minimum=1, maximum=INT32_MAX)


async def development_page(request: Request) -> Response:
    viewer = viewer_of(request)
    org = await scope_org(viewer, request.query_params.get("org"))
    items = await development.due_list(org.path)
    return render(
        request,
        "members/development.html",
        {"org": org, "due_items": items, "orgs": await queries.manageable_orgs(viewer)},
    )


async def development_advance(request: Request) -> Response:
    viewer = viewer_of(request)
    member = await _member(request)
    form = await read_form(request)
    target, on = str(form.get("target") or ""), str(form.get("on") or "")
    if target in STEP_DECISIONS:  # decided by a plenary vote, approved by the committee
        return await _propose(request, viewer, member, form, STEP_DECISIONS[target])
    note = text_field(form, "note", "备注", max_length=100, required=False)
    rule, day = await development.check_advance(viewer, member, target, on=on)
    label = rule.label
    question = (
        f"将{member.name}{label}（{day.isoformat()}）。状态变更记入档案历程，不能撤回。确定办理？"
    )
    if (ask := await ask_confirmation(request, question, confirm_label=label)) is not None:
        return ask
    await development.advance_member(viewer, member, target, on=on, note=note)
    return _back(request, member.id, "timeline", f"{member.name}：已{label}。")


# The development steps a plenary votes on, and the decision each reports.
STEP_DECISIONS = {"probationary": "admission", "full": "conversion"}


async def _propose(
    request: Request, viewer: Viewer, member: Member, form: FormData, kind: str
) -> Response:
    vote_id = _vote_id(form)
    months = (
        int_field(form, "months", "延长月数", minimum=1, maximum=99)
        if kind == "extension"
        else None
    )
    reason = text_field(form, "reason", "原因", max_length=approvals.REASON_MAX, required=False)
    vote, committee = await approvals.check_propose(
        viewer, member, kind, vote_id=vote_id, months=months, reason=reason
    )
    label = approvals.label_of(kind)
    question = (
        f"将支部党员大会通过的「{vote.title}」报{committee.name}审批：{member.name}{label}。"
        "报批后须等待上级党委审批，确定报批？"
    )
    if (ask := await ask_confirmation(request, question, confirm_label="报批")) is not None:
        return ask
    await approvals.propose(viewer, member, kind, vote_id=vote_id, months=months, reason=reason)
    return _back(
        request, member.id, "decisions", f"{member.name}：{label}已报{committee.name}审批。"
    )


async def status_decision_propose(request: Request) -> Response:
    """`POST /members/{id}/decisions`: report a plenary decision (any of the four kinds)."""
    viewer = viewer_of(request)
    member = await _member(request)
    form = await read_form(request)
    return await _propose(request, viewer, member, form, str(form.get("kind") or ""))


async def status_decision_decide(request: Request) -> Response:
    """`POST /members/decisions/{id}/approve|reject`: the superior committee decides."""
    viewer = viewer_of(request)
    verb = request.path_params["verb"]
    if verb not in {"approve", "reject"}:
        raise NotFound()
    decision, member, committee = await approvals.get_decision_for(
        viewer, int_param(request.path_params["did"])
    )
    form = await read_form(request)
    on = str(form.get("on") or "")
    note = text_field(form, "note", "审批意见", max_length=approvals.REASON_MAX, required=False)
    approve = verb == "approve"
    day = await approvals.check_decide(
        viewer, decision, member, committee, approve=approve, on=on, note=note
    )
    label = approvals.label_of(str(decision.kind))
    if approve:
        late = approval_is_late(decision.voted_on, day)
        question = (
            f"批准{member.name}{label}（{day.isoformat()}）后记入档案，不能撤回。"
            + (
                f"已超过三个月审批期限（{approval_deadline(decision.voted_on).isoformat()}），将标记为逾期。"
                if late
                else ""
            )
            + "确定批准？"
        )
    else:
        question = f"不批准{member.name}{label}，本次报批即终止。确定不批准？"
    if (
        ask := await ask_confirmation(
            request, question, confirm_label="批准" if approve else "不批准"
        )
    ) is not None:
        return ask
    await approvals.decide(viewer, decision, member, committee, approve=approve, on=on, note=note)
    verdict = "已批准" if approve else "未批准"
    return done(request, "/members/approvals", f"{member.name}：{label}{verdict}。")


async def approvals_page(request: Request) -> Response:
    viewer = viewer_of(request)
    items = await approvals.pending_for(viewer)
    return render(
        request,
        "members/approvals.html",
        {
            "items": items,
            "roll_exclusions": await exclusions.pending_for(viewer),
            "EXCLUSION_LABELS": EXCLUSION_LABELS,
            "today": today(),
            "deadline": approval_deadline,
            "is_late": approval_is_late,
            "DECISION_LABELS": {k: label for k, (_, label) in STATUS_DECISION_KINDS.items()},
        },
    )


async def development_contact(request: Request) -> Response:
    viewer = viewer_of(request)
    member = await _member(request)
    form = await read_form(request)
    try:
        person = await queries.get_member_for(viewer, int_param(form.get("person_id")))
    except NotFound as exc:
        raise ActionError("找不到该党员", field="person_id") from exc
    kind = str(form.get("kind") or "")
    await development.add_contact(viewer, member, person, kind)
    label = "入党介绍人" if kind == "introducer" else "培养联系人"
    return _back(request, member.id, "timeline", f"已确定{label}：{person.name}。")


async def development_review(request: Request) -> Response:
    viewer = viewer_of(request)
    member = await _member(request)
    form = await read_form(request)
    await development.add_review(
        viewer,
        member,
        str(form.get("reviewed_on") or ""),
        text_field(form, "summary", "考察意见", max_length=500),
    )
    return _back(request, member.id, "timeline", "已记录考察意见。")


async def development_extend(request: Request) -> Response:
    """The one extension of probation: a plenary vote reported for approval."""
    viewer = viewer_of(request)
    member = await _member(request)
    form = await read_form(request)
    return await _propose(request, viewer, member, form, "extension")


routes: list[BaseRoute] = [
    Route("/members/transfers", transfer_list, methods=["GET"]),
    Route("/members/transfers/{tid:int}", transfer_slip, methods=["GET"]),
    Route("/members/transfers/{tid:int}/{step:str}", transfer_step, methods=["POST"]),
    Route("/members/{member_id:int}/transfers", transfer_request, methods=["POST"]),
    Route("/members/floating", floating_page, methods=["GET"]),
    Route("/members/floating/inflow", floating_inflow, methods=["POST"]),
    Route("/members/floating/{rid:int}/end", floating_end, methods=["POST"]),
    Route("/members/floating/inflows/{iid:int}/{verb:str}", inflow_decision, methods=["POST"]),
    Route("/members/{member_id:int}/floating", floating_outflow, methods=["POST"]),
    Route("/members/development", development_page, methods=["GET"]),
    Route("/members/{member_id:int}/advance", development_advance, methods=["POST"]),
    Route("/members/{member_id:int}/contacts", development_contact, methods=["POST"]),
    Route("/members/{member_id:int}/reviews", development_review, methods=["POST"]),
    Route("/members/{member_id:int}/extend", development_extend, methods=["POST"]),
    Route("/members/{member_id:int}/decisions", status_decision_propose, methods=["POST"]),
    Route("/members/approvals", approvals_page, methods=["GET"]),
    Route("/members/decisions/{did:int}/{verb:str}", status_decision_decide, methods=["POST"]),
]
