"""A member's first post is not lost: held posts through the pages and the API.

With production new-member rules (`strict_moderation`), a 0-day account without a member
record (`public`, 群众) is premoderated: the author sees the held post marked 等待审核 on the
topic page, in the API and on /me; everyone else gets it hidden exactly as before (page,
API, search, feed); a cooldown refusal keeps the compose form; approval delivers the mention.
"""

from __future__ import annotations

from forum.boards.models import Post, Topic
from forum.notifications import Notification
from moderation import review
from moderation.models import Notice
from tests.boards_helpers import make_world, start_topic
from tests.factories import viewer_of
from tests.helpers import Client
from tests.moderation_helpers import strict_moderation  # noqa: F401

BODY = "群众的第一条回复，请 @full2 指教"


async def test_held_reply_is_seen_by_its_author_only_and_a_quick_retry_keeps_the_form(
    client: Client, other_client: Client
) -> None:
    world = await make_world()
    topic = await start_topic(world.public, world.users["full"], "欢迎讨论")
    await client.login("public")
    response = await client.post_form(f"/t/{topic.id}/reply", {"body": BODY})
    assert response.status_code == 303
    location = response.headers["location"]
    assert "held=1" in location
    post = await Post.get(topic_id=topic.id, number=2)
    assert post.hidden and post.held

    page = await client.get(location)
    assert page.status_code == 200
    assert "发布成功！您的内容已提交管理员审核" in page.text
    assert "等待审核" in page.text and "群众的第一条回复" in page.text
    mine = (await client.get(f"/api/v1/topics/{topic.id}")).json()["posts"][1]
    assert mine["held"] is True and "群众的第一条回复" in mine["html"]
    me = await client.get("/me")
    assert (
        "等待审核的帖子" in me.text and "欢迎讨论" in me.text and f"/t/{topic.id}?from=2" in me.text
    )

    # A second reply inside the 120 s new-account cooldown: the form again, text kept.
    again = await client.post_form(f"/t/{topic.id}/reply", {"body": "第二条，文字不能丢"})
    assert again.status_code == 429 and 1 <= int(again.headers["Retry-After"]) <= 120
    assert 'id="body-error"' in again.text and "秒后再发帖" in again.text
    assert "第二条，文字不能丢</textarea>" in again.text and "发表回复" in again.text
    api = await client.post_json(f"/api/v1/topics/{topic.id}/posts", {"body": "接口重试"})
    assert api.status_code == 429 and "error" in api.json()
    assert await Post.filter(topic_id=topic.id).count() == 2

    # Everyone else: hidden as before, on the page, in the API, in search and in the feed.
    await other_client.login("full2")
    other = await other_client.get(f"/t/{topic.id}")
    assert "群众的第一条回复" not in other.text and "此回帖已被隐藏" in other.text
    theirs = (await other_client.get(f"/api/v1/topics/{topic.id}")).json()["posts"][1]
    assert theirs["html"] is None and theirs["held"] is False
    found = await other_client.get("/search?q=群众的第一条回复")
    assert "没有找到包含“群众的第一条回复”的内容" in found.text
    feed = await other_client.get(f"/forum/b/{world.public.id}/feed.atom")
    assert "群众的第一条回复" not in feed.text
    assert not await Notification.filter(subject=f"topic:{topic.id}", kind="mention").exists()

    # Approval publishes it and delivers the mention; the author is told it passed.
    mod = await viewer_of(world.users["boardmod"])
    await review.moderate_content(mod, "post", post.id, "approve")
    mention = await Notification.get(subject=f"topic:{topic.id}", kind="mention")
    assert mention.user_id == world.users["full2"].id and mention.number == 2
    assert "群众的第一条回复" in (await other_client.get(f"/t/{topic.id}")).text
    assert "等待审核的帖子" not in (await client.get("/me")).text
    notice = await Notice.get(user_id=world.users["public"].id)
    assert notice.title == "您的回帖已通过审核，现已公开"


async def test_held_topic_opens_for_its_author_and_is_404_for_others_until_approved(
    client: Client, other_client: Client
) -> None:
    world = await make_world()
    await client.login("public")
    response = await client.post_form(
        f"/forum/b/{world.public.id}/new", {"title": "群众的第一个主题", "body": "请 @full 看看"}
    )
    assert response.status_code == 303 and response.headers["location"].endswith("?held=1")
    topic = await Topic.get(title="群众的第一个主题")
    assert topic.hidden and topic.held
    page = await client.get(response.headers["location"])
    assert page.status_code == 200 and "等待审核" in page.text
    assert "看看" in page.text and "发布成功" in page.text
    await other_client.login("full")
    assert (await other_client.get(f"/t/{topic.id}")).status_code == 404
    listing = await other_client.get(f"/forum/b/{world.public.id}")
    assert "群众的第一个主题" not in listing.text
    assert not await Notification.filter(subject=f"topic:{topic.id}").exists()

    # Rejected: the author is told why, and the topic is closed to them too.
    mod = await viewer_of(world.users["boardmod"])
    await review.moderate_content(mod, "topic", topic.id, "hide", "与本版主题无关")
    notice = await Notice.get(user_id=world.users["public"].id)
    assert notice.title == "您的主题未通过审核" and "与本版主题无关" in notice.body
    assert (await client.get(f"/t/{topic.id}")).status_code == 404
    assert not await Notification.filter(subject=f"topic:{topic.id}").exists()
    # Restored later by a moderator: the opening post's mention goes out then.
    await review.moderate_content(mod, "topic", topic.id, "restore")
    mention = await Notification.get(subject=f"topic:{topic.id}")
    assert mention.user_id == world.users["full"].id and mention.kind == "mention"


async def test_confirmed_members_first_post_is_published_at_once(client: Client) -> None:
    world = await make_world()
    topic = await start_topic(world.public, world.users["full"], "欢迎讨论")
    await client.login("full2")  # a 0-day account linked to a member record
    response = await client.post_form(f"/t/{topic.id}/reply", {"body": "正式党员 @full 的回复"})
    assert response.status_code == 303 and "held=1" not in response.headers["location"]
    post = await Post.get(topic_id=topic.id, number=2)
    assert not post.hidden and not post.held
    assert await Notification.filter(
        subject=f"topic:{topic.id}", user_id=world.users["full"].id
    ).exists()
