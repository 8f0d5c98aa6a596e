"""Replay never hands out what moderation took away: a post hidden by a moderator or deleted
by its author, a meeting message removed by the host. Fresh subscribers (from id 0) and
reconnecting ones (from a cursor before the removal) get no trace of the text, over the
real `/ws` endpoint, on SQLite and PostgreSQL. Edits replay as the current version."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest_asyncio

from forum import events
from forum.boards import (
    realtime_channels,  # noqa: F401  (registers the topic kind)
)
from forum.boards.models import Post, Topic
from forum.events import ChannelEvent
from forum.services import Services
from realtime import hub
from realtime.meetings import actions as meeting_actions
from realtime.meetings import channel as meeting_channel  # noqa: F401  (registers the kind)
from tests.asgi_ws import AsgiWebSocket
from tests.boards_helpers import make_world, start_topic
from tests.helpers import Client
from tests.integration.meetings_fixtures import live_plenary, make_branch, v


@pytest_asyncio.fixture(loop_scope="session")
async def running_hub(services: Services) -> AsyncIterator[hub.Hub]:
    """This test's own hub on this test's broker (as the app lifespan starts it)."""
    await hub.start(services)
    yield hub.get_hub()
    await hub.stop()


async def _login(app: Any, username: str) -> Client:
    client = Client(app)
    await client.login(username)
    return client


async def _replays(app: Any, username: str, channel: str, cursors: list[int]) -> list[str]:
    """Everything the server sent to a fresh connection per cursor, as raw text frames."""
    client = await _login(app, username)
    texts: list[str] = []
    try:
        for cursor in cursors:
            async with AsgiWebSocket(app, client) as ws:
                frames = await ws.subscribe(channel, cursor)
                assert frames[-1]["type"] == "subscribed", frames
            texts.extend(ws.texts)
    finally:
        await client.http.aclose()
    return texts


async def _stored(channel: str) -> list[ChannelEvent]:
    return await ChannelEvent.filter(channel=channel).order_by("seq")


async def _topic_with_reply(app: Any, secret: str) -> tuple[Topic, int, Client]:
    world = await make_world()
    topic = await start_topic(world.public, world.users["full"])
    cursor = await events.head(f"topic:{topic.id}")
    author = await _login(app, "full2")
    response = await author.post_form(f"/t/{topic.id}/reply", {"body": secret})
    assert response.status_code == 303, response.text
    return topic, cursor, author


async def test_hidden_post_is_replayed_without_its_text(app: Any, running_hub: hub.Hub) -> None:
    secret = "不宜公开的内容甲一"
    topic, cursor, author = await _topic_with_reply(app, secret)
    channel = f"topic:{topic.id}"
    live_client = await _login(app, "prob")
    async with AsgiWebSocket(app, live_client) as live:
        await live.subscribe(channel, None)
        moderator = await _login(app, "bmod")
        response = await moderator.post_form(
            f"/t/{topic.id}/2/hide", {"hidden": "1", "confirmed": "1"}
        )
        assert response.status_code == 303
        hidden = (await live.until(lambda f: f.get("event") == "post.hidden"))[-1]
        assert hidden["data"]["number"] == 2 and hidden["data"]["state"] == "hidden"
    # The log itself no longer holds the text: the post.created became a tombstone.
    stored = await _stored(channel)
    assert all(secret not in str(row.payload) for row in stored)
    assert [row.type for row in stored] == ["post.created", "post.hidden", "post.hidden"]
    for username in ("prob", "full2", "bmod"):  # reader, author, moderator alike
        texts = await _replays(app, username, channel, [0, cursor])
        assert texts and all(secret not in text for text in texts)
        assert sum('"post.hidden"' in text for text in texts) == 4  # 2 per replay
    for client in (author, moderator, live_client):
        await client.http.aclose()


async def test_post_deleted_by_its_author_is_replayed_without_its_text(
    app: Any, running_hub: hub.Hub
) -> None:
    secret = "作者删掉的话乙二"
    topic, cursor, author = await _topic_with_reply(app, secret)
    channel = f"topic:{topic.id}"
    response = await author.post_form(f"/t/{topic.id}/2/delete", {"confirmed": "1"})
    assert response.status_code == 303
    assert (await Post.get(topic_id=topic.id, number=2)).deleted
    assert all(secret not in str(row.payload) for row in await _stored(channel))
    texts = await _replays(app, "prob", channel, [0, cursor])
    assert all(secret not in text for text in texts)
    assert sum('"state":"deleted"' in text for text in texts) == 4
    await author.http.aclose()


async def test_restored_post_reappears_with_its_current_text(
    app: Any, running_hub: hub.Hub
) -> None:
    """A moderator's restore appends the post anew; the earlier events stay tombstones."""
    secret = "恢复后可见的回复丙三"
    topic, cursor, author = await _topic_with_reply(app, secret)
    channel = f"topic:{topic.id}"
    moderator = await _login(app, "bmod")
    await moderator.post_form(f"/t/{topic.id}/2/hide", {"hidden": "1", "confirmed": "1"})
    await moderator.post_form(f"/t/{topic.id}/2/hide", {"hidden": "0"})
    client = await _login(app, "prob")
    async with AsgiWebSocket(app, client) as ws:
        frames = await ws.subscribe(channel, cursor)
    events_ = [(f["event"], secret in str(f["data"])) for f in frames if f["type"] == "event"]
    assert events_ == [("post.hidden", False), ("post.hidden", False), ("post.edited", True)]
    # Hidden again: the restore's event is redacted too.
    await moderator.post_form(f"/t/{topic.id}/2/hide", {"hidden": "1", "confirmed": "1"})
    texts = await _replays(app, "prob", channel, [0, cursor])
    assert all(secret not in text for text in texts)
    for c in (author, moderator, client):
        await c.http.aclose()


