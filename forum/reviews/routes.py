"""Pages of 民主评议: `/reviews` (the rounds the viewer may see, and opening one),
`/reviews/{id}` (自评, 互评, the 测评表, the tallies and the grades), its form posts, and
`GET /api/v1/reviews/{id}`."""

from __future__ import annotations

from typing import Any

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route
from tortoise.expressions import Q

from forum import apispec
from forum.answers import ask_confirmation, done
from forum.errors import ActionError, NotFound
from forum.http import int_param, read_form, viewer_of
from forum.models import Org
from forum.policy import (
    DISPOSALS,
    GRADES,
    REVIEW_STATES,
    Viewer,
    ensure_visible,
    managed_orgs,
    under_paths,
)
from forum.reviews import actions, queries
from forum.reviews.models import ReviewRound, ReviewSubject
from forum.templating import render


def _own_branch_paths(viewer: Viewer) -> list[str]:
    """The viewer's org and every org above it (a round is held by one of them)."""
    path = viewer.org_path or ""
    parts = [p for p in path.split("/") if p]
    return ["/" + "/".join(parts[: i + 1]) + "/" for i in range(len(parts))]


async def list_page(request: Request) -> Response:
    viewer = viewer_of(request)
    ensure_visible(viewer.is_authenticated)
    scope = Q(org_path__in=_own_branch_paths(viewer)) if viewer.org_path else Q(id=-1)
    if viewer.admin_paths and not viewer.suspended:
        scope |= under_paths(viewer.admin_paths, "org_path")
    rounds = (
        await ReviewRound.filter(scope).select_related("org").order_by("-year", "-id").limit(50)
    )
    branches = await Org.filter(managed_orgs(viewer), kind="branch", is_active=True).order_by(
        "path"
    )
    return render(
        request,
        "reviews/list.html",
        {"rounds": rounds, "branches": branches[:200], "states": REVIEW_STATES},
    )


async def open_round(request: Request) -> Response:
    viewer = viewer_of(request)
    form = await read_form(request)
    org = await Org.get_or_none(id=int_param(form.get("org_id"), "支部"))
    if org is None:
        raise ActionError("请选择党支部", field="org_id")
    round_ = await actions.open_round(viewer, org)
    return done(
        request, f"/reviews/{round_.id}", f"已开始{round_.year}年度民主评议，已通知参评党员。"
    )


async def page(request: Request) -> Response:
    viewer = viewer_of(request)
    view = await queries.get_round_for(viewer, int(request.path_params["round_id"]))
    return render(
        request,
        "reviews/round.html",
        {"v": view, "grades": GRADES, "disposals": DISPOSALS, "states": REVIEW_STATES},
    )


async def _view(request: Request) -> queries.RoundView:
    return await queries.get_round_for(viewer_of(request), int(request.path_params["round_id"]))


def _subject(view: queries.RoundView, raw: Any) -> ReviewSubject:
    subject_id = int_param(raw, "参评党员")
    subject = next((s for s in view.subjects if s.id == subject_id), None)
    if subject is None:
        raise NotFound()
    return subject


def _grades(view: queries.RoundView, form: FormData, *, skip_me: bool) -> dict[int, str]:
    grades: dict[int, str] = {}
    for s in view.subjects:
        if skip_me and view.me is not None and s.id == view.me.id:
            continue
        value = str(form.get(f"grade_{s.id}", ""))
        if value:
            grades[s.id] = value
    return grades


async def self_review(request: Request) -> Response:
    form = await read_form(request)
    view = await _view(request)
    await actions.write_self_review(
        viewer_of(request), view.round, view.me, str(form.get("self_review", ""))
    )
    return done(request, f"/reviews/{view.round.id}#self", "自评已保存。")


