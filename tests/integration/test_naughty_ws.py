"""The naughty-string sweep over the websocket (issue 14): every field of every meeting verb,
taken from the part's own verb table, plus the frame's own fields (`ref`, `channel`,
`action`, `type`).

For each (string, field), over a real socket to the test's app (uvicorn in-process, SQLite
or PostgreSQL): the answer is either an `ack` with the value stored as sent (modulo the
documented normalisation, rendered HTML sanitized) or an `error` frame that is not
`internal`, says why in Chinese, names the field when the door refused the value, and wrote
nothing; and the connection still answers a ping afterwards.
"""

from __future__ import annotations

import dataclasses
import re
import time
from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from forum.http import storable
from forum.models import Member
from forum.policy import Viewer
from forum.ratelimit import MemoryCounter
from forum.services import Services
from realtime.meetings import actions, verbs
from realtime.meetings.models import CheckIn, Meeting, MeetingMessage, Mute, RollEntry, Vote
from tests.figures import report
from tests.helpers import Client
from tests.integration.meetings_fixtures import Branch, live_plenary, make_branch, v
from tests.integration.ws_fixtures import WsPeer, cookie_of, ws_server
from tests.naughty import normalisations, strings_for, write_fingerprint

pytestmark = pytest.mark.usefixtures("database")

FRAMES_PER_CONNECTION = 16  # tries per connection (2 frames each), well inside the burst
CHINESE = re.compile(r"[\u4e00-\u9fff]")
ERROR_CODES = {"invalid", "not_found", "forbidden", "rate_limited"}
# Beyond the shared list, every field also gets what a websocket client can send and a form
# cannot: lone surrogates (JSON escapes), the other C0 controls and DEL, and values near
# the frame limit (64 KiB; "党" is six bytes as a JSON escape).
WS_EXTRA = ["\ud800", "a\udfffb", "\udbff\udbff", "\x01\x08\x0b\x1b\x1f\x7f", "党" * 8000]


@dataclasses.dataclass
class Room:
    branch: Branch
    meeting: Meeting
    host: Viewer
    target_user_id: int  # a participant the host may mute
    ids: dict[str, int] = dataclasses.field(default_factory=dict)


Fresh = Callable[[Room], Awaitable[None]]
ReadBack = Callable[[Room], Awaitable[str | None]]


@dataclasses.dataclass
class Recipe:
    """How to send an action validly except for the swept field, and how to read it back."""

    base: Callable[[Room], dict[str, Any]]
    read: dict[str, ReadBack] = dataclasses.field(default_factory=dict)  # stored str fields
    fresh: Fresh | None = None  # a new target before each try
    after: Fresh | None = None  # undo an accepted try (so the next one starts the same)


async def _latest_message(room: Room) -> str | None:
    row = await MeetingMessage.filter(meeting_id=room.meeting.id).order_by("-id").first()
    return None if row is None else row.body_raw


async def _removed_reason(room: Room) -> str | None:
    row = await MeetingMessage.get(meeting_id=room.meeting.id, number=room.ids["message"])
    return row.removed_reason


async def _mute_reason(room: Room) -> str | None:
    row = await Mute.filter(meeting_id=room.meeting.id).order_by("-id").first()
    return None if row is None else row.reason


async def _vote_title(room: Room) -> str | None:
    row = await Vote.filter(meeting_id=room.meeting.id).order_by("-id").first()
    return None if row is None else row.title


async def _fresh_message(room: Room) -> None:
    message = await actions.post_message(room.host, room.meeting, "待删除的发言")
    room.ids["message"] = message.number


async def _fresh_request(room: Room) -> None:
    if "request" not in room.ids:  # refused tries leave the hand raised
        member = await v(room.branch.voters[2])
        room.ids["request"] = (await actions.raise_hand(member, room.meeting)).id


async def _fresh_vote(room: Room) -> None:
    if "draft_vote" not in room.ids:  # refused tries leave it unopened
        vote = await actions.create_vote(room.host, room.meeting, kind="motion", title="语料表决")
        room.ids["draft_vote"] = vote.id


async def _fresh_open_vote(room: Room) -> None:
    if "open_vote" not in room.ids:  # refused tries leave it open and unvoted
        vote = await actions.create_vote(room.host, room.meeting, kind="motion", title="语料表决")
        await actions.open_vote(room.host, room.meeting, vote)
        room.ids["open_vote"] = vote.id


async def _unmute(room: Room) -> None:
    await actions.unmute_participant(room.host, room.meeting, room.target_user_id)


async def _member_id(room: Room, key: str, user_id: int) -> int:
    if key not in room.ids:
        room.ids[key] = (await Member.get(user_id=user_id)).id
    return room.ids[key]


async def _fresh_unrecorded(room: Room) -> None:
    """The probationary member, not checked in, for the host's 代签到 (one-shot)."""
    member_id = await _member_id(room, "proxy", room.branch.probationary.id)
    await CheckIn.filter(meeting_id=room.meeting.id, member_id=member_id).delete()


