"""Member development (发展党员), transfers (组织关系接转) and floating members (流动党员): the
workflow forms on a member record (members/_record_workflows.html) and the transfer slip.

Every step works once per member (a status moves on, probation is extended once, one open
transfer, one active floating registration), so `fresh` makes a new member in the right
status before each try and the readers read the row written for that member.

Dates (on, reviewed_on, starts_on, ends_on) and the plenary vote number (a positive whole
number) are validated strictly and required: no naughty string is a date or a vote number, so
those fields show 0 accepted (the base request, with a real date and number, is accepted: the
other fields of the same form show it).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from tests.naughty import Form, World, id_number, latest

# The ids of the targets the last `fresh` made, for the zero-argument readers.
_made: dict[str, int] = {}


def _models() -> Any:
    from forum.members import models

    return models


async def _new_member(world: World, status: str, **dates: dt.date) -> int:
    from forum.models import Org
    from tests.factories import make_member

    branch = await Org.get(id=world.ids["branch"])
    member = await make_member(branch, status, name="语料党员", id_number=id_number(), **dates)
    _made["member"] = member.id
    world.ids["dev_member"] = member.id
    return int(member.id)


def _today() -> dt.date:
    from forum.clock import today

    return today()


async def fresh_probationary(world: World) -> None:
    """On probation for more than a year: due for conversion, or for the one extension."""
    day = _today()
    await _new_member(
        world,
        "probationary",
        applied_at=day - dt.timedelta(days=1200),
        activist_at=day - dt.timedelta(days=1100),
        development_target_at=day - dt.timedelta(days=700),
        probation_at=day - dt.timedelta(days=400),
    )


async def fresh_activist(world: World) -> None:
    day = _today()
    await _new_member(
        world,
        "activist",
        applied_at=day - dt.timedelta(days=300),
        activist_at=day - dt.timedelta(days=200),
    )


async def fresh_full(world: World) -> None:
    """A full member with no open transfer and no floating registration."""
    from forum.models import Org

    if "sibling_branch" not in world.ids:
        world.ids["sibling_branch"] = (await Org.get(name="第二党支部")).id
    await _new_member(world, "full", full_at=_today() - dt.timedelta(days=800))


async def fresh_requested_transfer(world: World) -> None:
    """A transfer out of the secretary's branch waiting for the outgoing side."""
    from forum.members.models import Transfer

    await fresh_full(world)
    transfer = await Transfer.create(
        member_id=_made["member"],
        from_org_id=world.ids["branch"],
        to_org_id=world.ids["sibling_branch"],
        reason="工作调动",
        requested_by_id=world.ids["secretary_user"],
    )
    _made["transfer"] = transfer.id
    world.ids["transfer"] = transfer.id


async def _change(attribute: str) -> str | None:
    return await latest(_models().MemberChange, attribute, member_id=_made["member"], kind="status")


async def _change_tail(prefix: str) -> str | None:
    """The note or reason a status change keeps after its label: "转为正式党员：<note>"."""
    summary = await _change("summary")
    return None if summary is None else summary.removeprefix(prefix)


async def _of_member(model: str, attribute: str) -> str | None:
    return await latest(getattr(_models(), model), attribute, member_id=_made["member"])


async def _rejection() -> str | None:
    return await latest(_models().Transfer, "rejection_reason", id=_made["transfer"])


def _today_iso(w: World) -> str:
    return _today().isoformat()


FORMS: dict[str, Form] = {
    # Conversion (转为正式党员): the step that needs a date, a plenary vote and takes a note.
    "development: advance": Form(
        "secretary",
        lambda w: f"/members/{w.ids['dev_member']}/advance",
        {
            "on": lambda: _change("effective_on"),  # a date: naughty strings are refused
            "vote_id": lambda: _change("vote_id"),  # a positive whole number
            "note": lambda: _change_tail("转为正式党员："),
        },
        lambda w: {"target": "full", "on": _today_iso(w), "vote_id": "7", "note": "按期转正"},
        fresh=fresh_probationary,
    ),
    "development: extend probation": Form(
        "secretary",
        lambda w: f"/members/{w.ids['dev_member']}/extend",
        {
            "on": lambda: _of_member("ProbationExtension", "decided_on"),
            "vote_id": lambda: _of_member("ProbationExtension", "vote_id"),
            "reason": lambda: _change_tail("延长预备期 6 个月："),
        },
        lambda w: {"months": "6", "on": _today_iso(w), "vote_id": "8", "reason": "需继续考察"},
        fresh=fresh_probationary,
    ),
    "development: review": Form(
        "secretary",
        lambda w: f"/members/{w.ids['dev_member']}/reviews",
        {
            "reviewed_on": lambda: _of_member("DevelopmentReview", "reviewed_on"),
            "summary": lambda: _of_member("DevelopmentReview", "summary"),
        },
        lambda w: {"reviewed_on": _today_iso(w), "summary": "表现良好"},
        fresh=fresh_activist,
    ),
    # The admin's and the member's own transfer forms post the same fields here.
    "development: request transfer": Form(
        "secretary",
        lambda w: f"/members/{w.ids['dev_member']}/transfers",
        {"reason": lambda: _of_member("Transfer", "reason")},
        lambda w: {"to_org_id": str(w.ids["sibling_branch"]), "reason": "工作调动"},
        fresh=fresh_full,
    ),
    "development: reject transfer": Form(
        "secretary",
        lambda w: f"/members/transfers/{w.ids['transfer']}/reject",
        {"reason": _rejection},
        lambda w: {"reason": "材料不全"},
        fresh=fresh_requested_transfer,
    ),
    "development: floating outflow": Form(
        "secretary",
        lambda w: f"/members/{w.ids['dev_member']}/floating",
        {
            "certificate_number": lambda: _of_member("FloatingRecord", "certificate_number"),
            "host_place": lambda: _of_member("FloatingRecord", "host_place"),
            "starts_on": lambda: _of_member("FloatingRecord", "starts_on"),
            "ends_on": lambda: _of_member("FloatingRecord", "ends_on"),
        },
        lambda w: {
            "certificate_number": "LD-2024-001",
            "host_org_id": "",
            "host_place": "广东省深圳市南山区",
            "starts_on": _today_iso(w),
            "ends_on": (_today() + dt.timedelta(days=365)).isoformat(),
        },
        fresh=fresh_full,
    ),
}
