"""The Big List of Naughty Strings through every text field of every JSON API operation and
of the parts' HTML forms.

API fields are derived from /api/v1/openapi.json: every string property of every request
body (nested objects and arrays included) and every string query parameter, so a new field
is swept automatically; a new operation without an entry in OPERATIONS fails the test.
HTML form fields are listed explicitly in FORMS.

For each (string, field): no 5xx, and either the value is stored as sent (read back equal,
modulo the documented normalisation: NFC/NFKC, stripping, whitespace collapsing, and for
the word filter its masking) or the answer is a 4xx with a clear message (a JSON error for
the API, a Chinese message for pages) and nothing was written.

To stay within about a minute on SQLite each field gets a deterministic slice of the list
(consecutive slices, so the fields together cover every string) plus a fixed core of the
strings most likely to break things. The counts are printed.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import itertools
import random
import re
import time
import unicodedata
from collections.abc import Awaitable, Callable
from typing import Any

import httpx

from forum import idcard
from forum.demo import seed_demo
from forum.models import Org, User
from tests.corpora import naughty_strings
from tests.helpers import Client

STRINGS = naughty_strings()
PER_FIELD = 12  # a slice of the list per field, plus CORE
CORE_INDEXES = (0, 2, 97, 180, 300, 420, len(STRINGS) - 1)


def _core() -> list[str]:
    extra = [" ", "\u200b", "a" * 10_000, "\x00", "<script>alert(1)</script>", "'; DROP TABLE x;--"]
    return [STRINGS[i] for i in CORE_INDEXES] + extra


def strings_for(field_index: int, field_count: int) -> list[str]:
    """Field i's slice starts at i * step: with PER_FIELD >= step the slices cover the list."""
    step = -(-len(STRINGS) // field_count)
    start = field_index * step
    chosen = [STRINGS[(start + k) % len(STRINGS)] for k in range(max(PER_FIELD, step))]
    return list(dict.fromkeys(chosen + _core()))


def normalisations(value: str) -> set[str]:
    """What a stored value may legitimately look like after the documented normalisation."""
    out = {value}
    for form in ("NFC", "NFKC"):
        out.add(unicodedata.normalize(form, value))
    for v in sorted(out):
        out.add(v.strip())
        out.add(" ".join(v.split()))
        out.add(v.replace("\r\n", "\n").strip())
    return out


def refused_clearly(response: httpx.Response, *, api: bool) -> bool:
    if not 400 <= response.status_code < 500:
        return False
    if api:
        try:
            body = response.json()
        except ValueError:
            return False
        return isinstance(body, dict) and bool(body.get("error"))
    return re.search(r"[\u4e00-\u9fff]", response.text) is not None


# --- The world: the demo data, and the objects each operation acts on -----------------------


@dataclasses.dataclass
class World:
    ids: dict[str, int]
    clients: dict[str, Client]

    async def as_(self, username: str | None) -> Client:
        return self.clients[username or "-"]


async def build_world(app: Any) -> World:
    started = time.monotonic()
    await seed_demo(progress=lambda _: None)
    print(f"\ndemo seeded in {time.monotonic() - started:.1f}s")
    from forum.boards.models import Board, Post, Topic
    from moderation.models import Sanction
    from realtime.meetings.models import Meeting
    from transparency.models import Disclosure, DisclosureCategory

    branch = await Org.get(name="第一党支部")
    board = await Board.get(name="学习园地")
    publicity = await User.get(username="publicity")
    topic = await Topic.filter(board_id=board.id).order_by("id").first()
    assert topic is not None
    post = await Post.create(
        topic_id=topic.id,
        number=topic.last_number + 1,
        author_id=publicity.id,
        body_raw="原文",
        body_html="<p>原文</p>",
    )
    await Topic.filter(id=topic.id).update(last_number=topic.last_number + 1)
    member = await User.get(username="full_member")
    from forum.models import Member

    record = await Member.get(user_id=member.id)
    meeting = await Meeting.filter(status="live").order_by("id").first()
    category = await DisclosureCategory.filter(is_active=True).order_by("id").first()
    draft = await Disclosure.filter(state="draft").order_by("id").first()
    sanction = await Sanction.all().order_by("id").first()
    ids = {
        "branch": branch.id,
        "board": board.id,
        "topic": topic.id,
        "member": record.id,
        "meeting": meeting.id if meeting else 0,
        "category": category.id if category else 0,
        "draft": draft.id if draft else 0,
        "sanction": sanction.id if sanction else 0,
    }
    ids["post_topic"], ids["post_number"] = post.topic_id, post.number
    clients: dict[str, Client] = {"-": Client(app)}
    for name in ("publicity", "secretary", "moderator", "full_member", "publisher", "admin"):
        clients[name] = Client(app)
        await clients[name].login(name)
    return World(ids, clients)


# --- API operations: who calls them, on what, with which valid base request ----------------

Reader = Callable[[World, httpx.Response, str], Awaitable[str | None]]


@dataclasses.dataclass
class Op:
    actor: str | None
    path: Callable[[World], str]
    body: Callable[[World], dict[str, Any]] = lambda w: {}
    read: Reader | None = None  # stored value of a field after a 2xx; default: the echo
    extra: tuple[str, ...] = ()  # free-form string fields the schema leaves open (data.body)
    # Runs before every request: a fresh target for operations that work only once per
    # object (flag a post, resolve a review item, lift a sanction).
    fresh: Callable[[World], Awaitable[None]] | None = None


_serial = itertools.count(1)


def _id_number() -> str:
    """A valid, never repeated resident ID number (the register refuses duplicates)."""
    n = next(_serial)
    rng = random.Random(n)
    return idcard.generate(rng, dt.date(1990, 1, 1) + dt.timedelta(days=n), "M", region="110101")


async def _fresh_post(world: World) -> None:
    from forum.boards.models import Post, Topic

    topic = await Topic.get(id=world.ids["topic"])
    number = topic.last_number + 1
    await Topic.filter(id=topic.id).update(last_number=number)
    post = await Post.create(
        topic_id=topic.id,
        number=number,
        author_id=world.ids["publicity_user"],
        body_raw="待举报的回帖",
        body_html="<p>待举报的回帖</p>",
    )
    world.ids["fresh_post"] = post.id


async def _fresh_review_item(world: World) -> None:
    from moderation import hooks

    await _fresh_post(world)
    item = await hooks.enqueue_review("post", world.ids["fresh_post"], source="flags")
    world.ids["review_item"] = item.id


async def _fresh_draft(world: World) -> None:
    from transparency.models import Disclosure

    draft = await Disclosure.create(
        title="语料草稿",
        category_id=world.ids["category"],
        org_id=world.ids["branch"],
        scope="public",
        publish_from=dt.datetime.now(dt.UTC),
        body_raw="正文",
        body_html="<p>正文</p>",
        search_text="语料草稿\n正文",
        created_by_id=world.ids["publisher_user"],
    )
    world.ids["draft"] = draft.id


async def _fresh_feedback(world: World) -> None:
    from transparency.models import Feedback

    feedback = await Feedback.create(
        disclosure_id=world.ids["correctable"],
        author_id=world.ids["publicity_user"],
        body_raw="语料反馈",
        body_html="<p>语料反馈</p>",
    )
    world.ids["feedback"] = feedback.id


async def _fresh_in_state(world: World, state: str) -> None:
    """A branch item in `state`, proposed by the publisher, for the secretary's steps."""
    from transparency.models import Disclosure

    item = await Disclosure.create(
        title="语料事项",
        category_id=world.ids["category"],
        org_id=world.ids["branch"],
        scope="org_subtree",
        state=state,
        publish_from=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1),
        body_raw="正文",
        body_html="<p>正文</p>",
        search_text="语料事项\n正文",
        created_by_id=world.ids["publisher_user"],
        proposed_by_id=world.ids["publisher_user"],
    )
    world.ids["stepped"] = item.id