async def _fresh_included(room: Room) -> None:
    """The sanctioned member counted in 应到 again, for the host to exclude (one-shot)."""
    member_id = await _member_id(room, "excluded", room.branch.sanctioned.id)
    await RollEntry.filter(meeting_id=room.meeting.id, member_id=member_id).update(
        excluded_category="", excluded_reason="", excluded_approval="", excluded_decision=""
    )


async def _fresh_opinion_target(room: Room) -> None:
    await _fresh_open_vote(room)
    await _member_id(room, "proxy", room.branch.probationary.id)


async def _proxy_note(room: Room) -> str | None:
    row = await CheckIn.get_or_none(meeting_id=room.meeting.id, member_id=room.ids["proxy"])
    return None if row is None else row.note


def _excluded(attribute: str) -> ReadBack:
    async def read(room: Room) -> str | None:
        row = await RollEntry.get(meeting_id=room.meeting.id, member_id=room.ids["excluded"])
        return str(getattr(row, attribute))

    return read


EXCLUSION = {"category": "illness", "reason": "长期住院", "approval": "批复1号", "decision": "通过"}

RECIPES: dict[str, Recipe] = {
    "message": Recipe(lambda r: {"body": "发言"}, {"body": _latest_message}),
    "give_floor": Recipe(lambda r: {"request_id": r.ids["request"]}, fresh=_fresh_request),
    "mute": Recipe(
        lambda r: {"user_id": r.target_user_id, "kind": "mute", "reason": "扰乱会场"},
        {"reason": _mute_reason},
        after=_unmute,
    ),
    "unmute": Recipe(lambda r: {"user_id": r.target_user_id}),
    "remove_message": Recipe(
        lambda r: {"number": r.ids["message"], "reason": "与议题无关"},
        {"reason": _removed_reason},
        fresh=_fresh_message,
    ),
    "lock": Recipe(lambda r: {"locked": False}),
    "pause": Recipe(lambda r: {"paused": False}),
    "create_vote": Recipe(lambda r: {"kind": "motion", "title": "议题"}, {"title": _vote_title}),
    "open_vote": Recipe(lambda r: {"vote_id": r.ids["draft_vote"]}, fresh=_fresh_vote),
    "cast_ballot": Recipe(
        lambda r: {"vote_id": r.ids["open_vote"], "choice": "yes"}, fresh=_fresh_open_vote
    ),
    "close_vote": Recipe(lambda r: {"vote_id": r.ids["open_vote"]}, fresh=_fresh_open_vote),
    "record_attendance": Recipe(
        lambda r: {"member_id": r.ids["proxy"], "note": "补签"},
        {"note": _proxy_note},
        fresh=_fresh_unrecorded,
    ),
    # No code made by a naughty string is valid: every try must be a clean refusal.
    "check_in_qr": Recipe(lambda r: {"code": "x"}),
    "record_in_person_count": Recipe(
        lambda r: {"vote_id": r.ids["open_vote"], "yes": 0, "no": 0, "abstain": 0},
        fresh=_fresh_open_vote,
    ),
    "name_recorder": Recipe(lambda r: {"username": r.branch.voters[1].username}),
    "exclude_from_roll": Recipe(
        lambda r: {"member_id": r.ids["excluded"], **EXCLUSION},
        {f: _excluded(f"excluded_{f}") for f in ("reason", "approval", "decision")},
        fresh=_fresh_included,
    ),
    "restore_to_roll": Recipe(lambda r: {"member_id": r.ids["excluded"]}, fresh=_fresh_included),
    # Verbs of other moments than a live meeting (before it, after it; written opinions are
    # for admission and conversion questions, the room's open vote is a motion): every try
    # must be a clean refusal that writes nothing.
    "request_leave": Recipe(lambda r: {"reason": "值班"}),
    "update_minutes": Recipe(lambda r: {"summary": "纪要"}),
    "append_correction": Recipe(lambda r: {"body": "更正"}),
    "enter_written_opinion": Recipe(
        lambda r: {
            "vote_id": r.ids["open_vote"],
            "member_id": r.ids["proxy"],
            "choice": "yes",
            "note": "书面意见",
        },
        fresh=_fresh_opinion_target,
    ),
}
FRAME_FIELDS = ("ref", "channel", "action", "type")


def test_every_action_field_has_a_recipe() -> None:
    """The sweep covers the part's verb table as it is: a new verb or field with no recipe
    here fails, instead of going unswept."""
    with_fields = {name for name, verb in verbs.VERBS.items() if verb.args}
    assert with_fields <= set(RECIPES), sorted(with_fields - set(RECIPES))
    for name, recipe in RECIPES.items():
        args = verbs.VERBS[name].args
        assert set(recipe.read) <= {f for f, arg in args.items() if arg.kind == "str"}


def _fields() -> list[tuple[str | None, str]]:
    """(action or None for the frame itself, field) for every field of the table."""
    swept: list[tuple[str | None, str]] = [(None, f) for f in FRAME_FIELDS]
    for name, verb in sorted(verbs.VERBS.items()):
        swept += [(name, field) for field in sorted(verb.args)]
    return swept


