"""Authorization sweep of every disclosure route: pages and API x viewer kinds, against items
inside branch A's subtree, in the sibling branch B, public ones and unpublished ones.

Expected answers come from the declarative TABLE; a route of this part missing from it fails
(`test_every_disclosure_route_is_swept`). The foundation's sweep exempts exactly `SWEPT`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest
from starlette.routing import Route

from tests.figures import report
from tests.helpers import Client
from tests.integration.transparency_fixtures import (
    CHECKLIST,
    category,
    draft,
    make_world,
    publish_through,
)
from transparency import actions

KINDS = [
    "visitor",
    "citizen",  # logged in, no membership (群众)
    "applicant_a",
    "member_a",  # full member in group A1 (inside branch A)
    "member_b",  # full member of the sibling branch B
    "publisher",  # branch A publisher
    "secretary",  # branch A secretary
    "sibling_secretary",  # branch B secretary
    "committee_secretary",  # the superior committee
]
STAFF_A = ("publisher", "secretary", "committee_secretary")
LEADERS_A = ("secretary", "committee_secretary")
SEE_A = ("member_a", *STAFF_A)  # who reads branch A's org_subtree item


def only(status: int, others: int, *kinds: str, **overrides: int) -> dict[str, int]:
    table = {kind: status if kind in kinds else others for kind in KINDS}
    table.update(overrides)
    return table


def everyone(status: int, **overrides: int) -> dict[str, int]:
    return only(status, status, **overrides)


@dataclass(frozen=True)
class Case:
    method: str
    route: str  # as registered
    target: str  # which item fills {item_id}: see `_world`
    expect: dict[str, int]
    form: dict[str, Any] = field(default_factory=dict)
    json: dict[str, Any] | None = None


def _draft_form() -> dict[str, Any]:
    return {
        "org": "{org_a}",
        "title": "扫描起草",
        "category": "{cat}",
        "scope": "org_subtree",
        "body": "正文",
    }


TABLE: list[Case] = [
    Case("GET", "/disclosures", "-", everyone(200)),
    Case("GET", "/disclosures/feed.atom", "-", everyone(200)),
    Case("GET", "/disclosures/work", "-", everyone(200, visitor=303)),
    Case(
        "GET", "/disclosures/new", "-", only(200, 404, *STAFF_A, "sibling_secretary", visitor=303)
    ),
    Case("POST", "/disclosures/new", "-", only(303, 403, *STAFF_A), form=_draft_form()),
    Case("GET", "/disclosures/catalogue", "-", everyone(404)),
    Case("POST", "/disclosures/catalogue", "-", everyone(403), form={"key": "k", "name": "类"}),
    Case("GET", "/disclosures/{item_id:int}", "subtree_a", only(200, 404, *SEE_A)),
    Case("GET", "/disclosures/{item_id:int}", "public", everyone(200)),
    Case(
        "GET",
        "/disclosures/{item_id:int}",
        "subtree_b",
        only(200, 404, "member_b", "sibling_secretary", "committee_secretary"),
    ),
    Case("GET", "/disclosures/{item_id:int}", "draft_a", only(200, 404, *STAFF_A)),
    Case("GET", "/disclosures/{item_id:int}/edit", "draft_a", only(200, 404, *STAFF_A)),
    Case(
        "POST",
        "/disclosures/{item_id:int}/edit",
        "draft_a",
        only(303, 404, *STAFF_A),
        form=_draft_form(),
    ),
    Case("GET", "/disclosures/{item_id:int}/correct", "subtree_a", only(200, 404, *STAFF_A)),
    Case(
        "POST",
        "/disclosures/{item_id:int}/correct",
        "subtree_a",
        only(303, 404, *STAFF_A, member_a=403),
        form={"title": "更正后的标题", "body": "更正后的正文", "note": "扫描更正"},
    ),
    Case(
        "GET",
        "/disclosures/{item_id:int}/revisions/{number:int}",
        "subtree_a",
        only(200, 404, *SEE_A),
    ),
    Case(
        "POST",
        "/disclosures/{item_id:int}/feedback",
        "subtree_a",
        only(303, 404, *SEE_A),
        form={"body": "扫描反馈"},
    ),
    Case(
        "POST",
        "/disclosures/{item_id:int}/feedback/{feedback_id:int}/answer",
        "subtree_a",
        only(303, 404, *STAFF_A, member_a=403),
        form={"answer": "扫描答复", "public": "1"},
    ),
    Case("GET", "/disclosures/{item_id:int}/receipts", "subtree_a", only(200, 404, *STAFF_A)),
    Case("GET", "/disclosures/{item_id:int}/print", "subtree_a", only(200, 404, *SEE_A)),
    Case("POST", "/disclosures/{item_id:int}/{step:str}", "draft_a", only(303, 404, *STAFF_A)),
    Case(
        "POST",
        "/disclosures/{item_id:int}/{step:str}",
        "proposed_a",
        only(303, 404, *LEADERS_A, publisher=403),
        form={"checklist": CHECKLIST},
    ),
    Case(
        "POST",
        "/disclosures/{item_id:int}/{step:str}",
        "reviewed_public",
        only(303, 404, "committee_secretary", publisher=403, secretary=403),
    ),
    Case(
        "POST",
        "/disclosures/{item_id:int}/{step:str}",
        "public",
        everyone(403, secretary=303, committee_secretary=303),
        # 撤回 asks first: confirmed, so the sweep measures who may take the step.
        form={"reason": "扫描撤回", "confirmed": "1"},
    ),
    Case("GET", "/api/v1/disclosures", "-", everyone(200)),
    Case(
        "POST",
        "/api/v1/disclosures",
        "-",
        only(201, 403, *STAFF_A),
        json={
            "org_id": "{org_a}",
            "title": "API 扫描",
            "body": "正文",
            "category_id": "{cat}",
            "scope": "org_subtree",
        },
    ),
    Case("GET", "/api/v1/disclosures/{item_id}", "subtree_a", only(200, 404, *SEE_A)),
    Case(
        "POST",
        "/api/v1/disclosures/{item_id}/transitions",
        "proposed_a2",
        only(200, 404, *LEADERS_A, publisher=403),
        json={"step": "reject", "reason": "扫描退回"},
    ),
]
# The step each {step} row takes, in TABLE order.
STEPS = {
    "draft_a": "propose",
    "proposed_a": "review",
    "reviewed_public": "approve",
    "public": "withdraw",
}
SWEPT = {(c.method, c.route) for c in TABLE}


async def _world() -> dict[str, Any]:
    w = await make_world()
    t = w.tree
    subtree_a = await publish_through(w, await draft(w, title="甲支部内部事项"))
    public = await publish_through(
        w, await draft(w, scope="public", title="公开事项"), approver="committee_secretary"
    )
    b = await draft(w, by="sibling_secretary", org=t.branch_b, title="乙支部内部事项")
    b = await publish_through(
        w,
        b,
        reviewer="committee_secretary",
        approver="committee_secretary",
        publisher="sibling_secretary",
    )
    pub = await w.v("publisher")
    proposed = await actions.propose_disclosure(pub, await draft(w, title="待审核"))
    proposed2 = await actions.propose_disclosure(pub, await draft(w, title="待审核二"))
    reviewed = await actions.propose_disclosure(pub, await draft(w, scope="public", title="待审批"))
    reviewed = await actions.review_disclosure(await w.v("secretary"), reviewed, CHECKLIST)
    feedback = await actions.leave_feedback(await w.v("member_a"), subtree_a, "已有反馈")
    return {
        "ids": {
            "subtree_a": subtree_a.id,
            "public": public.id,
            "subtree_b": b.id,
            "draft_a": (await draft(w, title="草稿")).id,
            "proposed_a": proposed.id,
            "proposed_a2": proposed2.id,
            "reviewed_public": reviewed.id,
        },
        "feedback": feedback.id,
        "org_a": t.branch_a.id,
        "cat": (await category()).id,
    }


def _fill(value: str, world: dict[str, Any], case: Case) -> str:
    item = world["ids"].get(case.target, 0)
    for pattern in ("{item_id:int}", "{item_id}"):
        value = value.replace(pattern, str(item))
    return (
        value.replace("{number:int}", "1")
        .replace("{feedback_id:int}", str(world["feedback"]))
        .replace("{step:str}", STEPS.get(case.target, "x"))
        .replace("{org_a}", str(world["org_a"]))
        .replace("{cat}", str(world["cat"]))
    )


async def _request(client: Client, case: Case, world: dict[str, Any]) -> int:
    path = _fill(case.route, world, case)
    if case.method == "GET":
        return (await client.get(path)).status_code
    if case.json is not None:
        body = {
            k: int(_fill(v, world, case)) if isinstance(v, str) and v.startswith("{") else v
            for k, v in case.json.items()
        }
        return (await client.post_json(path, body)).status_code
    form = {k: _fill(v, world, case) if isinstance(v, str) else v for k, v in case.form.items()}
    return (await client.post_form(path, form)).status_code


@pytest.mark.parametrize("kind", KINDS)
async def test_disclosure_access_matches_table(client: Client, kind: str) -> None:
    world = await _world()
    if kind != "visitor":
        await client.login(kind)
    wrong = []
    for case in TABLE:
        status = await _request(client, case, world)
        if status != case.expect[kind]:
            wrong.append(
                f"{case.method} {case.route} [{case.target}]: got {status}, "
                f"table says {case.expect[kind]}"
            )
    assert wrong == [], f"as {kind}:\n" + "\n".join(wrong)
    report(
        f"transparency authorization sweep as {kind}: {len(TABLE)} cases, every answer as the table says"
    )


def test_every_disclosure_route_is_swept() -> None:
    from transparency.routes import routes

    served = {
        (method, r.path)
        for r in routes
        if isinstance(r, Route)
        for method in (r.methods or set()) - {"HEAD"}
    }
    assert served == SWEPT