async def _fresh_proposed(world: World) -> None:
    await _fresh_in_state(world, "proposed")


async def _fresh_published(world: World) -> None:
    await _fresh_in_state(world, "published")


async def _fresh_sanction(world: World) -> None:
    from moderation.models import Sanction

    sanction = await Sanction.create(
        user_id=world.ids["floating_user"],
        kind="silence",
        reason="语料测试",
        starts_at=dt.datetime.now(dt.UTC),
        ends_at=dt.datetime.now(dt.UTC) + dt.timedelta(days=1),
        created_by_id=world.ids["moderator_user"],
    )
    world.ids["sanction"] = sanction.id


async def _no_site_pins(world: World) -> None:
    from moderation.models import SitePin

    await SitePin.all().delete()


def _echo(data: Any, path: str) -> str | None:
    """The value at `path` ("a", "a.b", "a[].b", "a[]") in the response, or under one wrapper
    object ({"item": {...}}); None when the response does not echo the field."""
    steps: list[str | int] = []
    for part in path.split("."):
        if part.endswith("[]"):
            steps += [part[:-2], 0]
        else:
            steps.append(part)

    def at(node: Any) -> str | None:
        for step in steps:
            if isinstance(step, int):
                if not isinstance(node, list) or not node:
                    return None
                node = node[step]
            elif isinstance(node, dict) and step in node:
                node = node[step]
            else:
                return None
        return node if isinstance(node, str) else None

    found = at(data)
    if found is None and isinstance(data, dict):
        for wrapped in data.values():
            if isinstance(wrapped, dict) and (found := at(wrapped)) is not None:
                break
    return found