def _frame(room: Room, action: str | None, field: str, value: Any, ref: str) -> dict[str, Any]:
    if action is None:
        frame: dict[str, Any] = {
            "type": "action",
            "channel": f"meeting:{room.meeting.id}",
            "action": "here",
            "ref": ref,
        }
        if field == "ref":
            return {"type": "ping", "ref": value}
        frame[field] = value
        return frame
    data = RECIPES[action].base(room) if action in RECIPES else {}
    data[field] = value
    return {
        "type": "action",
        "channel": f"meeting:{room.meeting.id}",
        "action": action,
        "data": data,
        "ref": ref,
    }


async def _room(services: Services) -> Room:
    branch = await make_branch(voters=4)
    meeting = await live_plenary(branch)
    host = await v(branch.secretary)
    await actions.check_in(host, meeting)
    for voter in branch.voters[1:]:
        await actions.check_in(await v(voter), meeting)
    return Room(branch, meeting, host, branch.voters[1].id)


async def test_naughty_strings_through_every_websocket_field(
    app: object, services: Services, client: Client
) -> None:
    room = await _room(services)
    await client.login(room.branch.secretary.username)
    cookie = await cookie_of(client)
    fields = _fields()
    started = time.monotonic()
    tries = stored = refused = 0
    failures: list[str] = []
    async with ws_server(app, services) as url:
        peer_cm = WsPeer.open(url, cookie)
        ws = await peer_cm.__aenter__()
        try:
            for index, (action, field) in enumerate(fields):
                values: list[Any] = strings_for(index, len(fields)) + WS_EXTRA
                if action is not None:
                    values += [[s] for s in ("\ud800", "\x00", "<script>")]  # list elements
                recipe = RECIPES.get(action) if action else None
                for value in values:
                    if tries and tries % FRAMES_PER_CONNECTION == 0:  # a new rate bucket
                        await peer_cm.__aexit__(None, None, None)
                        peer_cm = WsPeer.open(url, cookie)
                        ws = await peer_cm.__aenter__()
                    tries += 1
                    # a fresh chat burst window: each try is judged on its value (the limit
                    # itself is tested in test_moderation_ratelimits.py)
                    services.counter = MemoryCounter()
                    if recipe and recipe.fresh:
                        await recipe.fresh(room)
                    before = await write_fingerprint()
                    ref = f"t{tries}"
                    answer = await ws.answer(_frame(room, action, field, value, ref))
                    label = f"{action or 'frame'}.{field}={value!r:.60}"
                    problem = await _judge(room, recipe, action, field, value, answer, before)
                    if problem:
                        failures.append(f"{label}: {problem}")
                    elif answer["type"] == "error":
                        refused += 1
                    else:
                        stored += 1
                        if recipe and recipe.after:
                            await recipe.after(room)
                    if not await ws.alive():
                        failures.append(f"{label}: the connection stopped answering")
        finally:
            await peer_cm.__aexit__(None, None, None)
    elapsed = time.monotonic() - started
    report(
        f"websocket naughty sweep: {len(fields)} fields x strings = {tries} frames, "
        f"{stored} accepted, {refused} refused, {elapsed:.1f}s"
    )
    assert not failures, "\n".join(failures[:40])
    assert stored and refused


async def _judge(
    room: Room,
    recipe: Recipe | None,
    action: str | None,
    field: str,
    value: Any,
    answer: dict[str, Any],
    before: int,
) -> str | None:
    """None when the answer is a clean round trip or a clear refusal; else what was wrong."""
    if answer["type"] == "pong":  # the `ref` field rides on a ping
        return None if answer.get("ref") == value else f"pong echoed {answer.get('ref')!r}"
    if answer["type"] == "error":
        if answer.get("code") not in ERROR_CODES:
            return f"error code {answer.get('code')!r}: {answer.get('message')}"
        if not CHINESE.search(str(answer.get("message", ""))):
            return f"no Chinese message: {answer!r:.200}"
        if not storable(value) and answer.get("field") != field:
            return f"the door's refusal names {answer.get('field')!r}, not {field!r}"
        if field != "ref" and answer.get("ref") is None:
            return "the error lost its ref"
        if await write_fingerprint() != before:
            return "refused, but something was written"
        return None
    if answer["type"] != "ack":
        return f"unexpected answer {answer!r:.200}"
    if not storable(value):
        return "an unstorable value was accepted"
    read = recipe.read.get(field) if recipe and action else None
    if read is not None:
        got = await read(room)
        if got is None or got not in normalisations(value):
            return f"stored {got!r:.80} for {value!r:.80}"
        if field == "body":
            row = await MeetingMessage.filter(meeting_id=room.meeting.id).order_by("-id").first()
            assert row is not None
            if re.search(r"<\s*script", row.body_html, re.I):
                return "the rendered message holds a script tag"
    return None
