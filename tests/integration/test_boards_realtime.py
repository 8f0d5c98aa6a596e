"""Topic channel: events published after commit, with an audience the policy filters on."""

from __future__ import annotations

from forum.boards import (
    queries,
    realtime_channels,  # noqa: F401  (registers the topic kind)
)
from forum.boards.models import Post
from realtime.channels import kind_for
from tests.boards_helpers import make_world, reply_to, start_topic
from tests.capture import PublishedEvents
from tests.factories import viewer_of
from tests.helpers import Client


async def test_reply_edit_hide_publish_topic_events(
    client: Client, other_client: Client, published_events: PublishedEvents
) -> None:
    world = await make_world()
    topic = await start_topic(world.public, world.users["full"])
    published_events.clear()
    await client.login("full2")
    await client.post_form(f"/t/{topic.id}/reply", {"body": "**新回复**"})
    post = await Post.get(topic_id=topic.id, number=2)
    await client.post_form(f"/t/{topic.id}/2/edit", {"body": "改过"})
    await other_client.login("bmod")
    await other_client.post_form(f"/t/{topic.id}/2/hide", {"hidden": "1", "confirmed": "1"})
    published = published_events.events
    assert [(m["channel"], m["event"]) for m in published] == [
        (f"topic:{topic.id}", "post.created"),
        (f"topic:{topic.id}", "post.edited"),
        (f"topic:{topic.id}", "post.hidden"),
    ]
    created, edited, hidden = (m["data"] for m in published)
    assert created["html"] == "<p><strong>新回复</strong></p>" and created["number"] == 2
    assert created["post_id"] == post.id and "body_raw" not in created
    author = world.users["full2"]
    assert (created["author"], created["author_username"]) == (author.display_name, author.username)
    assert edited["html"] == "<p>改过</p>"
    assert hidden == {"post_id": post.id, "number": 2, "state": "hidden"}
    assert published[0]["audience"]["board"]["board_id"] == world.public.id


async def test_refused_reply_publishes_nothing(
    client: Client, published_events: PublishedEvents
) -> None:
    world = await make_world()
    topic = await start_topic(world.public, world.users["full"])
    published_events.clear()
    await client.login("full2")
    await client.post_form(f"/t/{topic.id}/reply", {"body": ""})
    await client.logout()
    await client.post_form(f"/t/{topic.id}/reply", {"body": "游客"})
    assert published_events.events == []


async def test_topic_channel_filters_by_policy(
    database: object, published_events: PublishedEvents
) -> None:
    world = await make_world()
    topic = await start_topic(world.branch, world.users["full"])
    loaded = await queries.get_topic_for(await viewer_of(world.users["full"]), topic.id)
    from forum.boards import actions

    await actions.create_post(await viewer_of(world.users["full2"]), loaded, "支部内部回复")
    parsed = kind_for(f"topic:{topic.id}")
    assert parsed is not None
    kind, object_id = parsed
    # The broker message without the publisher's send time: the hub's frame.
    frame = {k: v for k, v in published_events.events[-1].items() if k != "ts"}
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
