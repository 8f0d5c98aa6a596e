"""HTML handlers: discipline (党纪处分) and 停止党籍 on a member's record."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from forum.answers import ask_confirmation, done
from forum.errors import ActionError
from forum.http import int_param, read_form, viewer_of
from forum.members import discipline, queries
from forum.policy import SANCTION_KINDS


def _back(request: Request, member_id: int, message: str) -> Response:
    return done(request, f"/members/{member_id}#discipline", message)


def _years(raw: object) -> int | None:
    value = str(raw or "").strip()
    if value in ("", "0"):
        return None
    if value not in ("1", "2"):
        raise ActionError("留党察看期为 1 年或 2 年", field="years")
    return int(value)


async def sanction_record(request: Request) -> Response:
    viewer = viewer_of(request)
    member = await queries.get_member_for(viewer, int_param(request.path_params["member_id"]))
    form = await read_form(request)
    kind = str(form.get("kind") or "")
    data: dict[str, Any] = {
        "kind": kind,
        "years": _years(form.get("years")) if form.get("kind") == "probation" else None,
        "decision_number": str(form.get("decision_number") or ""),
        "deciding_body": str(form.get("deciding_body") or ""),
        "decided_on": str(form.get("decided_on") or ""),
        "approving_body": str(form.get("approving_body") or ""),
        "approved_on": str(form.get("approved_on") or ""),
    }
    await discipline.check_record_sanction(viewer, member, **data)
    label = SANCTION_KINDS[kind]
    question = f"给予{member.name}{label}处分，记入档案后不能撤回。确定记录？"
    if (ask := await ask_confirmation(request, question, confirm_label="记录处分")) is not None:
        return ask
    await discipline.record_sanction(viewer, member, **data)
    return _back(request, member.id, f"已记录{member.name}的{label}处分。")


async def sanction_end(request: Request) -> Response:
    viewer = viewer_of(request)
    sanction, member = await discipline.get_sanction_for(
        viewer, int_param(request.path_params["sid"])
    )
    form = await read_form(request)
    outcome = str(form.get("outcome") or "")
    data = {
        "outcome": outcome,
        "on": str(form.get("on") or ""),
        "decision_number": str(form.get("decision_number") or ""),
    }
    await discipline.check_end_probation(viewer, sanction, member, **data)
    verdict = "恢复党员权利" if outcome == "restore" else "开除党籍"
    question = f"留党察看期满，{member.name}{verdict}。记入档案后不能撤回，确定？"
    if (ask := await ask_confirmation(request, question, confirm_label=verdict)) is not None:
        return ask
    await discipline.end_probation(viewer, sanction, member, **data)
    return _back(request, member.id, f"{member.name}：留党察看期满，已{verdict}。")


async def suspension_record(request: Request) -> Response:
    viewer = viewer_of(request)
    member = await queries.get_member_for(viewer, int_param(request.path_params["member_id"]))
    form = await read_form(request)
    data = {
        name: str(form.get(name) or "")
        for name in ("reason", "decision_number", "approving_body", "approved_on")
    }
    await discipline.check_suspend(viewer, member, **data)
    question = f"停止{member.name}的党籍后，其党员权利即停止。确定停止党籍？"
    if (ask := await ask_confirmation(request, question, confirm_label="停止党籍")) is not None:
        return ask
    await discipline.suspend_membership(viewer, member, **data)
    return _back(request, member.id, f"已停止{member.name}的党籍。")


async def suspension_end(request: Request) -> Response:
    viewer = viewer_of(request)
    suspension, member = await discipline.get_suspension_for(
        viewer, int_param(request.path_params["sid"])
    )
    form = await read_form(request)
    outcome = str(form.get("outcome") or "")
    data = {
        "outcome": outcome,
        "on": str(form.get("on") or ""),
        "note": str(form.get("note") or ""),
    }
    await discipline.check_end_suspension(viewer, suspension, member, **data)
    verdict = "恢复党籍" if outcome == "restore" else "除名"
    question = f"{member.name}{verdict}，记入档案后不能撤回。确定？"
    if (ask := await ask_confirmation(request, question, confirm_label=verdict)) is not None:
        return ask
    await discipline.end_suspension(viewer, suspension, member, **data)
    return _back(request, member.id, f"{member.name}：已{verdict}。")


routes: list[BaseRoute] = [
    Route("/members/{member_id:int}/sanctions", sanction_record, methods=["POST"]),
    Route("/members/sanctions/{sid:int}/end", sanction_end, methods=["POST"]),
    Route("/members/{member_id:int}/suspensions", suspension_record, methods=["POST"]),
    Route("/members/suspensions/{sid:int}/end", suspension_end, methods=["POST"]),
]