async def peer_review(request: Request) -> Response:
    form = await read_form(request)
    view = await _view(request)
    subject = _subject(view, request.path_params["subject_id"])
    await actions.write_peer_comment(
        viewer_of(request), view.round, view.me, subject, str(form.get("body", ""))
    )
    return done(
        request, f"/reviews/{view.round.id}#peer-{subject.id}", f"已保存对{subject.name}的互评。"
    )


async def rate(request: Request) -> Response:
    form = await read_form(request)
    view = await _view(request)
    confirm = await ask_confirmation(
        request, "测评表提交后不能修改，也不会显示您的选择。确认提交？"
    )
    if confirm is not None:
        return confirm
    count = await actions.hand_in_sheet(
        viewer_of(request), view.round, _grades(view, form, skip_me=True)
    )
    return done(
        request, f"/reviews/{view.round.id}#rate", f"测评表已提交（{count} 人）。谢谢参与。"
    )


async def close(request: Request) -> Response:
    await read_form(request)
    view = await _view(request)
    confirm = await ask_confirmation(
        request, f"结束民主测评？已收到 {view.round.sheets} 份测评表，结束后不能再提交。"
    )
    if confirm is not None:
        return confirm
    await actions.close_rating(viewer_of(request), view.round)
    return done(request, f"/reviews/{view.round.id}#decide", "民主测评已结束，可以确定等次。")


async def decide(request: Request) -> Response:
    form = await read_form(request)
    view = await _view(request)
    confirm = await ask_confirmation(request, "确定各党员的评议等次？确定后将通知本人。")
    if confirm is not None:
        return confirm
    await actions.decide_grades(
        viewer_of(request),
        view.round,
        _grades(view, form, skip_me=False),
        str(form.get("decided_by", "")),
    )
    return done(request, f"/reviews/{view.round.id}", "评议等次已确定，并已通知本人。")


async def disposal(request: Request) -> Response:
    form = await read_form(request)
    view = await _view(request)
    subject = _subject(view, request.path_params["subject_id"])
    await actions.record_disposal(
        viewer_of(request),
        view.round,
        subject,
        str(form.get("disposal", "")),
        str(form.get("disposal_note", "")),
    )
    return done(
        request, f"/reviews/{view.round.id}#s-{subject.id}", f"已记录对{subject.name}的组织处置。"
    )


@apispec.operation(
    "/api/v1/reviews/{round_id}",
    "GET",
    summary="A 民主评议 round as I may see it (the tallies only for the branch's leaders)",
    tag="reviews",
    path_params=("round_id",),
)
async def api_round(request: Request) -> Response:
    view = await queries.get_round_for(
        viewer_of(request), int_param(request.path_params["round_id"])
    )
    r = view.round
    return JSONResponse(
        {
            "id": r.id,
            "year": r.year,
            "state": r.state,
            "sheets": r.sheets,
            "excellent_limit": view.excellent_limit,
            "subjects": [
                {
                    "id": s.id,
                    "name": s.name,
                    "grade": s.grade or None,
                    **({"tally": view.tallies.get(s.id, {})} if view.tallies else {}),
                }
                for s in view.subjects
            ],
            "rated": view.rated,
        }
    )


routes: list[BaseRoute] = [
    Route("/reviews", list_page, methods=["GET"]),
    Route("/reviews", open_round, methods=["POST"]),
    Route("/reviews/{round_id:int}", page, methods=["GET"]),
    Route("/reviews/{round_id:int}/self", self_review, methods=["POST"]),
    Route("/reviews/{round_id:int}/peer/{subject_id:int}", peer_review, methods=["POST"]),
    Route("/reviews/{round_id:int}/rate", rate, methods=["POST"]),
    Route("/reviews/{round_id:int}/close", close, methods=["POST"]),
    Route("/reviews/{round_id:int}/decide", decide, methods=["POST"]),
    Route("/reviews/{round_id:int}/subjects/{subject_id:int}/disposal", disposal, methods=["POST"]),
    Route("/api/v1/reviews/{round_id}", api_round, methods=["GET"]),
]