async def test_edited_post_replays_the_current_version_only(app: Any, running_hub: hub.Hub) -> None:
    old, new = "编辑之前的原话丁四", "编辑之后的新话"
    topic, cursor, author = await _topic_with_reply(app, old)
    channel = f"topic:{topic.id}"
    response = await author.post_form(f"/t/{topic.id}/2/edit", {"body": new})
    assert response.status_code == 303, response.text
    texts = await _replays(app, "prob", channel, [0, cursor])
    assert all(old not in text for text in texts)
    assert sum(new in text for text in texts) == 4  # created + edited, in each replay
    assert all(old not in str(row.payload) for row in await _stored(channel))
    await author.http.aclose()


async def test_replay_rechecks_rows_written_before_redaction(
    app: Any, running_hub: hub.Hub
) -> None:
    """A log row that still carries the text (written before the log was redacted on
    removal, or by a path that forgot) is checked against the post at replay time."""
    secret = "旧日志里残留的内容戊五"
    topic, cursor, author = await _topic_with_reply(app, secret)
    channel = f"topic:{topic.id}"
    created = await ChannelEvent.get(channel=channel, seq=cursor + 1)
    original = dict(created.payload)
    moderator = await _login(app, "bmod")
    await moderator.post_form(f"/t/{topic.id}/2/hide", {"hidden": "1", "confirmed": "1"})
    await ChannelEvent.filter(id=created.id).update(
        type="post.created", payload=original, subject=None
    )
    assert secret in str((await ChannelEvent.get(id=created.id)).payload)
    texts = await _replays(app, "prob", channel, [0, cursor])
    assert texts and all(secret not in text for text in texts)
    for c in (author, moderator):
        await c.http.aclose()


async def test_removed_meeting_message_is_replayed_without_its_text(
    app: Any, services: Services, running_hub: hub.Hub
) -> None:
    secret = "会上被主持人移除的发言己六"
    branch = await make_branch()
    meeting = await live_plenary(branch)
    channel = f"meeting:{meeting.id}"
    cursor = await events.head(channel)
    speaker, listener = branch.voters[1], branch.voters[2]
    await meeting_actions.check_in(await v(speaker), meeting)
    kept = await meeting_actions.post_message(await v(speaker), meeting, "保留的发言")
    message = await meeting_actions.post_message(await v(speaker), meeting, secret)
    live_client = await _login(app, listener.username)
    async with AsgiWebSocket(app, live_client) as live:
        await live.subscribe(channel, None)
        await meeting_actions.remove_message(
            await v(branch.secretary), meeting, message.number, "离题"
        )
        removed = (await live.until(lambda f: f.get("event") == "message.removed"))[-1]
        assert removed["data"]["number"] == message.number
    assert all(secret not in str(row.payload) for row in await _stored(channel))
    for username in (listener.username, branch.secretary.username):  # member and host
        texts = await _replays(app, username, channel, [0, cursor])
        assert all(secret not in text for text in texts)
        assert sum("保留的发言" in text for text in texts) == 2  # the kept one still replays
    assert kept.number != message.number
    await live_client.http.aclose()
