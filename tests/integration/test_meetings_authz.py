"""Authorization sweep of the meeting routes: the same viewer kinds as test_authz_sweep.py,
against a live plenary of branch A ("in"), one of the sibling branch B ("out") and an ended
meeting of branch A ("ended"). Rows run in order for each kind in its own world, so a row may
rely on the ones before it (check in, then speak, then vote). Every meeting route must appear.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import pytest
from starlette.routing import Route

from forum.models import User
from forum.viewer import viewer_for_user
from realtime.meetings import actions, qr
from realtime.meetings.models import RollEntry
from tests.figures import report
from tests.helpers import Client
from tests.integration.test_authz_sweep import KINDS, World, _world, everyone, only

pytestmark = pytest.mark.usefixtures("database", "services")

SEE_A = ("applicant", "activist", "probationary", "full", "sanctioned", "floating", "admin")
ATTEND_A = SEE_A
SPEAK_A = ("probationary", "full", "sanctioned", "floating", "admin")
VOTE_A = ("full", "admin")
HOST_A = ("admin",)


def see(status: int, allowed: tuple[str, ...], denied: int = 403, **extra: int) -> dict[str, int]:
    """`status` for `allowed`, 403 for those who see the meeting but may not act, else 404."""
    table = {k: status if k in allowed else (denied if k in SEE_A else 404) for k in KINDS}
    table.update(extra)
    return table


def _only(status: int, others: int, *kinds: str, **extra: int) -> dict[str, int]:
    table = only(status, others, *kinds)
    table.update(extra)
    return table


@dataclass(frozen=True)
class Row:
    method: str
    route: str  # as registered
    path: str  # with {meeting}, {vote}, {org} placeholders
    target: str  # "in", "out", "ended"
    expect: dict[str, int]
    form: dict[str, str] = field(default_factory=dict)
    json: dict[str, Any] | None = None


M = "/meetings/{meeting_id:int}"
TABLE: list[Row] = [
    Row("GET", "/meetings", "/meetings", "-", everyone(200)),
    Row("GET", "/orgs/{org_id:int}/meetings", "/orgs/{org}/meetings", "in", everyone(200)),
    Row(
        "GET",
        "/orgs/{org_id:int}/meetings/new",
        "/orgs/{org}/meetings/new",
        "in",
        only(200, 404, *HOST_A),
    ),
    Row(
        "GET",
        "/orgs/{org_id:int}/meetings/new",
        "/orgs/{org}/meetings/new",
        "out",
        only(200, 404, "sibling_admin"),
    ),
    Row(
        "POST",
        "/orgs/{org_id:int}/meetings",
        "/orgs/{org}/meetings",
        "in",
        only(303, 404, *HOST_A),
        form={"type": "theme_day", "title": "主题党日", "scheduled_at": "{later}"},
    ),
    Row("GET", M, "/meetings/{meeting}", "in", see(200, SEE_A)),
    Row("GET", M, "/meetings/{meeting}", "out", only(200, 404, "sibling_admin", "floating")),
    # The room's regions (the live room's in-place updates) answer exactly as the page does.
    Row("GET", M + "/regions", "/meetings/{meeting}/regions", "in", see(200, SEE_A)),
    Row(
        "GET",
        M + "/regions",
        "/meetings/{meeting}/regions?names=votes,roll",
        "out",
        only(200, 404, "sibling_admin", "floating"),
    ),
    Row("GET", M + "/minutes", "/meetings/{meeting}/minutes", "in", everyone(404)),
    Row("GET", M + "/minutes", "/meetings/{meeting}/minutes", "ended", see(200, SEE_A)),
    Row("GET", M + "/minutes.md", "/meetings/{meeting}/minutes.md", "ended", see(200, SEE_A)),
    Row("GET", M + "/minutes.html", "/meetings/{meeting}/minutes.html", "ended", see(200, SEE_A)),
    Row(
        "GET",
        "/api/v1/meetings/{meeting_id:int}",
        "/api/v1/meetings/{meeting}",
        "in",
        see(200, SEE_A),
    ),
    Row(
        "GET",
        "/api/v1/meetings/{meeting_id:int}",
        "/api/v1/meetings/{meeting}",
        "out",
        only(200, 404, "sibling_admin", "floating"),
    ),
    # QR check-in: the scan opens a confirm page (a visitor is sent to log in first), the
    # POST checks in; only hosts (and the recorder) fetch the rotating code.
    Row(
        "GET",
        M + "/checkin/qr",
        "/meetings/{meeting}/checkin/qr?code={code}",
        "in",
        see(200, SEE_A, visitor=303),
    ),
    Row("GET", M + "/qr", "/meetings/{meeting}/qr", "in", see(200, HOST_A, denied=404)),
    Row(
        "POST",
        M + "/checkin/qr",
        "/meetings/{meeting}/checkin/qr",
        "in",
        see(303, ATTEND_A),
        form={"code": "{code}"},
    ),
    Row(
        "POST",
        M + "/{verb:str}",
        "/meetings/{meeting}/record_attendance",
        "in",
        see(303, HOST_A, denied=403),
        form={"member_id": "{roll_member}"},
    ),
    Row(
        "POST",
        M + "/{verb:str}",
        "/meetings/{meeting}/record_in_person_count",
        "in",
        see(303, HOST_A, denied=403),
        form={"vote_id": "{vote}", "yes": "0", "no": "0", "abstain": "0"},
    ),
    Row("POST", M + "/{verb:str}", "/meetings/{meeting}/check_in", "in", see(409, ATTEND_A)),
    # A verb the table does not know: 404 for everyone, like a missing page.
    Row("POST", M + "/{verb:str}", "/meetings/{meeting}/teleport", "in", everyone(404)),
    Row("POST", M + "/{verb:str}", "/meetings/{meeting}/checkin", "in", everyone(404)),
    Row(
        "POST",
        M + "/{verb:str}",
        "/meetings/{meeting}/check_in",
        "out",
        only(303, 404, "floating", "sibling_admin"),
    ),
    Row(
        "POST",
        M + "/{verb:str}",
        "/meetings/{meeting}/message",
        "in",
        see(303, SPEAK_A),
        form={"body": "发言"},
    ),
    Row(
        "POST",
        "/api/v1/meetings/{meeting_id:int}/actions",
        "/api/v1/meetings/{meeting}/actions",
        "in",
        see(200, SPEAK_A, visitor=403),
        json={"action": "raise_hand", "data": {}},
    ),
    Row(
        "POST",
        M + "/{verb:str}",
        "/meetings/{meeting}/cast_ballot",
        "in",
        see(303, VOTE_A, denied=403),
        form={"vote_id": "{vote}", "choice": "yes"},
    ),
    Row(
        "POST",
        M + "/{verb:str}",
        "/meetings/{meeting}/create_vote",
        "in",
        see(303, HOST_A, denied=403),
        form={"kind": "motion", "title": "新议题"},
    ),
    Row(
        "POST",
        M + "/{verb:str}",
        "/meetings/{meeting}/create_vote",
        "out",
        _only(303, 404, "sibling_admin", floating=403),
        form={"kind": "motion", "title": "新议题"},
    ),
    Row(
        "POST",
        M + "/{verb:str}",
        "/meetings/{meeting}/lock",
        "in",
        see(303, HOST_A, denied=403),
        form={"locked": "1"},
    ),
    Row(
        "POST",
        M + "/{verb:str}",
        "/meetings/{meeting}/end",
        "out",
        _only(303, 404, "sibling_admin", floating=403),
        form={"confirmed": "1"},  # a confirmed step: the sweep measures authorization
    ),
    Row(
        "POST",
        M + "/{verb:str}",
        "/meetings/{meeting}/archive",
        "ended",
        see(303, HOST_A, denied=403),
        form={"confirmed": "1"},
    ),
]


@dataclass
class MeetingWorld:
    base: World
    ids: dict[str, int]
    vote_id: int
    roll_member_id: int  # a voter of the live plenary without an account


async def _meeting_world() -> MeetingWorld:
    base = await _world()
    tree = base.tree
    admin = await viewer_for_user((await User.get(username="admin")).id)
    sibling = await viewer_for_user((await User.get(username="sibling_admin")).id)
    soon = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=5)
    ids: dict[str, int] = {}
    for key, host, org in (("in", admin, tree.branch_a), ("out", sibling, tree.branch_b)):
        meeting = await actions.schedule_meeting(
            host, org, type="branch_plenary", title=f"会议{key}", scheduled_at=soon
        )
        ids[key] = (await actions.start_meeting(host, meeting)).id
    ended = await actions.schedule_meeting(
        admin, tree.branch_a, type="theme_day", title="已结束", scheduled_at=soon
    )
    ended = await actions.start_meeting(admin, ended)
    ids["ended"] = (await actions.end_meeting(admin, ended)).id
    from realtime.meetings.queries import get_meeting

    live = await get_meeting(ids["in"])
    vote = await actions.create_vote(admin, live, kind="motion", title="议题")
    await actions.open_vote(admin, live, vote)
    offline = await RollEntry.filter(meeting_id=live.id, user_id__isnull=True, voter=True).first()
    if offline is None:
        offline = await RollEntry.filter(meeting_id=live.id, voter=True).order_by("-id").first()
    assert offline is not None
    return MeetingWorld(base, ids, vote.id, offline.member_id)


def _fill(value: str, world: MeetingWorld, target: str) -> str:
    tree = world.base.tree
    org = tree.branch_b if target == "out" else tree.branch_a
    later = (dt.datetime.now(dt.UTC) + dt.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    return (
        value.replace("{meeting}", str(world.ids.get(target, 0)))
        .replace("{vote}", str(world.vote_id))
        .replace("{org}", str(org.id))
        .replace("{later}", later)
        .replace("{code}", qr.issue(world.ids.get(target, 0), dt.datetime.now(dt.UTC)))
        .replace("{roll_member}", str(world.roll_member_id))
    )


async def _request(client: Client, row: Row, world: MeetingWorld) -> int:
    path = _fill(row.path, world, row.target)
    if row.method == "GET":
        return (await client.get(path)).status_code
    if row.json is not None:
        return (await client.post_json(path, row.json)).status_code
    form = {k: _fill(v, world, row.target) for k, v in row.form.items()}
    return (await client.post_form(path, form)).status_code


@pytest.mark.parametrize("kind", KINDS)
async def test_meeting_access_matches_table(client: Client, kind: str) -> None:
    world = await _meeting_world()
    if kind != "visitor":
        await client.login(kind)
    wrong = []
    for row in TABLE:
        status = await _request(client, row, world)
        if status != row.expect[kind]:
            wrong.append(
                f"{row.method} {row.path} [{row.target}]: got {status}, table says "
                f"{row.expect[kind]}"
            )
    assert wrong == [], f"as {kind}:\n" + "\n".join(wrong)
    report(
        f"meetings authorization sweep as {kind}: {len(TABLE)} cases, every answer as the table says"
    )


def test_every_meeting_route_is_in_the_table() -> None:
    from realtime.meetings.routes import routes

    covered = {(row.method, row.route) for row in TABLE}
    missing = [
        f"{method} {route.path}"
        for route in routes
        if isinstance(route, Route)
        for method in sorted((route.methods or set()) - {"HEAD"})
        if (method, route.path) not in covered
    ]
    assert missing == []
