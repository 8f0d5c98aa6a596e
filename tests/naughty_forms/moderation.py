"""Moderation: flags, review queue, sanctions, topic tools and the word list."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import httpx

from tests.helpers import Client
from tests.naughty import (
    Form,
    World,
    audit_entry,
    boards_models,
    fresh_post,
    fresh_review_item,
    fresh_sanction,
    latest,
    moderation_models,
    serial,
)

# --- Fresh targets for the one-shot topic tools ------------------------------------------


async def fresh_topic(world: World) -> None:
    """A new topic by publicity (not the acting moderator) in the demo board, with an
    opening post and two replies (split and merge need posts), plus a second topic to
    merge into, and another board to move to."""
    from forum.boards.models import Board, Post, Topic

    now = dt.datetime.now(dt.UTC)
    made = []
    for title in ("语料主题", "语料合并目标"):
        topic = await Topic.create(
            board_id=world.ids["board"],
            title=title,
            author_id=world.ids["publicity_user"],
            last_activity_at=now,
            last_number=3,
            reply_count=2,
        )
        for number in (1, 2, 3):
            await Post.create(
                topic_id=topic.id,
                number=number,
                author_id=world.ids["publicity_user"],
                body_raw=f"第 {number} 楼",
                body_html=f"<p>第 {number} 楼</p>",
            )
        made.append(topic.id)
    world.ids["steered"], world.ids["merge_target"] = made
    if "other_board" not in world.ids:
        other = await Board.exclude(id=world.ids["board"]).order_by("id").first()
        assert other is not None
        world.ids["other_board"] = other.id


async def fresh_pinned_topic(world: World) -> None:
    from moderation.models import SitePin

    await fresh_topic(world)
    await SitePin.create(topic_id=world.ids["steered"], pinned_by_id=world.ids["moderator_user"])


def topic_tool(action: str) -> Any:
    return lambda w: f"/moderation/topics/{w.ids['steered']}/{action}"


def audit_reason(action: str) -> Any:
    """The reason of the newest audit entry of `action` (the one the request wrote)."""
    return lambda: latest(audit_entry(), "reason", action=action)


def local_minutes(value: dt.datetime | None) -> str | None:
    """A stored UTC time as the `datetime-local` value a browser sends (Beijing time)."""
    if value is None:
        return None
    return value.astimezone(ZoneInfo("Asia/Shanghai")).strftime("%Y-%m-%dT%H:%M")


async def steering_close_at() -> str | None:
    row = await moderation_models().TopicSteering.all().order_by("-id").first()
    return None if row is None else local_minutes(row.close_at)


async def site_pin_until() -> str | None:
    row = await moderation_models().SitePin.all().order_by("-id").first()
    return None if row is None else local_minutes(row.until)


# The value the import rows sent last, and the newest word before it (for their readers).
_sent: dict[str, str] = {}


async def sanction_period(unit: dt.timedelta) -> str | None:
    row = await moderation_models().Sanction.all().order_by("-id").first()
    if row is None or row.ends_at is None:
        return None
    return str(round((row.ends_at - row.starts_at) / unit))


async def sanctioned_username() -> str | None:
    row = await moderation_models().Sanction.all().order_by("-id").select_related("user").first()
    return None if row is None else str(row.user.username)


async def slow_mode_seconds() -> str | None:
    row = await moderation_models().TopicSteering.all().order_by("-id").first()
    return None if row is None else str(row.slow_mode_seconds)


async def merged_into() -> str | None:
    entry = await latest_audit("topic.merged")
    return None if entry is None else str(entry.after["into_topic"])


async def latest_audit(action: str) -> Any:
    return await audit_entry().filter(action=action).order_by("-id").first()


# --- The word import: a textarea, or the same text in an uploaded UTF-8 file --------------


# Entries the import rows created: removed before the next try (and before the word list
# row), so one try's words neither turn the next try into an update nor screen later text.
_imported: set[int] = set()


async def forget_imported_words(world: World) -> None:
    from moderation import words

    if _imported:
        await moderation_models().WatchedWord.filter(id__in=_imported).delete()
        _imported.clear()
        words.invalidate()


async def send_import(client: Client, world: World, field: str, value: str) -> httpx.Response:
    watched = moderation_models().WatchedWord
    _sent["value"] = value
    newest = await watched.all().order_by("-id").first()
    _sent["words_before"] = str(newest.id if newest else 0)
    data = {"csrf_token": await client.csrf(), "action": "flag"}
    if field == "text":
        response = await client.http.post("/moderation/words/import", data={**data, "text": value})
    else:
        content = (value + "\n").encode("utf-8", "surrogatepass")  # a lone surrogate: not UTF-8
        response = await client.http.post(
            "/moderation/words/import",
            data=data,
            files={"file": ("naughty.txt", content, "text/plain")},
        )
    created = watched.filter(id__gt=int(_sent["words_before"])).values_list("id", flat=True)
    _imported.update(int(i) for i in await created)
    return response


async def imported_word() -> str | None:
    """The entry a one-word import created (found by its normalised key). A word whose key
    is already listed ("$1.00" after "1.00") updates that entry's action and category and
    keeps its text, so there is no new text to compare. A value holding a separator (comma,
    tab, full-width comma), several lines or a comment is a list of entries, not one word:
    those are only checked for no 5xx and clean refusals."""
    from moderation.wordfilter import normalize_word

    value = _sent.get("value", "").strip().lstrip("\ufeff").strip()
    if not value or any(sep in value for sep in (",", "\t", "，")) or value.startswith("#"):
        return None
    if len(value.splitlines()) != 1:
        return None
    row = await moderation_models().WatchedWord.get_or_none(normalized=normalize_word(value))
    if row is None or row.id <= int(_sent["words_before"]):
        return None
    return str(row.word)


FORMS: dict[str, Form] = {
    "moderation: flag": Form(
        "full_member",
        lambda w: "/moderation/flags",
        {"text": lambda: latest(moderation_models().Flag, "text")},
        lambda w: {"kind": "post", "target_id": w.ids["fresh_post"], "reason": "other"},
        fresh=fresh_post,
    ),
    # The post menu's 处理作者: the author of a fresh post is warned (confirmed in the form).
    "moderation: sanction from a post": Form(
        "moderator",
        lambda w: "/moderation/content/sanction",
        {"reason": lambda: latest(moderation_models().Sanction, "reason")},
        lambda w: {
            "kind": "post",
            "id": w.ids["fresh_post"],
            "sanction": "warn",
            "next": "/",
            "confirmed": "1",
        },
        fresh=fresh_post,
    ),
    "moderation: sanction": Form(
        "moderator",
        lambda w: "/moderation/sanctions",
        # The username must name an existing account (other than the moderator's own): the
        # naughty strings are all refused with "找不到该用户名".
        {
            "reason": lambda: latest(moderation_models().Sanction, "reason"),
            "username": sanctioned_username,
        },
        lambda w: {"username": "floating", "kind": "warn", "reason": "语料警告", "confirmed": "1"},
    ),
    # days, hours, seconds, target_id: whole numbers in a range (the naughty strings are
    # refused with "…须为整数" or "…须在 a 到 b 之间"; a valid number reads back as typed).
    "moderation: sanction days": Form(
        "moderator",
        lambda w: "/moderation/sanctions",
        {"days": lambda: sanction_period(dt.timedelta(days=1))},
        lambda w: {
            "username": "floating",
            "kind": "silence",
            "reason": "语料禁言",
            "confirmed": "1",
        },
    ),
    "moderation: sanction hours": Form(
        "moderator",
        lambda w: "/moderation/sanctions",
        {"hours": lambda: sanction_period(dt.timedelta(hours=1))},
        lambda w: {
            "username": "floating",
            "kind": "silence",
            "reason": "语料禁言",
            "confirmed": "1",
        },
    ),
    "moderation: lift": Form(
        "moderator",
        lambda w: f"/moderation/sanctions/{w.ids['sanction']}/lift",
        {
            "reason": lambda: latest(
                moderation_models().Sanction, "lift_reason", lifted_at__isnull=False
            )
        },
        fresh=fresh_sanction,
    ),
    "moderation: review": Form(
        "moderator",
        lambda w: f"/moderation/queue/{w.ids['review_item']}",
        {"reason": None},
        lambda w: {"decision": "dismiss"},
        fresh=fresh_review_item,
    ),
    "moderation: review edit": Form(
        "moderator",
        lambda w: f"/moderation/queue/{w.ids['review_item']}",
        # The fresh post is the newest post: the edit rewrote its text.
        {"body": lambda: latest(boards_models().Post, "body_raw")},
        lambda w: {"decision": "edit", "reason": "语料编辑"},
        fresh=fresh_review_item,
    ),
    # --- Topic tools: each try steers a new topic (most steps work once per topic). -------
    "moderation: move topic": Form(
        "moderator",
        topic_tool("move"),
        {"reason": audit_reason("topic.moved")},
        lambda w: {"board_id": w.ids["other_board"]},
        fresh=fresh_topic,
    ),
    "moderation: merge topic": Form(
        "moderator",
        topic_tool("merge"),
        {"reason": audit_reason("topic.merged")},
        lambda w: {"target_id": w.ids["merge_target"], "confirmed": "1"},
        fresh=fresh_topic,
    ),
    "moderation: merge target": Form(
        "moderator",
        topic_tool("merge"),
        # A topic number: only numbers naming a topic the moderator may steer are accepted.
        {"target_id": merged_into},
        lambda w: {"reason": "语料合并", "confirmed": "1"},
        fresh=fresh_topic,
    ),
    "moderation: slow mode": Form(
        "moderator",
        topic_tool("slow-mode"),
        {"reason": audit_reason("topic.slow_mode")},
        lambda w: {"seconds": "30"},
        fresh=fresh_topic,
    ),
    "moderation: slow mode seconds": Form(
        "moderator",
        topic_tool("slow-mode"),
        {"seconds": slow_mode_seconds},
        lambda w: {"reason": "语料慢速"},
        fresh=fresh_topic,
    ),
    "moderation: timed close": Form(
        "moderator",
        topic_tool("timed-close"),
        # close_at: a future `datetime-local` value (the naughty strings are refused with
        # "时间格式有误"); blank cancels.
        {"reason": audit_reason("topic.timed_close"), "close_at": steering_close_at},
        lambda w: {"close_at": "2099-01-01T08:00", "reason": "语料定时关闭"},
        fresh=fresh_topic,
    ),
    "moderation: site pin": Form(
        "moderator",
        topic_tool("site-pin"),
        # until: a future `datetime-local` value, or blank (pinned until unpinned).
        {"reason": audit_reason("topic.site_pinned"), "until": site_pin_until},
        lambda w: {"until": "2099-01-01T08:00", "reason": "语料置顶"},
        fresh=fresh_topic,
    ),
    "moderation: site unpin": Form(
        "moderator",
        topic_tool("site-unpin"),
        {"reason": audit_reason("topic.site_unpinned")},
        fresh=fresh_pinned_topic,
    ),
    "moderation: split topic": Form(
        "moderator",
        topic_tool("split"),
        {
            "title": lambda: latest(boards_models().Topic, "title"),
            "reason": audit_reason("topic.split"),
        },
        lambda w: {"numbers": ["2", "3"], "title": "语料拆分主题", "reason": "语料拆分"},
        fresh=fresh_topic,
    ),
    # --- Searches -------------------------------------------------------------------------
    "moderation: word search": Form(
        "admin", lambda w: "/moderation/words", {"q": None}, method="GET"
    ),
    # from, to: 年-月-日 dates (the naughty strings are refused with "格式应为 年-月-日").
    "moderation: audit search": Form(
        "admin",
        lambda w: "/moderation/audit",
        {"q": None, "actor": None, "from": None, "to": None},
        method="GET",
    ),
    # Last: an accepted word changes how every later text is screened (the import, then the
    # word list itself).
    "moderation: word import": Form(
        "admin",
        lambda w: "/moderation/words/import",
        {"text": imported_word, "file": imported_word},
        fresh=forget_imported_words,
        send=send_import,
    ),
    "moderation: word list": Form(
        "admin",
        lambda w: "/moderation/words",
        {
            "word": lambda: latest(moderation_models().WatchedWord, "word"),
            "category": lambda: latest(moderation_models().WatchedWord, "category"),
        },
        lambda w: {"word": f"语料词{next(serial)}", "action": "review", "category": "测试"},
        fresh=forget_imported_words,
    ),
}
