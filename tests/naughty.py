"""Shared machinery for the naughty-string sweeps (tests/integration/test_naughty_api.py and
test_naughty_forms.py): the strings each field gets, what counts as a round trip or a clear
refusal, the demo world the requests act on, and fresh targets for one-shot operations.

For each (string, field): no 5xx, and either the value is stored as sent (read back equal,
modulo the documented normalisation: NFC/NFKC, stripping, whitespace collapsing) or the
answer is a 4xx with a clear message (a JSON error for the API, a Chinese message for pages)
and nothing was written.

To stay within about a minute per suite each field gets a deterministic slice of the list
(consecutive slices, so the fields together cover every string) plus a fixed core of the
strings most likely to break things.
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
# Every field also gets the strings most likely to break parsing and storage: JS-ish nulls,
# C0 controls (\x1c-\x1e split str.splitlines()), every Unicode space and line separator,
# format characters (RTL override, BOM), a noncharacter, superscript, full-width and huge
# numbers (str.isdigit() says yes, int() or the column says no), emoji, a paragraph
# separator, combining marks, URL and markup injection, and the template injection.
CORE_INDEXES = (0, 2, 58, 92, 94, 95, 97, 109, 149, 162, 174, 180, 300, 420, len(STRINGS) - 1)


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
    app: Any = None
    notes: dict[str, Any] = dataclasses.field(default_factory=dict)  # non-id facts, e.g. passwords

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
    for name in (
        "publicity",
        "secretary",
        "sibling_secretary",
        "moderator",
        "full_member",
        "publisher",
        "admin",
    ):
        clients[name] = Client(app)
        await clients[name].login(name)
    return World(ids, clients, app)


serial = itertools.count(1)


def id_number() -> str:
    """A valid, never repeated resident ID number (the register refuses duplicates)."""
    n = next(serial)
    rng = random.Random(n)
    return idcard.generate(rng, dt.date(1990, 1, 1) + dt.timedelta(days=n), "M", region="110101")


async def fresh_post(world: World) -> None:
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


async def fresh_review_item(world: World) -> None:
    from moderation import hooks

    await fresh_post(world)
    item = await hooks.enqueue_review("post", world.ids["fresh_post"], source="flags")
    world.ids["review_item"] = item.id


async def fresh_draft(world: World) -> None:
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


async def fresh_feedback(world: World) -> None:
    from transparency.models import Feedback

    feedback = await Feedback.create(
        disclosure_id=world.ids["correctable"],
        author_id=world.ids["publicity_user"],
        body_raw="语料反馈",
        body_html="<p>语料反馈</p>",
    )
    world.ids["feedback"] = feedback.id


async def fresh_in_state(world: World, state: str) -> None:
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


async def fresh_proposed(world: World) -> None:
    await fresh_in_state(world, "proposed")


async def fresh_published(world: World) -> None:
    await fresh_in_state(world, "published")


async def fresh_sanction(world: World) -> None:
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


async def no_site_pins(world: World) -> None:
    from moderation.models import SitePin

    await SitePin.all().delete()


# Tables a refused request may still touch: the session store (last-seen times).
UNFINGERPRINTED = frozenset({"auth_sessions"})


async def write_fingerprint() -> int:
    """The total row count of every model table (one query): a refused request must leave it
    unchanged, so nothing was half-written."""
    from tortoise import Tortoise
    from tortoise.connection import get_connection

    tables = sorted(
        {
            model._meta.db_table
            for app in Tortoise.apps.values()
            for model in app.values()
            if model._meta.db_table not in UNFINGERPRINTED
        }
    )
    counts = " + ".join(f'(SELECT COUNT(*) FROM "{t}")' for t in tables)  # noqa: S608
    rows = await get_connection("default").execute_query_dict(f"SELECT {counts} AS n")
    return int(rows[0]["n"])


async def prepare(world: World) -> None:
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


async def latest(model: Any, attribute: str, **filters: Any) -> str | None:
    row = await model.filter(**filters).order_by("-id").first()
    return None if row is None else str(getattr(row, attribute))


def boards_models() -> Any:
    from forum.boards import models

    return models


def meetings_models() -> Any:
    from realtime.meetings import models

    return models


def moderation_models() -> Any:
    from moderation import models

    return models


def audit_entry() -> Any:
    from forum.auditlog import AuditEntry

    return AuditEntry


def transparency_models() -> Any:
    from transparency import models

    return models


Send = Callable[[Client, "World", str, str], Awaitable[httpx.Response]]


@dataclasses.dataclass
class Form:
    """One HTML form: who submits it, where, and for each swept field how to read back what
    was stored (None: the field is not stored, e.g. a search box or a password)."""

    actor: str  # a demo username, or "-" for a visitor
    url: Callable[[World], str]
    fields: dict[str, Callable[[], Awaitable[str | None]] | None]
    base: Callable[[World], dict[str, Any]] = lambda w: {}  # the other fields, valid
    fresh: Callable[[World], Awaitable[None]] | None = None  # a new target before each try
    method: str = "POST"
    # Statuses that mean "accepted" (a POST redirects after a write unless it says otherwise).
    accepted: frozenset[int] = frozenset({302, 303})
    # A custom request, for fields that travel inside an uploaded file (client, world, field,
    # value) -> response; default: the field in an urlencoded form with `base`.
    send: Send | None = None


async def correctable_by_publisher(world: World) -> int:
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
