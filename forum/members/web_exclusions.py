"""HTML handlers: 不计入应到 (forum.members.exclusions), on the record page's section."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from forum.answers import ask_confirmation, done
from forum.decisions import EXCLUSION_LABELS
from forum.errors import NotFound
from forum.http import INT32_MAX, int_param, optional_int_field, read_form, viewer_of
from forum.members import exclusions, queries

ANCHOR = "roll-exclusions"


def _back(request: Request, member_id: int, message: str) -> Response:
    return done(request, f"/members/{member_id}#{ANCHOR}", message)


async def propose(request: Request) -> Response:
    """`POST /members/{id}/roll-exclusions`: the branch proposes it to the superior org."""
    viewer = viewer_of(request)
    member = await queries.get_member_for(viewer, int_param(request.path_params["member_id"]))
    form = await read_form(request)
    await exclusions.propose(
        viewer,
        member,
        category=str(form.get("category") or ""),
        reason=str(form.get("reason") or ""),
    )
    return _back(request, member.id, f"{member.name}：不计入应到已报上级党组织批准。")


async def step(request: Request) -> Response:
    """`POST /members/roll-exclusions/{id}/approve|reject|vote|end`."""
    viewer = viewer_of(request)
    verb = request.path_params["verb"]
    if verb not in {"approve", "reject", "vote", "end"}:
        raise NotFound()
    item, member, committee = await exclusions.get_for(
        viewer, int_param(request.path_params["xid"])
    )
    form = await read_form(request)
    label = EXCLUSION_LABELS[item.category]
    if verb in {"approve", "reject"}:
        approve = verb == "approve"
        on, note = str(form.get("on") or ""), str(form.get("note") or "")
        day, _ = await exclusions.check_decide(
            viewer, item, member, committee, approve=approve, on=on, note=note
        )
        question = (
            f"批准{member.name}不计入应到（{label}，{day.isoformat()}）？批准后由支部党员大会表决。"
            if approve
            else f"不批准{member.name}不计入应到，本次报批即终止。确定不批准？"
        )
        verdict = "批准" if approve else "不批准"
        if (ask := await ask_confirmation(request, question, confirm_label=verdict)) is not None:
            return ask
        await exclusions.decide(viewer, item, member, committee, approve=approve, on=on, note=note)
        return _back(request, member.id, f"{member.name}：不计入应到已{verdict}。")
    if verb == "vote":
        vote_id = optional_int_field(form, "vote_id", "表决", minimum=1, maximum=INT32_MAX)
        _, voted_on, title = await exclusions.check_vote(viewer, item, member, vote_id)
        question = (
            f"记录支部党员大会 {voted_on.isoformat()} 通过的「{title}」：此后每次会议的应到人数"
            f"不再计入{member.name}，直到恢复。确定生效？"
        )
        if (ask := await ask_confirmation(request, question, confirm_label="生效")) is not None:
            return ask
        await exclusions.record_vote(viewer, item, member, vote_id)
        return _back(request, member.id, f"{member.name}：不计入应到已生效。")
    on, reason = str(form.get("ended_on") or ""), str(form.get("end_reason") or "")
    await exclusions.check_end(viewer, item, member, on=on, reason=reason)
    active = str(item.state) == "active"
    question = (
        f"恢复后，此后每次会议的应到人数重新计入{member.name}，本项决定即结束。确定恢复？"
        if active
        else f"撤回{member.name}不计入应到的报批？撤回后需重新提出。"
    )
    verdict = "恢复计入应到" if active else "撤回"
    if (ask := await ask_confirmation(request, question, confirm_label=verdict)) is not None:
        return ask
    await exclusions.end(viewer, item, member, on=on, reason=reason)
    return _back(request, member.id, f"{member.name}：已{verdict}。")


routes: list[BaseRoute] = [
    Route("/members/{member_id:int}/roll-exclusions", propose, methods=["POST"]),
    Route("/members/roll-exclusions/{xid:int}/{verb:str}", step, methods=["POST"]),
]
