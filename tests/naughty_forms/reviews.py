"""民主评议: 自评, 互评, the decision's 决定依据 and 组织处置 (the 测评表 has only choices)."""

from __future__ import annotations

import itertools
from typing import Any

from tests.naughty import Form, World, latest

_years = itertools.count(2100)


def reviews_models() -> Any:
    from forum.reviews import models

    return models


async def _round(world: World, *, year: int | None = None) -> Any:
    """A round of 第一党支部 opened by its secretary (this year's once, or another year)."""
    from forum.models import Org
    from forum.reviews import actions
    from forum.viewer import viewer_for_user

    models = reviews_models()
    branch = await Org.get(id=world.ids["branch"])
    if year is None:
        existing = await models.ReviewRound.filter(org_id=branch.id, year__lt=2100).first()
        if existing is not None:
            return existing
    secretary = await viewer_for_user(world.ids["secretary_user"])
    return await actions.open_round(secretary, branch, year)


async def fresh_open(world: World) -> None:
    """This year's round, open; full_member's own subject and a peer of theirs."""
    from forum.models import Member, User

    round_ = await _round(world)
    member = await Member.get(user_id=(await User.get(username="full_member")).id)
    subjects = await reviews_models().ReviewSubject.filter(round_id=round_.id)
    me = next(s for s in subjects if s.member_id == member.id)
    peer = next(s for s in subjects if s.org_id == me.org_id and s.id != me.id)
    world.ids["review"], world.ids["review_peer"] = round_.id, peer.id


async def fresh_rated(world: World) -> None:
    """A new round (another year) whose rating is closed: the grades are to be decided."""
    from forum.reviews import actions
    from forum.viewer import viewer_for_user

    round_ = await _round(world, year=next(_years))
    secretary = await viewer_for_user(world.ids["secretary_user"])
    await actions.close_rating(secretary, round_)
    subjects = await reviews_models().ReviewSubject.filter(round_id=round_.id).order_by("id")
    world.ids["review"] = round_.id
    world.notes["review_grades"] = {f"grade_{s.id}": "qualified" for s in subjects}


async def fresh_unqualified(world: World) -> None:
    """A decided round with one member graded 不合格 (组织处置 is recorded once)."""
    from forum.reviews import actions
    from forum.viewer import viewer_for_user

    await fresh_rated(world)
    round_ = await reviews_models().ReviewRound.get(id=world.ids["review"])
    subjects = await reviews_models().ReviewSubject.filter(round_id=round_.id).order_by("id")
    grades = {s.id: "qualified" for s in subjects}
    grades[subjects[0].id] = "unqualified"
    secretary = await viewer_for_user(world.ids["secretary_user"])
    await actions.decide_grades(secretary, round_, grades, "支部党员大会")
    world.ids["review_subject"] = subjects[0].id


async def _own_self_review() -> str | None:
    """full_member's own 自评 in the newest open round."""
    from forum.models import Member, User

    member = await Member.get(user_id=(await User.get(username="full_member")).id)
    return await latest(reviews_models().ReviewSubject, "self_review", member_id=member.id)


FORMS: dict[str, Form] = {
    "reviews: self": Form(
        "full_member",
        lambda w: f"/reviews/{w.ids['review']}/self",
        {"self_review": _own_self_review},
        fresh=fresh_open,
    ),
    "reviews: peer": Form(
        "full_member",
        lambda w: f"/reviews/{w.ids['review']}/peer/{w.ids['review_peer']}",
        {"body": lambda: latest(reviews_models().PeerComment, "body")},
        fresh=fresh_open,
    ),
    "reviews: decide": Form(
        "secretary",
        lambda w: f"/reviews/{w.ids['review']}/decide",
        {"decided_by": lambda: latest(reviews_models().ReviewRound, "decided_by", state="decided")},
        lambda w: {**w.notes["review_grades"], "confirmed": "1"},
        fresh=fresh_rated,
    ),
    "reviews: disposal": Form(
        "secretary",
        lambda w: f"/reviews/{w.ids['review']}/subjects/{w.ids['review_subject']}/disposal",
        {
            "disposal_note": lambda: latest(
                reviews_models().ReviewSubject, "disposal_note", grade="unqualified"
            )
        },
        lambda w: {"disposal": "correct"},
        fresh=fresh_unqualified,
    ),
}
