"""Authorization sweep for the forum: every board route x every viewer kind of the main sweep.

Worlds: a public site board and branch A's internal board (DEFAULT_ORG_MATRIX), each with a
topic of two posts by a branch-A deputy who is not one of the viewer kinds. The expected
statuses follow the matrix: outsiders get 404 (hidden things look missing), insiders without
the right get 403. `test_authz_sweep.py` exempts exactly the routes covered here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest
from starlette.routing import Mount, Route, WebSocketRoute

from forum.boards import actions, queries
from forum.boards.models import Attachment, Board, BoardModerator, Bookmark, Post, Topic
from tests.boards_helpers import png_bytes, reply_to, start_topic, upload
from tests.factories import viewer_of
from tests.figures import report
from tests.helpers import Client
from tests.integration.test_authz_sweep import KINDS, World, _world

# moderator_elsewhere holds a moderator role in branch C: no standing in branch A.
OUTSIDERS = ("visitor", "sibling_admin", "moderator_elsewhere")
# Who reads branch A's board: its members (any status), the hosted floating member, its admin.
READERS = [k for k in KINDS if k not in OUTSIDERS]
STARTERS = ("probationary", "full", "floating", "admin")  # probationary+, not sanctioned
REPLIERS = ("activist", *STARTERS)
MODERATORS = ("admin",)  # the org admin of branch A
ATTACHERS = STARTERS  # DEFAULT_ORG_MATRIX: probationary+, org only, not sanctioned


def inside(ok: int, refused: int, allowed: tuple[str, ...] | list[str]) -> dict[str, int]:
    """Status per kind on branch A's board: outsiders 404, insiders `ok` or `refused`."""
    return {k: 404 if k in OUTSIDERS else ok if k in allowed else refused for k in KINDS}


def everyone(status: int, **overrides: int) -> dict[str, int]:
    return {k: overrides.get(k, status) for k in KINDS}


def members(status: int, visitor: int) -> dict[str, int]:
    return everyone(status, visitor=visitor)


def only(status: int, others: int, *kinds: str) -> dict[str, int]:
    return {k: status if k in kinds else others for k in KINDS}


@dataclass(frozen=True)
class Case:
    method: str
    route: str  # as registered
    path: str  # with {pub_board}, {in_board}, {pub_topic}, {in_topic}, {mod_grant}, {branch}
    expect: dict[str, int]
    form: dict[str, str] = field(default_factory=dict)
    json: dict[str, Any] | None = None
    upload: bool = False  # multipart `file` (a PNG) with the CSRF header, like the JS picker


# Irreversible steps ask first (forum.answers); the sweep takes them confirmed.
CONFIRMED = {"confirmed": "1"}

MATRIX_FORM = {
    f"{verb}_{part}": value
    for verb, rule in actions.DEFAULT_ORG_MATRIX.items()
    for part, value in (
        zip(
            ("status", "scope", "deny_sanctioned"),
            (*rule[:2], "on" if rule[2] else ""),
            strict=True,
        )
        if rule
        else [("status", "none")]
    )
}