OPERATIONS: dict[str, Op] = {
    "POST /api/v1/orgs": Op(
        "admin", lambda w: "/api/v1/orgs", lambda w: {"kind": "group", "parent_id": w.ids["branch"]}
    ),
    "GET /api/v1/boards/{board_id}/topics": Op(
        "full_member", lambda w: f"/api/v1/boards/{w.ids['board']}/topics"
    ),
    "POST /api/v1/boards/{board_id}/topics": Op(
        "publicity",
        lambda w: f"/api/v1/boards/{w.ids['board']}/topics",
        lambda w: {"title": "语料标题", "body": "语料正文"},
    ),
    "POST /api/v1/topics/{topic_id}/posts": Op(
        "publicity", lambda w: f"/api/v1/topics/{w.ids['topic']}/posts"
    ),
    "PATCH /api/v1/topics/{topic_id}/posts/{number}": Op(
        "publicity",
        lambda w: f"/api/v1/topics/{w.ids['post_topic']}/posts/{w.ids['post_number']}",
        lambda w: {"body": f"修改后的正文 {next(_serial)}", "reason": "修改原因"},
    ),
    "GET /api/v1/search": Op("full_member", lambda w: "/api/v1/search"),
    "GET /api/v1/members": Op("secretary", lambda w: "/api/v1/members"),
    "POST /api/v1/members": Op(
        "secretary",
        lambda w: "/api/v1/members",
        lambda w: {
            "org_id": w.ids["branch"],
            "name": "语料党员",
            "id_number": _id_number(),
            "status": "applicant",
        },
    ),
    "POST /api/v1/members/{member_id}/reveal": Op(
        "secretary", lambda w: f"/api/v1/members/{w.ids['member']}/reveal"
    ),
    "POST /api/v1/moderation/flags": Op(
        "full_member",
        lambda w: "/api/v1/moderation/flags",
        lambda w: {"kind": "post", "target_id": w.ids["fresh_post"], "reason": "other"},
        fresh=_fresh_post,
    ),
    "POST /api/v1/moderation/review/{item_id}": Op(
        "moderator",
        lambda w: f"/api/v1/moderation/review/{w.ids['review_item']}",
        lambda w: {"decision": "dismiss"},
        fresh=_fresh_review_item,
    ),
    "POST /api/v1/moderation/sanctions": Op(
        "moderator",
        lambda w: "/api/v1/moderation/sanctions",
        lambda w: {"username": "floating", "kind": "warn", "reason": "语料警告"},
    ),
    "POST /api/v1/moderation/sanctions/{sanction_id}/lift": Op(
        "moderator",
        lambda w: f"/api/v1/moderation/sanctions/{w.ids['sanction']}/lift",
        lambda w: {"reason": "解除原因"},
        fresh=_fresh_sanction,
    ),
    "GET /api/v1/moderation/audit": Op("admin", lambda w: "/api/v1/moderation/audit"),
    "POST /api/v1/moderation/topics/{topic_id}/site-pin": Op(
        "admin",
        lambda w: f"/api/v1/moderation/topics/{w.ids['topic']}/site-pin",
        lambda w: {"action": "pin", "reason": "全站置顶"},
        fresh=_no_site_pins,
    ),
    "POST /api/v1/meetings/{meeting_id}/actions": Op(
        "secretary",
        lambda w: f"/api/v1/meetings/{w.ids['meeting']}/actions",
        lambda w: {"action": "message", "data": {"body": "发言"}},
        extra=("data.body",),
    ),
    "GET /api/v1/disclosures": Op("publisher", lambda w: "/api/v1/disclosures"),
    "POST /api/v1/disclosures": Op(
        "publisher",
        lambda w: "/api/v1/disclosures",
        lambda w: {
            "org_id": w.ids["branch"],
            "title": "语料公开事项",
            "body": "语料正文",
            "category_id": w.ids["category"],
            "scope": "public",
            "attachments": [{"title": "附件", "url": "https://example.org/a.pdf"}],
            "target_usernames": [],
        },
    ),
    "POST /api/v1/disclosures/{item_id}/transitions": Op(
        "publisher",
        lambda w: f"/api/v1/disclosures/{w.ids['draft']}/transitions",
        lambda w: {"step": "propose"},
        fresh=_fresh_draft,
    ),
}


