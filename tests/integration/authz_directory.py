"""Rows of the authorization sweep (test_authz_sweep.py) for the member directory routes.

"in" targets live in branch A (the admin's scope), "out" targets in sibling branch B (the
sibling admin's scope). `build` creates them in the sweep's world; `fill` puts their ids into
route templates and form values.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from forum import clock, idcard
from forum.members import importer
from forum.members.models import FloatingRecord, Transfer
from forum.policy import RoleGrant, Viewer
from tests.factories import Tree, make_member

KINDS = (
    "visitor",
    "applicant",
    "activist",
    "probationary",
    "full",
    "sanctioned",
    "floating",
    "sibling_admin",
    "moderator_elsewhere",
    "admin",
)
A_MEMBERS = ("applicant", "activist", "probationary", "full", "sanctioned", "admin")
TODAY = clock.today()
_rng = random.Random(77)


def exp(default: int, **overrides: int) -> dict[str, int]:
    return {kind: overrides.get(kind, default) for kind in KINDS}


def admins(status: int, others: int = 404) -> dict[str, int]:
    return exp(others, admin=status, sibling_admin=status)


def side(ok: int, seen: int, other: int, target: str) -> dict[str, int]:
    """`ok` for the admin of the target's branch, `seen` for others who can see the target
    (branch members; the floating guest belongs to B), `other` for everyone else."""
    if target == "in":
        return {k: ok if k == "admin" else seen if k in A_MEMBERS else other for k in KINDS}
    return {k: ok if k == "sibling_admin" else seen if k == "floating" else other for k in KINDS}


def record_form(name: str, id_number: str) -> dict[str, str]:
    return {
        "org_id": "{org_id}",
        "name": name,
        "id_number": id_number,
        "status": "applicant",
        "applied_at": "2020-01-01",
    }


EDIT_FORM = {
    "name": "改名党员",
    "status": "full",
    "probation_at": "2010-01-01",
    "full_at": "2011-01-01",
    "org_id": "{org_id}",
}
FLOAT_FORM = {
    "certificate_number": "LD-1",
    "host_org_id": "{org_c}",
    "starts_on": "2026-01-01",
    "ends_on": "2026-06-01",
}
INFLOW_FORM = {
    "host_org_id": "{org_id}",
    "id_number": "{inflow_id}",
    "certificate_number": "LR-1",
    "starts_on": "2026-01-01",
    "ends_on": "2026-06-01",
}


def _id(birth: dt.date) -> str:
    return idcard.generate(_rng, birth, "M", region="350102")


# Literal numbers (the sweep turns JSON values that start with "{" into integers).
NEW_IDS = {"in": _id(dt.date(1990, 5, 6)), "out": _id(dt.date(1990, 7, 8))}
API_IDS = {"in": _id(dt.date(1989, 5, 6)), "out": _id(dt.date(1989, 7, 8))}
INFLOW_ID = _id(dt.date(1985, 1, 2))


def _cases() -> list[tuple[Any, ...]]:
    rows: list[tuple[Any, ...]] = [
        ("GET", "/members", "-", exp(200, visitor=303)),
        ("GET", "/members/new", "-", admins(200)),
        ("GET", "/members/stats", "-", admins(200)),
        ("GET", "/members/stats.{fmt:str}", "-", admins(200)),
        ("GET", "/members/export.{fmt:str}", "-", admins(200)),
        ("GET", "/members/transfers", "-", exp(200, visitor=404)),
        ("GET", "/members/floating", "-", admins(200)),
        ("GET", "/members/development", "-", admins(200)),
        ("GET", "/members/import", "-", admins(200)),
        ("GET", "/api/v1/members", "-", exp(200)),
        ("GET", "/api/v1/members/stats", "-", admins(200)),
        # No file in the form: the admins get the form back with an error (400).
        ("POST", "/members/import", "in", admins(400), {"org_id": "{org_id}"}),
    ]
    for t in ("in", "out"):
        owner = "admin" if t == "in" else "sibling_admin"
        rows += [
            ("GET", "/members/{member_id:int}", t, side(200, 200, 404, t)),
            ("GET", "/api/v1/members/{member_id:int}", t, side(200, 200, 404, t)),
            ("GET", "/members/{member_id:int}/edit", t, side(200, 404, 404, t)),
            ("POST", "/members/{member_id:int}/edit", t, side(303, 403, 404, t), EDIT_FORM),
            ("POST", "/members/{member_id:int}/reveal", t, side(200, 403, 404, t)),
            ("POST", "/api/v1/members/{member_id:int}/reveal", t, side(200, 403, 404, t), {}, {}),
            (
                "POST",
                "/members/new",
                t,
                exp(403, **{owner: 303}),
                record_form("新党员" + t, NEW_IDS[t]),
            ),
            (
                "POST",
                "/api/v1/members",
                t,
                exp(403, **{owner: 201}),
                {},
                record_form("接口党员" + t, API_IDS[t]),
            ),
            ("GET", "/members/transfers/{tid:int}", t, side(200, 404, 404, t)),
            ("GET", "/api/v1/members/transfers/{transfer_id:int}", t, side(200, 404, 404, t)),
            ("POST", "/members/transfers/{tid:int}/{step:str}", t, side(303, 404, 404, t)),
            (
                "POST",
                "/members/{member_id:int}/transfers",
                t,
                side(303, 403, 404, t),
                {"to_org_id": "{org_c}", "reason": "调动"},
            ),
            ("POST", "/members/{member_id:int}/floating", t, side(303, 403, 404, t), FLOAT_FORM),
            ("POST", "/members/floating/{rid:int}/end", t, side(303, 404, 404, t)),
            ("POST", "/members/floating/inflow", t, exp(403, **{owner: 303}), INFLOW_FORM),
            (
                "POST",
                "/members/{member_id:int}/advance",
                t,
                side(303, 403, 404, t),
                {"target": "development_target", "on": TODAY.isoformat()},
            ),
            (
                "POST",
                "/members/{member_id:int}/contacts",
                t,
                side(303, 403, 404, t),
                {"kind": "trainer", "person_id": "{person_id}"},
            ),
            (
                "POST",
                "/members/{member_id:int}/reviews",
                t,
                side(303, 403, 404, t),
                {"reviewed_on": TODAY.isoformat(), "summary": "表现良好"},
            ),
            (
                "POST",
                "/members/{member_id:int}/extend",
                t,
                side(303, 403, 404, t),
                {"months": "6", "on": TODAY.isoformat(), "vote_id": "1"},
            ),
            ("GET", "/members/import/{bid:int}", t, side(200, 404, 404, t)),
            ("POST", "/members/import/{bid:int}/run", t, side(303, 404, 404, t)),
        ]
    return rows


CASES = _cases()


async def build(tree: Tree) -> dict[str, Any]:
    """Objects on both sides; the ids go into `fill`."""
    ids: dict[str, Any] = {"org_c": tree.branch_c.id}
    site = Viewer(username="sweep", roles=(RoleGrant("site_admin", None, None),))
    long_ago = TODAY - dt.timedelta(days=800)
    for t, branch in (("in", tree.branch_a), ("out", tree.branch_b)):
        full = dict(probation_at=dt.date(2010, 1, 1), full_at=dt.date(2011, 1, 1))
        member = await make_member(branch, "full", **full)
        person = await make_member(branch, "full", **full)
        mover = await make_member(branch, "full", **full)
        traveller = await make_member(branch, "full", floating=True, host_org=tree.branch_c, **full)
        activist = await make_member(
            branch, "activist", applied_at=long_ago, activist_at=long_ago + dt.timedelta(days=30)
        )
        probationary = await make_member(
            branch, "probationary", probation_at=TODAY - dt.timedelta(days=400)
        )
        transfer = await Transfer.create(
            member_id=mover.id, from_org_id=branch.id, to_org_id=tree.branch_c.id
        )
        record = await FloatingRecord.create(
            member_id=traveller.id,
            direction="outflow",
            certificate_number="LD-0",
            host_org_id=tree.branch_c.id,
            starts_on=TODAY,
            ends_on=TODAY + dt.timedelta(days=90),
        )
        sheet = "姓名,身份证号,状态,申请入党日期\n导入者{},{},入党申请人,2020-01-01\n".format(
            t, _id(dt.date(1991, 3, 4) if t == "in" else dt.date(1992, 3, 4))
        )
        batch = await importer.create_batch(site, branch, "sweep.csv", sheet.encode())
        ids[t] = {
            "member": member.id,
            "person": person.id,
            "activist": activist.id,
            "probationary": probationary.id,
            "transfer": transfer.id,
            "floating": record.id,
            "batch": batch.id,
        }
    # A member of branch C, registered as an in-flow guest by number.
    ids["inflow_id"] = INFLOW_ID
    await make_member(
        tree.branch_c,
        "full",
        probation_at=dt.date(2010, 1, 1),
        full_at=dt.date(2011, 1, 1),
        id_number=INFLOW_ID,
    )
    return ids


MEMBER_BY_SUFFIX = (
    ("/advance", "activist"),
    ("/contacts", "activist"),
    ("/reviews", "activist"),
    ("/extend", "probationary"),
)


def fill(value: str, target: str, ids: dict[str, Any]) -> str:
    if not ids or "{" not in value:
        return value
    own = ids["out" if target == "out" else "in"]
    key = next((k for suffix, k in MEMBER_BY_SUFFIX if value.endswith(suffix)), "member")
    return (
        value.replace("{member_id:int}", str(own[key]))
        .replace("{tid:int}", str(own["transfer"]))
        .replace("{transfer_id:int}", str(own["transfer"]))
        .replace("{step:str}", "approve")
        .replace("{rid:int}", str(own["floating"]))
        .replace("{bid:int}", str(own["batch"]))
        .replace("{fmt:str}", "csv")
        .replace("{org_c}", str(ids["org_c"]))
        .replace("{person_id}", str(own["person"]))
        .replace("{inflow_id}", ids["inflow_id"])
    )
