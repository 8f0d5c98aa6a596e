"""Authorization sweep of every learning route: pages and API x viewer kinds, against items of
branch A (drafts, pending and published), of the committee above it and of the sibling
branch B. Expected answers come from the declarative TABLE; a route of the part missing
from it fails (`test_every_learning_route_is_swept`). The foundation's sweep exempts exactly
`SWEPT`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest
from starlette.routing import Route

from forum.learning import actions
from forum.learning.models import Course
from forum.models import Member
from tests.figures import report
from tests.helpers import Client
from tests.integration.learning_fixtures import PEOPLE, deadline, make_world

KINDS = ["anonymous", *PEOPLE]
SEE_A = ("applicant_a", "activist_a", "member_a", "publisher", "secretary", "committee_secretary")
STAFF_A = ("publisher", "secretary", "committee_secretary")
LEADERS_A = ("secretary", "committee_secretary")
STUDENTS = (*SEE_A, "member_b", "sibling_secretary")


def only(status: int, others: int, *kinds: str, **overrides: int) -> dict[str, int]:
    table = {kind: status if kind in kinds else others for kind in KINDS}
    table.update(overrides)
    return table


def page(status: int, others: int, *kinds: str, **overrides: int) -> dict[str, int]:
    """An HTML page: signed out goes to the login, an account without a member record (and
    no staff role) is refused before anything is looked up."""
    return only(status, others, *kinds, **{"anonymous": 303, "visitor": 403, **overrides})


def api(status: int, others: int, *kinds: str) -> dict[str, int]:
    return only(status, others, *kinds, anonymous=403, visitor=403)


@dataclass(frozen=True)
class Case:
    method: str
    route: str
    target: str  # fills {rid}/{cid}/{mid}/{aid}: see `_world`
    expect: dict[str, int]
    form: dict[str, Any] = field(default_factory=dict)
    json: dict[str, Any] | None = None


ARTICLE = {"org_id": "{org_a}", "kind": "article", "title": "扫描文章", "body": "正文"}
COURSE = {"org_id": "{org_a}", "title": "扫描课程"}
BEAT = {"tab": "sweep", "position": 0, "visible": True, "active": True}
R = "/learning/r/{rid:int}"
C = "/learning/c/{cid:int}"

TABLE: list[Case] = [
    Case("GET", "/learning", "-", page(200, 200)),
    Case("GET", "/learning/new", "-", page(200, 403, *STAFF_A, "sibling_secretary")),
    Case("POST", "/learning/new", "-", page(303, 403, *STAFF_A), form=ARTICLE),
    Case("GET", "/learning/me", "-", page(200, 200)),
    Case("GET", "/learning/dashboard", "-", page(200, 403, *LEADERS_A, "sibling_secretary")),
    Case("GET", "/learning/dashboard?org={org_a}", "-", page(200, 403, *LEADERS_A)),
    Case("GET", "/learning/dashboard.xlsx?org={org_a}", "-", page(200, 403, *LEADERS_A)),
    Case(
        "POST",
        "/learning/assign",
        "-",
        page(303, 403, *LEADERS_A),
        form={"org_id": "{org_a}", "target": "c:{course_a}", "deadline": "{deadline}"},
    ),
    Case("GET", "/learning/member/{mid:int}", "member_a", page(200, 404, "member_a", *LEADERS_A)),
    Case("GET", "/learning/media/{rid:int}", "video_a", only(200, 404, *SEE_A)),
    Case("GET", R, "article_a", page(200, 404, *SEE_A)),
    Case("GET", R, "committee_article", page(200, 404, *STUDENTS)),
    Case(
        "GET",
        R,
        "article_b",
        page(200, 404, "member_b", "sibling_secretary", "committee_secretary"),
    ),
    Case("GET", R, "draft_a", page(200, 404, *STAFF_A)),
    Case("POST", "/learning/courses/new", "-", page(303, 403, *STAFF_A), form=COURSE),
    Case("GET", C, "course_a", page(200, 404, *SEE_A)),
    Case("GET", C, "course_draft", page(200, 404, *STAFF_A)),
    Case(
        "POST",
        C + "/lessons",
        "course_draft",
        page(303, 404, *STAFF_A),
        form={"resource_id": "{article_a}", "hours_tenths": "10"},
    ),
    Case(
        "POST",
        C + "/questions",
        "course_draft",
        page(303, 404, *STAFF_A),
        form={"kind": "truefalse", "text": "扫描题", "answer": "A"},
    ),
    Case("POST", C + "/quiz", "course_a", page(303, 404, *SEE_A)),
    Case("GET", C + "/quiz/{aid:int}", "course_a", page(200, 404, "member_a")),
    Case("POST", C + "/quiz/{aid:int}", "course_a", page(303, 404, "member_a"), form={"q0": "0"}),
    Case("GET", "/api/v1/learning/resources", "-", api(200, 200)),
    Case("GET", "/api/v1/learning/resources/{resource_id:int}", "article_a", api(200, 404, *SEE_A)),
    Case(
        "POST",
        "/api/v1/learning/resources/{resource_id:int}/beat",
        "article_a",
        api(200, 404, *SEE_A),
        json=BEAT,
    ),
    Case("GET", "/api/v1/learning/me", "-", api(200, 200)),
    # The steps change state: last, each on its own item.
    Case("POST", R + "/{verb}", "draft_a:submit", page(303, 404, *STAFF_A)),
    Case("POST", R + "/{verb}", "pending_a:approve", page(303, 404, *STAFF_A, publisher=403)),
    Case(
        "POST",
        R + "/{verb}",
        "article_a:withdraw",
        page(303, 403, *LEADERS_A, member_b=404, sibling_secretary=404),
    ),
    Case("POST", C + "/{verb}", "course_draft:submit", page(303, 404, *STAFF_A)),
]
SWEPT = {(c.method, c.route.split("?")[0]) for c in TABLE}


async def _world() -> dict[str, Any]:
    w = await make_world()
    member_a = await w.v("member_a")
    attempt = await actions.start_quiz(member_a, await Course.get(id=w.ids["course_a"]))
    ids = dict(w.ids)
    ids["member_a"] = (await Member.get(user_id=w.users["member_a"].id)).id
    ids["aid"] = attempt.id
    return ids


def _fill(value: str, ids: dict[str, Any], case: Case) -> str:
    name, _, verb = case.target.partition(":")
    item = str(ids.get(name, 0))
    for pattern in ("{rid:int}", "{cid:int}", "{mid:int}", "{resource_id:int}"):
        value = value.replace(pattern, item)
    return (
        value.replace("{verb}", verb)
        .replace("{aid:int}", str(ids["aid"]))
        .replace("{org_a}", str(ids["org_a"]))
        .replace("{course_a}", str(ids["course_a"]))
        .replace("{article_a}", str(ids["article_a"]))
        .replace("{deadline}", deadline())
    )


async def _request(client: Client, case: Case, ids: dict[str, Any]) -> int:
    path = _fill(case.route, ids, case)
    if case.method == "GET":
        return (await client.get(path)).status_code
    if case.json is not None:
        return (await client.post_json(path, case.json)).status_code
    form = {k: _fill(v, ids, case) for k, v in case.form.items()}
    return (await client.post_form(path, form)).status_code


@pytest.mark.parametrize("kind", KINDS)
async def test_learning_access_matches_table(client: Client, kind: str) -> None:
    ids = await _world()
    if kind != "anonymous":
        await client.login(kind)
    wrong = []
    for case in TABLE:
        status = await _request(client, case, ids)
        if status != case.expect[kind]:
            wrong.append(
                f"{case.method} {case.route} [{case.target}]: got {status}, "
                f"table says {case.expect[kind]}"
            )
    assert wrong == [], f"as {kind}:\n" + "\n".join(wrong)
    report(
        f"learning authorization sweep as {kind}: {len(TABLE)} cases, every answer as the table says"
    )


def test_every_learning_route_is_swept() -> None:
    from forum.learning.routes import routes

    served = {
        (method, r.path)
        for r in routes
        if isinstance(r, Route)
        for method in (r.methods or set()) - {"HEAD"}
    }
    assert served == SWEPT