B = "/forum/b/{board_id:int}"
T = "/t/{topic_id:int}"
P = "/t/{topic_id:int}/{number:int}"
API_P = "/api/v1/topics/{topic_id:int}/posts/{number:int}"
TABLE: list[Case] = [
    Case("GET", "/forum", "/forum", everyone(200)),
    Case("GET", "/forum/search", "/forum/search?q=基层党建", everyone(301)),  # to /search
    Case("GET", "/forum/notifications", "/forum/notifications", members(200, visitor=404)),
    Case("POST", "/forum/notifications/read", "/forum/notifications/read", members(303, 403)),
    Case("GET", "/forum/boards/new", "/forum/boards/new", only(200, 404, "admin", "sibling_admin")),
    Case(
        "POST",
        "/forum/boards/new",
        "/forum/boards/new",
        only(303, 404, "admin"),
        form={"name": "甲支部新版块", "kind": "discussion", "org_id": "{branch}"},
    ),
    Case("GET", B, "/forum/b/{pub_board}", everyone(200)),
    Case("GET", B, "/forum/b/{in_board}", inside(200, 200, READERS)),
    Case("GET", B + "/new", "/forum/b/{pub_board}/new", members(200, visitor=403)),
    Case("GET", B + "/new", "/forum/b/{in_board}/new", inside(200, 403, STARTERS)),
    Case(
        "POST",
        B + "/new",
        "/forum/b/{in_board}/new",
        inside(303, 403, STARTERS),
        form={"title": "支部新主题", "body": "正文"},
    ),
    Case("GET", B + "/grants", "/forum/b/{in_board}/grants", only(200, 404, "admin")),
    Case("POST", B + "/grants", "/forum/b/{in_board}/grants", only(303, 404, "admin"), MATRIX_FORM),
    Case(
        "POST",
        B + "/moderators",
        "/forum/b/{in_board}/moderators",
        only(303, 404, "admin"),
        form={"username": "deputy_a"},
    ),
    Case(
        "POST",
        B + "/moderators/{grant_id:int}/delete",
        "/forum/b/{in_board}/moderators/{mod_grant}/delete",
        only(303, 404, "admin"),
        form=CONFIRMED,
    ),
    Case("GET", B + "/feed.atom", "/forum/b/{pub_board}/feed.atom", everyone(200)),
    Case("GET", B + "/feed.atom", "/forum/b/{in_board}/feed.atom", everyone(404)),
    Case("GET", T, "/t/{pub_topic}", everyone(200)),
    Case("GET", T, "/t/{in_topic}", inside(200, 200, READERS)),
    Case("GET", T + "/unread", "/t/{in_topic}/unread", inside(303, 303, READERS)),
    Case("GET", T + "/reply", "/t/{in_topic}/reply", inside(200, 403, REPLIERS)),
    Case("GET", T + "/reply", "/t/{pub_topic}/reply?quote=1", members(200, visitor=403)),
    Case(
        "POST",
        T + "/reply",
        "/t/{in_topic}/reply",
        inside(303, 403, REPLIERS),
        form={"body": "回复"},
    ),
    Case("GET", P, "/t/{in_topic}/2", inside(303, 303, READERS)),
    Case("GET", P + "/history", "/t/{in_topic}/2/history", inside(200, 200, READERS)),
    Case("GET", P + "/likes", "/t/{in_topic}/2/likes", inside(200, 200, READERS)),
    Case("GET", P + "/likes", "/t/{pub_topic}/2/likes?fragment=1", everyone(200)),
    # Bookmarks: private, so any signed-in reader (sanctioned and silenced too).
    Case("POST", P + "/{action:str}", "/t/{in_topic}/2/bookmark", inside(303, 303, READERS)),
    Case("POST", T + "/{action:str}", "/t/{in_topic}/bookmark", inside(303, 303, READERS)),
    Case("POST", T + "/{action:str}", "/t/{pub_topic}/bookmark", members(303, 403)),
    Case("GET", "/me/bookmarks", "/me/bookmarks", members(200, 303)),
    # Someone else's bookmark looks missing; a visitor has none.
    Case(
        "POST",
        "/me/bookmarks/{bookmark_id:int}/delete",
        "/me/bookmarks/{bookmark}/delete",
        members(404, 403),
    ),
    Case("GET", P + "/edit", "/t/{in_topic}/2/edit", inside(200, 403, MODERATORS)),
    Case(
        "POST",
        P + "/edit",
        "/t/{in_topic}/2/edit",
        inside(303, 403, MODERATORS),
        form={"body": "版主修改"},
    ),
    Case("POST", P + "/{action:str}", "/t/{in_topic}/2/like", inside(303, 303, READERS)),
    Case("POST", P + "/{action:str}", "/t/{pub_topic}/2/like", members(303, 403)),
    Case(
        "POST",
        P + "/{action:str}",
        "/t/{in_topic}/2/hide",
        inside(303, 403, MODERATORS),
        form={"hidden": "1", **CONFIRMED},
    ),
    Case(
        "POST",
        P + "/{action:str}",
        "/t/{in_topic}/2/delete",
        inside(303, 403, MODERATORS),
        form=CONFIRMED,
    ),
    Case(
        "POST",
        T + "/{action:str}",
        "/t/{in_topic}/pin",
        inside(303, 403, MODERATORS),
        {"value": "1"},
    ),
    Case(
        "POST",
        T + "/{action:str}",
        "/t/{pub_topic}/close",
        everyone(403),
        form={"value": "1"},
    ),
    Case("GET", "/api/v1/boards", "/api/v1/boards", everyone(200)),
    Case(
        "GET",
        "/api/v1/boards/{board_id:int}/topics",
        "/api/v1/boards/{in_board}/topics",
        inside(200, 200, READERS),
    ),
    Case(
        "POST",
        "/api/v1/boards/{board_id:int}/topics",
        "/api/v1/boards/{in_board}/topics",
        inside(201, 403, STARTERS),
        json={"title": "接口主题", "body": "正文"},
    ),
    Case(
        "GET",
        "/api/v1/topics/{topic_id:int}",
        "/api/v1/topics/{in_topic}",
        inside(200, 200, READERS),
    ),
    Case(
        "POST",
        "/api/v1/topics/{topic_id:int}/posts",
        "/api/v1/topics/{in_topic}/posts",
        inside(201, 403, REPLIERS),
        json={"body": "接口回复"},
    ),
    Case(
        "PATCH",
        API_P,
        "/api/v1/topics/{in_topic}/posts/1",
        inside(200, 403, MODERATORS),
        json={"body": "改"},
    ),
    Case("DELETE", API_P, "/api/v1/topics/{in_topic}/posts/1", inside(200, 403, MODERATORS)),
    Case("GET", "/api/v1/notifications", "/api/v1/notifications", members(200, 403)),
    Case("GET", "/api/v1/search", "/api/v1/search?q=党建", everyone(200)),
    # Attachments: uploading follows the `attach` row (public board: activist+, logged in;
    # branch board: probationary+, org only, not sanctioned); a file is as visible as its post.
    Case(
        "POST",
        "/api/v1/boards/{board_id:int}/attachments",
        "/api/v1/boards/{pub_board}/attachments",
        everyone(201, visitor=403, applicant=403),
        upload=True,
    ),
    Case(
        "POST",
        "/api/v1/boards/{board_id:int}/attachments",
        "/api/v1/boards/{in_board}/attachments",
        inside(201, 403, ATTACHERS),
        upload=True,
    ),
    Case(
        "GET",
        "/api/v1/attachments/{attachment_id:int}",
        "/api/v1/attachments/{in_file}",
        inside(200, 200, READERS),
    ),
    Case(
        "GET",
        "/api/v1/attachments/{attachment_id:int}",
        "/api/v1/attachments/{pub_file}",
        everyone(200),
    ),
    Case(
        "GET",
        "/attachments/{attachment_id:int}/{filename:str}",
        "/attachments/{in_file}/a.png",
        inside(200, 200, READERS),
    ),
    Case(
        "GET",
        "/attachments/{attachment_id:int}/{filename:str}",
        "/attachments/{draft_file}/a.png",
        inside(200, 404, MODERATORS),  # not yet in a post: its uploader and moderators only
    ),
    Case(
        "POST",
        "/attachments/{attachment_id:int}/delete",
        "/attachments/{in_file}/delete",
        inside(303, 403, MODERATORS),
        form=CONFIRMED,
    ),
    # The composer: preview and suggestions for anyone who may write; drafts follow the
    # reply right; a draft is one's own, so discarding it is open to every account.
    Case(
        "POST",
        "/api/v1/preview",
        "/api/v1/preview",
        members(200, visitor=403),
        json={"body": "**预览**"},
    ),
    Case(
        "POST",
        "/api/v1/drafts",
        "/api/v1/drafts",
        inside(200, 403, REPLIERS),
        json={"topic_id": "{in_topic}", "body": "草稿"},
    ),
    Case(
        "POST",
        "/api/v1/drafts",
        "/api/v1/drafts",
        members(200, visitor=403),
        json={"board_id": "{pub_board}", "title": "新主题草稿", "body": "草稿"},
    ),
    Case("GET", "/api/v1/users/suggest", "/api/v1/users/suggest?q=党", members(200, visitor=403)),
    Case(
        "GET",
        "/api/v1/users/suggest",
        "/api/v1/users/suggest?q=党&topic={in_topic}",
        inside(200, 200, READERS),
    ),
    Case(
        "POST",
        "/forum/drafts/discard",
        "/forum/drafts/discard",
        members(303, 403),
        form={"key": "reply:{in_topic}", **CONFIRMED},
    ),
    # Last: hiding the topic (only its moderators may; the flows tests check the effect).
    Case(
        "POST",
        T + "/{action:str}",
        "/t/{in_topic}/hide",
        inside(303, 403, MODERATORS),
        {"value": "1", **CONFIRMED},
    ),
]

