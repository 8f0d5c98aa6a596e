"""Websocket frames pass the same door as HTTP input (issue 14, finding 7).

Over a real socket to the test's app (served by uvicorn in-process, on SQLite and
PostgreSQL): NUL and lone surrogates are refused in every string of a frame with an
`error` naming the field, nothing is stored, and the connection keeps answering.
"""

from __future__ import annotations

import pytest

from forum.services import Services
from realtime.meetings.models import MeetingMessage
from tests.helpers import Client
from tests.integration.meetings_fixtures import live_plenary, make_branch
from tests.integration.ws_fixtures import WsPeer, cookie_of, ws_server

pytestmark = pytest.mark.usefixtures("database")


async def test_a_lone_surrogate_in_ref_is_refused_and_the_writer_lives(
    app: object, services: Services, client: Client
) -> None:
    branch = await make_branch(voters=2)
    await client.login(branch.voters[1].username)
    async with ws_server(app, services) as url, WsPeer.open(url, await cookie_of(client)) as ws:
        # Before the fix the pong echoed the surrogate, the writer died encoding it and the
        # connection answered nothing more.
        await ws.send_raw('{"type": "ping", "ref": "\\ud800"}')
        error = await ws.recv()
        assert error["type"] == "error" and error["code"] == "invalid"
        assert error["field"] == "ref" and "ref" not in error
        for ref in ('"a\\u0000b"', '"\\udfff\\ud800"', '"x\\ud83d"'):
            await ws.send_raw('{"type": "ping", "ref": ' + ref + "}")
            refused = await ws.recv()
            assert refused["type"] == "error" and refused["field"] == "ref"
        assert await ws.alive()
        # A proper pair (an emoji) is no lone surrogate: it is echoed as sent.
        await ws.send_raw('{"type": "ping", "ref": "\\ud83d\\ude00"}')
        assert await ws.recv() == {"type": "pong", "ref": "😀"}


async def test_unstorable_message_bodies_are_refused_before_the_action(
    app: object, services: Services, client: Client
) -> None:
    branch = await make_branch(voters=2)
    meeting = await live_plenary(branch)
    channel = f"meeting:{meeting.id}"
    await client.login(branch.voters[1].username)
    async with ws_server(app, services) as url, WsPeer.open(url, await cookie_of(client)) as ws:
        ack = await ws.answer({"type": "action", "channel": channel, "action": "check_in"})
        assert ack["type"] == "ack", ack
        # a lone surrogate used to raise inside the sanitizer (an `internal` error); NUL was
        # stored as sent (and is a database error on PostgreSQL)
        for n, body in enumerate(["你好\ud800", "\udc00", "a\x00b", "\x00"]):
            error = await ws.answer(
                {
                    "type": "action",
                    "channel": channel,
                    "action": "message",
                    "data": {"body": body},
                    "ref": f"m{n}",
                }
            )
            assert error["type"] == "error", error
            assert (error["code"], error["field"], error["ref"]) == ("invalid", "body", f"m{n}")
            assert "无法保存" in error["message"]
        assert await MeetingMessage.filter(meeting_id=meeting.id).count() == 0
        ok = await ws.answer(
            {"type": "action", "channel": channel, "action": "message", "data": {"body": "好"}}
        )
        assert ok["type"] == "ack" and ok["data"] == {"number": 1}
        stored = await MeetingMessage.get(meeting_id=meeting.id)
        assert stored.body_raw == "好"


async def test_every_string_of_a_frame_passes_the_door(
    app: object, services: Services, client: Client
) -> None:
    """Channel names, action names, unknown keys and nested values: one rule everywhere, and
    nothing unstorable is ever echoed back (the unsubscribe answer echoes its channel)."""
    branch = await make_branch(voters=2)
    meeting = await live_plenary(branch)
    await client.login(branch.secretary.username)
    frames = [
        ({"type": "unsubscribe", "channel": "meeting:1\ud800"}, "channel"),
        ({"type": "subscribe", "channel": "\x00"}, "channel"),
        ({"type": "action", "channel": f"meeting:{meeting.id}", "action": "\udbff"}, "action"),
        ({"type": "ping", "\ud800": 1}, None),
        ({"type": "ping\x00"}, "type"),
        (
            {
                "type": "action",
                "channel": f"meeting:{meeting.id}",
                "action": "create_vote",
                "data": {"kind": "motion", "title": ["\ud800"]},
            },
            "title",
        ),
        (
            {
                "type": "action",
                "channel": f"meeting:{meeting.id}",
                "action": "mute",
                "data": {"user_id": 1, "\x00": "x"},
            },
            "data",
        ),
    ]
    async with ws_server(app, services) as url, WsPeer.open(url, await cookie_of(client)) as ws:
        for frame, field in frames:
            error = await ws.answer(frame)
            assert error["type"] == "error" and error["code"] == "invalid", (frame, error)
            assert error.get("field") == field, (frame, error)
        too_deep: object = "x"
        for _ in range(10):
            too_deep = [too_deep]
        error = await ws.answer({"type": "ping", "ref": "deep", "x": too_deep})
        assert (error["type"], error["ref"]) == ("error", "deep")
        await ws.send_raw("[" * 5000 + "]" * 5000)  # beyond the JSON parser's recursion
        error = await ws.recv()
        assert error["type"] == "error" and error["code"] == "invalid"
        assert await ws.alive()
