"""Topic channel: events published after commit, with an audience the policy filters on."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from forum import publisher
from forum.boards import (
    queries,
    realtime_channels,  # noqa: F401  (registers the topic kind)
)
from forum.boards.models import Post
from forum.events import ChannelEvent
from realtime.channels import kind_for
from tests.boards_helpers import make_world, reply_to, start_topic
from tests.factories import viewer_of
from tests.helpers import Client


@pytest.fixture
def published(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[ChannelEvent]]:
    """Every event handed to the publisher (which still sends it through the broker)."""
    seen: list[ChannelEvent] = []
    original = publisher.publish

    async def record(*events: ChannelEvent) -> None:
        seen.extend(events)
        await original(*events)

    monkeypatch.setattr(publisher, "publish", record)
    yield seen


async def test_reply_edit_hide_publish_topic_events(
    client: Client, other_client: Client, published: list[ChannelEvent]
) -> None:
    world = await make_world()
    topic = await start_topic(world.public, world.users["full"])
    published.clear()
    await client.login("full2")
    await client.post_form(f"/t/{topic.id}/reply", {"body": "**新回复**"})
    post = await Post.get(topic_id=topic.id, number=2)
    await client.post_form(f"/t/{topic.id}/2/edit", {"body": "改过"})
    await other_client.login("bmod")
    await other_client.post_form(f"/t/{topic.id}/2/hide", {"hidden": "1"})
    assert [(e.channel, e.type) for e in published] == [
        (f"topic:{topic.id}", "post.created"),
        (f"topic:{topic.id}", "post.edited"),
        (f"topic:{topic.id}", "post.hidden"),
    ]
    created, edited, hidden = (e.payload for e in published)
    assert created["html"] == "<p><strong>新回复</strong></p>" and created["number"] == 2
    assert created["post_id"] == post.id and "body_raw" not in created
    assert edited["html"] == "<p>改过</p>"
    assert hidden == {"post_id": post.id, "number": 2, "state": "hidden"}
    assert published[0].audience["board"]["board_id"] == world.public.id


async def test_refused_reply_publishes_nothing(
    client: Client, published: list[ChannelEvent]
) -> None:
    world = await make_world()
    topic = await start_topic(world.public, world.users["full"])
    published.clear()
    await client.login("full2")
    await client.post_form(f"/t/{topic.id}/reply", {"body": ""})
    await client.logout()
    await client.post_form(f"/t/{topic.id}/reply", {"body": "游客"})
    assert published == []


async def test_topic_channel_filters_by_policy(
    database: object, published: list[ChannelEvent]
) -> None:
    world = await make_world()
    topic = await start_topic(world.branch, world.users["full"])
    loaded = await queries.get_topic_for(await viewer_of(world.users["full"]), topic.id)
    from forum.boards import actions

    await actions.create_post(await viewer_of(world.users["full2"]), loaded, "支部内部回复")
    parsed = kind_for(f"topic:{topic.id}")
    assert parsed is not None
    kind, object_id = parsed
    event = published[-1]
    frame = {
        "channel": event.channel,
        "id": event.seq,
        "event": event.type,
        "data": event.payload,
        "audience": event.audience,
    }
    member, outsider = world.users["probationary"], world.users["sibling"]
    assert await kind.can_subscribe(await viewer_of(member), object_id)
    assert not await kind.can_subscribe(await viewer_of(outsider), object_id)
    assert kind.can_receive(await viewer_of(member), frame)
    assert not kind.can_receive(await viewer_of(outsider), frame)
    assert not await kind.can_subscribe(await viewer_of(member), 999_999)


async def test_topic_page_embeds_current_channel_id(client: Client) -> None:
    from forum.events import head

    world = await make_world()
    topic = await start_topic(world.public, world.users["full"])
    await reply_to(topic, world.users["full2"])
    await reply_to(topic, world.users["probationary"])
    assert await head(f"topic:{topic.id}") == 3  # the opening post, then two replies
    await client.login("full")
    page = await client.get(f"/t/{topic.id}")
    assert f'data-channel="topic:{topic.id}" data-last-id="3"' in page.text
    assert "js/realtime.js" in page.text and "js/boards.js" in page.text