# Read by test_authz_sweep.py: the routes this file sweeps.
COVERED = {(case.method, case.route) for case in TABLE}


@dataclass
class BoardWorld:
    base: World
    ids: dict[str, int]


async def _board_world() -> BoardWorld:
    from forum.models import User

    base = await _world()
    deputy = await User.get(username="deputy_a")
    public = await actions.do_create_board("学习园地", matrix=actions.PUBLIC_MATRIX)
    branch = await actions.do_create_board(
        "甲支部内部交流", org=base.tree.branch_a, matrix=actions.DEFAULT_ORG_MATRIX
    )
    topics: list[Topic] = []
    for board in (public, branch):
        topic = await start_topic(board, deputy, "推进基层党建工作", "开篇")
        await reply_to(topic, deputy, "第二楼")
        topics.append(topic)
    grant = await BoardModerator.create(board=branch, user=await User.get(username="deputy_b"))
    files = {}
    for key, board, topic in (("in_file", branch, topics[1]), ("pub_file", public, topics[0])):
        attachment = await upload(board, deputy)
        first = await Post.get(topic_id=topic.id, number=1)
        await Attachment.filter(id=attachment.id).update(post_id=first.id)
        files[key] = attachment.id
    files["draft_file"] = (await upload(branch, deputy)).id
    deputy_viewer = await viewer_of(deputy)
    await actions.toggle_bookmark(
        deputy_viewer, await queries.get_topic_for(deputy_viewer, topics[0].id)
    )
    files["bookmark"] = (await Bookmark.get(user_id=deputy.id)).id
    ids = {
        "pub_board": public.id,
        "in_board": branch.id,
        "pub_topic": topics[0].id,
        "in_topic": topics[1].id,
        "mod_grant": grant.id,
        "branch": base.tree.branch_a.id,
        **files,
    }
    return BoardWorld(base, ids)