def string_fields(doc: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(operation key, where: "query" | "json", field path) for every string in the document."""
    comps = doc.get("components", {}).get("schemas", {})

    def walk(schema: dict[str, Any], prefix: str) -> list[str]:
        if "$ref" in schema:
            schema = comps[schema["$ref"].split("/")[-1]]
        out: list[str] = []
        kind = schema.get("type")
        is_string = kind == "string" or (isinstance(kind, list) and "string" in kind)
        if is_string and schema.get("format") != "binary":  # uploads are files, not text
            out.append(prefix)
        for name, sub in (schema.get("properties") or {}).items():
            out += walk(sub, f"{prefix}.{name}" if prefix else name)
        if "items" in schema:
            out += walk(schema["items"], prefix + "[]")
        for key in ("anyOf", "oneOf", "allOf"):
            for sub in schema.get(key, []):
                out += walk(sub, prefix)
        return out

    fields: list[tuple[str, str, str]] = []
    for path, item in doc["paths"].items():
        for method, op in item.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            key = f"{method.upper()} {path}"
            for param in op.get("parameters", []):
                if param.get("in") == "query":
                    fields += [
                        (key, "query", f) for f in walk(param.get("schema", {}), param["name"])
                    ]
            content = op.get("requestBody", {}).get("content", {})
            for media in content.values():
                fields += [(key, "json", f) for f in walk(media.get("schema", {}), "")]
    for key, op in OPERATIONS.items():
        fields += [(key, "json", f) for f in op.extra]
    return list(dict.fromkeys(fields))


def with_value(body: dict[str, Any], path: str, value: str) -> dict[str, Any]:
    """`body` with the string at `path` ("a.b", "list[]", "list[].name") set to `value`."""
    import copy

    out = copy.deepcopy(body)
    head, _, rest = path.partition(".")
    if head.endswith("[]"):
        name = head[:-2]
        items = out.get(name) or ([{}] if rest else [])
        if rest:
            out[name] = [with_value(items[0] if items else {}, rest, value)]
        else:
            out[name] = [value]
        return out
    if rest:
        out[head] = with_value(out.get(head) or {}, rest, value)
    else:
        out[head] = value
    return out


async def _writes() -> int:
    """A fingerprint of what an accepted write leaves: audit rows and the parts' main tables
    (one query)."""
    from tortoise.connection import get_connection

    from forum.boards.models import Post, Topic
    from forum.models import Member
    from moderation.models import AuditEntry, Flag, Sanction
    from realtime.meetings.models import MeetingMessage
    from transparency.models import Disclosure

    models = (AuditEntry, Post, Topic, Flag, Sanction, MeetingMessage, Disclosure, Org, Member)
    tables = [m._meta.db_table for m in models]
    counts = " + ".join(f"(SELECT COUNT(*) FROM {t})" for t in tables)  # noqa: S608
    sql = f"SELECT {counts} AS n"
    rows = await get_connection("default").execute_query_dict(sql)
    return int(rows[0]["n"])


async def _prepare(world: World) -> None:
    """Facts some operations need: user ids, the secretary checked in to the live meeting."""
    from forum.viewer import viewer_for_user
    from realtime.meetings import actions
    from realtime.meetings.models import Meeting

    for name in ("publicity", "floating", "moderator", "secretary", "publisher"):
        world.ids[f"{name}_user"] = (await User.get(username=name)).id
    meeting = await Meeting.get(id=world.ids["meeting"])
    host = await viewer_for_user(world.ids["secretary_user"])
    with contextlib.suppress(Exception):  # already checked in by the demo
        await actions.check_in(host, meeting)


async def test_every_api_string_field_takes_naughty_strings(app: Any) -> None:
    started = time.monotonic()
    world = await build_world(app)
    await _prepare(world)
    doc = (await world.clients["-"].get("/api/v1/openapi.json")).json()
    fields = string_fields(doc)
    missing = sorted({key for key, _, _ in fields} - set(OPERATIONS))
    assert not missing, f"operations without a naughty-string entry: {missing}"
    covered: set[str] = set()
    tried = accepted = 0
    per_field: dict[str, tuple[int, int, float]] = {}
    for index, (key, where, name) in enumerate(fields):
        op = OPERATIONS[key]
        method = key.split(" ", 1)[0]
        client = await world.as_(op.actor)
        ok = 0
        refusal = ""
        field_started = time.monotonic()
        values = strings_for(index, len(fields))
        before = await _writes() if method != "GET" else 0
        for value in values:
            if op.fresh is not None:
                await op.fresh(world)
                if method != "GET":
                    before = await _writes()
            url = op.path(world)
            if where == "query":
                response = await client.get(url, params={name: value})
            else:
                body = with_value(op.body(world), name, value)
                response = await client.request_json(method, url, body)
            label = (key, name, value[:60], response.status_code, response.text[:200])
            assert response.status_code < 500, label
            tried += 1
            if value in STRINGS:
                covered.add(value)
            if response.status_code < 400:
                ok += 1
                if method != "GET":
                    before = await _writes()
                if where == "json" and method != "GET":
                    stored = (
                        await op.read(world, response, name)
                        if op.read
                        else _echo(response.json(), name)
                    )
                    # A blank value means "not given": the field takes its default.
                    if stored is not None and value.strip():
                        assert stored in normalisations(value), (*label[:3], stored[:60])
            else:
                refusal = refusal or response.text[:80]
                assert refused_clearly(response, api=True), label
                if method != "GET":
                    assert await _writes() == before, label
        took = time.monotonic() - field_started
        per_field[f"{key} {where}:{name}"] = (len(values), ok, took)
        print(
            f"  {key} {where}:{name}: {len(values)} tried, {ok} accepted ({took:.1f}s) {refusal if not ok else ''}"
        )
        accepted += ok
    assert covered >= set(STRINGS), len(set(STRINGS) - covered)
    elapsed = time.monotonic() - started
    print(
        f"\nnaughty strings x API fields: {len(set(STRINGS))} distinct strings over {len(fields)} fields "
        f"({len(OPERATIONS)} operations), {tried} requests, {accepted} accepted, "
        f"{tried - accepted} refused with a JSON error, 0 server errors, {elapsed:.1f}s"
    )
    for c in world.clients.values():
        await c.http.aclose()


# --- HTML forms ----------------------------------------------------------------------------


async def _latest(model: Any, attribute: str, **filters: Any) -> str | None:
    row = await model.filter(**filters).order_by("-id").first()
    return None if row is None else str(getattr(row, attribute))


def _boards() -> Any:
    from forum.boards import models

    return models


def _meetings() -> Any:
    from realtime.meetings import models

    return models


def _moderation() -> Any:
    from moderation import models

    return models


def _transparency() -> Any:
    from transparency import models

    return models


@dataclasses.dataclass
class Form:
    actor: str
    url: Callable[[World], str]
    fields: dict[str, Callable[[], Awaitable[str | None]] | None]  # field -> stored-value reader
    base: Callable[[World], dict[str, Any]] = lambda w: {}
    fresh: Callable[[World], Awaitable[None]] | None = None
    method: str = "POST"


FORMS: dict[str, Form] = {
    "boards: new topic": Form(
        "publicity",
        lambda w: f"/forum/b/{w.ids['board']}/new",
        {
            "title": lambda: _latest(_boards().Topic, "title"),
            "body": lambda: _latest(_boards().Post, "body_raw"),
        },
        lambda w: {"title": "语料标题", "body": "语料正文"},
    ),
    "boards: reply": Form(
        "publicity",
        lambda w: f"/t/{w.ids['topic']}/reply",
        {"body": lambda: _latest(_boards().Post, "body_raw")},
    ),
    "boards: edit post": Form(
        "publicity",
        lambda w: f"/t/{w.ids['post_topic']}/{w.ids['post_number']}/edit",
        {
            "body": lambda: _latest(_boards().PostRevision, "body_after"),
            "reason": lambda: _latest(_boards().PostRevision, "reason"),
        },
        lambda w: {"body": f"修改 {next(_serial)}", "reason": "修改原因"},
    ),
    "boards: search": Form("full_member", lambda w: "/forum/search", {"q": None}, method="GET"),
    "boards: new board": Form(
        "admin",
        lambda w: "/forum/boards/new",
        {
            "name": lambda: _latest(_boards().Board, "name"),
            "description": lambda: _latest(_boards().Board, "description"),
        },
        lambda w: {"name": f"语料版块 {next(_serial)}", "kind": "discussion", "description": ""},
    ),
    "meetings: schedule": Form(
        "secretary",
        lambda w: f"/orgs/{w.ids['branch']}/meetings",
        {
            "title": lambda: _latest(_meetings().Meeting, "title"),
            "description": lambda: _latest(_meetings().Meeting, "description"),
            "location": lambda: _latest(_meetings().Meeting, "location"),
            "agenda": lambda: _latest(_meetings().AgendaItem, "title"),
        },
        lambda w: {
            "type": "branch_plenary",
            "title": "语料会议",
            "scheduled_at": "2099-01-01T09:00",
            "agenda": "议程",
        },
    ),
    "meetings: message": Form(
        "secretary",
        lambda w: f"/meetings/{w.ids['meeting']}/message",
        {"body": lambda: _latest(_meetings().MeetingMessage, "body_raw")},
    ),
    "moderation: flag": Form(
        "full_member",
        lambda w: "/moderation/flags",
        {"text": lambda: _latest(_moderation().Flag, "text")},
        lambda w: {"kind": "post", "target_id": w.ids["fresh_post"], "reason": "other"},
        fresh=_fresh_post,
    ),
    "moderation: sanction": Form(
        "moderator",
        lambda w: "/moderation/sanctions",
        {"reason": lambda: _latest(_moderation().Sanction, "reason")},
        lambda w: {"username": "floating", "kind": "warn"},
    ),
    "moderation: lift": Form(
        "moderator",
        lambda w: f"/moderation/sanctions/{w.ids['sanction']}/lift",
        {"reason": lambda: _latest(_moderation().Sanction, "lift_reason", lifted_at__isnull=False)},
        fresh=_fresh_sanction,
    ),
    "moderation: review": Form(
        "moderator",
        lambda w: f"/moderation/queue/{w.ids['review_item']}",
        {"reason": None},
        lambda w: {"decision": "dismiss"},
        fresh=_fresh_review_item,
    ),
    "transparency: draft": Form(
        "publisher",
        lambda w: "/disclosures/new",
        {
            "title": lambda: _latest(_transparency().Disclosure, "title"),
            "body": lambda: _latest(_transparency().Disclosure, "body_raw"),
        },
        lambda w: {
            "org": str(w.ids["branch"]),
            "title": "语料草稿",
            "body": "正文",
            "category": str(w.ids["category"]),
            "scope": "public",
        },
    ),
    "transparency: feedback": Form(
        "full_member",
        lambda w: f"/disclosures/{w.ids['published']}/feedback",
        {"body": lambda: _latest(_transparency().Feedback, "body_raw")},
    ),
    "transparency: correct": Form(
        "publisher",
        lambda w: f"/disclosures/{w.ids['correctable']}/correct",
        {
            "title": lambda: _latest(_transparency().DisclosureRevision, "title"),
            "body": lambda: _latest(_transparency().DisclosureRevision, "body_raw"),
            "note": lambda: _latest(_transparency().DisclosureRevision, "note"),
        },
        lambda w: {
            "title": f"更正后的标题 {next(_serial)}",
            "body": f"更正后的正文 {next(_serial)}",
            "note": "更正说明",
        },
    ),
    "transparency: answer feedback": Form(
        "publisher",
        lambda w: f"/disclosures/{w.ids['correctable']}/feedback/{w.ids['feedback']}/answer",
        {"answer": lambda: _latest(_transparency().Feedback, "answer_raw")},
        lambda w: {"public": "1"},
        fresh=_fresh_feedback,
    ),
    "transparency: review": Form(
        "secretary",
        lambda w: f"/disclosures/{w.ids['stepped']}/review",
        {"note": lambda: _latest(_transparency().DisclosureReview, "note")},
        lambda w: {"checklist": [key for key, _ in _transparency().REVIEW_CHECKLIST]},
        fresh=_fresh_proposed,
    ),
    "transparency: reject": Form(
        "secretary",
        lambda w: f"/disclosures/{w.ids['stepped']}/reject",
        {"reason": lambda: _latest(_transparency().Disclosure, "reject_reason")},
        fresh=_fresh_proposed,
    ),
    "transparency: withdraw": Form(
        "secretary",
        lambda w: f"/disclosures/{w.ids['stepped']}/withdraw",
        {"reason": lambda: _latest(_transparency().Disclosure, "withdraw_reason")},
        fresh=_fresh_published,
    ),
    "transparency: search": Form("-", lambda w: "/disclosures", {"q": None}, method="GET"),
    "directory: new member": Form(
        "secretary",
        lambda w: "/members/new",
        {
            "name": None,
            "ethnicity": None,
            "native_place": None,
            "workplace": None,
            "position": None,
            "archive_location": None,
        },
        lambda w: {
            "org_id": str(w.ids["branch"]),
            "name": "语料党员",
            "id_number": _id_number(),
            "status": "applicant",
        },
    ),
    "directory: search": Form("secretary", lambda w: "/members", {"q": None}, method="GET"),
    "accounts: password": Form(
        "full_member",
        lambda w: "/me/password",
        {"current_password": None, "password": None, "password_confirm": None},
        lambda w: {"current_password": "wrong", "password": "x", "password_confirm": "y"},
    ),
    # Last: an accepted word changes how every later text is screened.
    "moderation: word list": Form(
        "admin",
        lambda w: "/moderation/words",
        {
            "word": lambda: _latest(_moderation().WatchedWord, "word"),
            "category": lambda: _latest(_moderation().WatchedWord, "category"),
        },
        lambda w: {"word": f"语料词{next(_serial)}", "action": "review", "category": "测试"},
    ),
}


async def _correctable_by_publisher(world: World) -> int:
    """A published item the demo publisher may correct (更正), decided by the policy."""
    from forum.policy import can_correct_disclosure
    from forum.viewer import viewer_for_user
    from transparency import actions as t_actions
    from transparency.models import Disclosure

    publisher = await viewer_for_user(world.ids["publisher_user"])
    for item in await Disclosure.filter(state="published").order_by("id"):
        if can_correct_disclosure(publisher, await t_actions.reload(item)):
            return int(item.id)
    raise AssertionError("the demo has no item the publisher may correct")


async def test_every_form_text_field_takes_naughty_strings(app: Any) -> None:
    started = time.monotonic()
    world = await build_world(app)
    await _prepare(world)
    from transparency.models import Disclosure

    published = await Disclosure.filter(state="published", scope="public").order_by("id").first()
    assert published is not None
    world.ids["published"] = published.id
    world.ids["correctable"] = await _correctable_by_publisher(world)
    fields = [(name, f) for name, form in FORMS.items() for f in form.fields]
    covered: set[str] = set()
    tried = accepted = 0
    for index, (name, field_name) in enumerate(fields):
        form = FORMS[name]
        client = await world.as_(form.actor if form.actor != "-" else None)
        reader = form.fields[field_name]
        ok = 0
        refusal = ""
        values = strings_for(index, len(fields))
        for value in values:
            if form.fresh is not None:
                await form.fresh(world)
            before = await _writes()
            if form.method == "GET":
                response = await client.get(form.url(world), params={field_name: value})
            else:
                data = {**form.base(world), field_name: value}
                response = await client.post_form(form.url(world), data)
            label = (name, field_name, value[:60], response.status_code)
            assert response.status_code < 500, label
            tried += 1
            covered.add(value)
            if form.method == "GET":
                assert response.status_code in {200, 400, 404}, label
                ok += response.status_code == 200
                continue
            if response.status_code in {302, 303}:
                ok += 1
                stored = await reader() if reader is not None else None
                if stored is not None and value.strip():
                    assert stored in normalisations(value), (*label, stored[:60])
            else:
                refusal = refusal or re.sub(r"\s+", " ", response.text)[-160:]
                assert refused_clearly(response, api=False), (*label, response.text[:300])
                assert await _writes() == before, label
        print(f"  {name} {field_name}: {len(values)} tried, {ok} accepted")
        accepted += ok
    elapsed = time.monotonic() - started
    print(
        f"\nnaughty strings x HTML form fields: {len(covered & set(STRINGS))} distinct strings over "
        f"{len(fields)} fields ({len(FORMS)} forms), {tried} requests, {accepted} accepted, "
        f"{tried - accepted} refused with a Chinese message, 0 server errors, {elapsed:.1f}s"
    )
    assert covered >= set(STRINGS)
    for c in world.clients.values():
        await c.http.aclose()