def _fill(text: str, world: BoardWorld) -> str:
    for key, value in world.ids.items():
        text = text.replace("{" + key + "}", str(value))
    return text


async def _request(client: Client, case: Case, world: BoardWorld) -> int:
    path = _fill(case.path, world)
    if case.method == "GET":
        return (await client.get(path)).status_code
    if case.upload:
        return (
            await client.http.post(
                path,
                files={"file": ("图.png", png_bytes())},
                headers={"X-CSRF-Token": await client.csrf()},
            )
        ).status_code
    if case.json is not None:
        body = {
            k: int(_fill(v, world)) if isinstance(v, str) and v.startswith("{") else v
            for k, v in case.json.items()
        }
        return (await client.request_json(case.method, path, body)).status_code
    if case.method == "DELETE":
        return (await client.request_json("DELETE", path)).status_code
    form = {k: _fill(v, world) for k, v in case.form.items()}
    return (await client.post_form(path, form)).status_code


@pytest.mark.parametrize("kind", KINDS)
async def test_board_access_matches_table(client: Client, kind: str) -> None:
    world = await _board_world()
    if kind != "visitor":
        await client.login(kind)
    wrong = []
    for case in TABLE:
        status = await _request(client, case, world)
        if status != case.expect[kind]:
            wrong.append(f"{case.method} {case.path}: got {status}, table says {case.expect[kind]}")
    assert wrong == [], f"as {kind}:\n" + "\n".join(wrong)
    report(
        f"boards authorization sweep as {kind}: {len(TABLE)} cases, every answer as the table says"
    )
    assert await Board.all().count() == (3 if kind == "admin" else 2)


def test_every_board_route_is_in_the_table() -> None:
    from forum.boards.routes import routes
    from forum.boards.steering_routes import routes as steering_routes

    # Topic steering (/moderation/topics/...) is swept with the moderation pages in
    # tests/integration/test_authz_sweep.py.
    declared = {
        (method, route.path)
        for route in routes
        if isinstance(route, Route)
        and not isinstance(route, Mount | WebSocketRoute)
        and route not in steering_routes
        for method in (route.methods or set()) - {"HEAD"}
    }
    assert declared - COVERED == set()
