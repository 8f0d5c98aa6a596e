"""Word-filter "review" and "flag" hits routed to the review queue (moderation.hooks
`hold_back` + `route_review`): a "review" word holds the new item back until a moderator
approves it; a "flag" word publishes it and queues a system flag with the matched words.
Posts, topic titles, meeting messages, disclosure feedback and display names."""

from __future__ import annotations

import forum.boards.routes  # noqa: F401  (board moderator viewer facts)
import moderation.routes  # noqa: F401  (registers the targets and the display-name hooks)
from forum.accounts import actions as accounts
from forum.auditlog import AuditEntry
from forum.boards.actions import edit_post
from forum.boards.models import Post, Topic
from forum.models import User
from moderation import review, words
from moderation.models import ReviewItem
from realtime.meetings import actions as meetings
from realtime.meetings.models import MeetingMessage
from tests.boards_helpers import make_world, reply_to, start_topic
from tests.factories import make_person, viewer_of
from tests.integration import transparency_fixtures as tf
from tests.integration.meetings_fixtures import live_plenary, make_branch
from transparency import actions as t_actions
from transparency import queries as t_queries
from transparency.models import Feedback


async def _words() -> None:
    admin = await viewer_of(await make_person(None, None, username="word_admin", role="site_admin"))
    await words.add_word(admin, "VPN", "review", "翻墙")
    await words.add_word(admin, "刷单", "flag", "广告")


async def test_post_with_review_word_held_until_approved(database, published_events) -> None:  # type: ignore[no-untyped-def]
    world = await make_world()
    await _words()
    u = world.users
    topic = await start_topic(world.public, u["full"], "公开讨论")
    live = published_events.on(f"topic:{topic.id}")
    post = await reply_to(topic, u["full2"], "求个ｖ p n")
    assert (await Post.get(id=post.id)).hidden and live == []
    assert (await Topic.get(id=topic.id)).reply_count == 0
    item = await ReviewItem.get(target_kind="post", target_id=post.id)
    assert item.source == "word_filter" and item.hidden_by_review
    assert item.reasons == ["翻墙：VPN"] and item.board_id == world.public.id
    mod = await viewer_of(u["boardmod"])
    await review.moderate_content(mod, "post", post.id, "approve", "讨论技术问题")
    assert not (await Post.get(id=post.id)).hidden
    assert [m["event"] for m in live] == ["post.edited"]
    entry = await AuditEntry.get(action="content.approve", target_type="post")
    assert entry.actor_id == u["boardmod"].id and entry.target_id == str(post.id)


async def test_post_with_flag_word_published_and_queued(database, published_events) -> None:  # type: ignore[no-untyped-def]
    world = await make_world()
    await _words()
    u = world.users
    topic = await start_topic(world.public, u["full"], "公开讨论")
    live = published_events.on(f"topic:{topic.id}")
    post = await reply_to(topic, u["full2"], "专业刷 单，联系我")
    assert not (await Post.get(id=post.id)).hidden
    assert [m["event"] for m in live] == ["post.created"]
    item = await ReviewItem.get(target_kind="post", target_id=post.id)
    assert item.source == "word_filter" and not item.hidden_by_review
    assert item.reasons == ["广告：刷单"]
    mod = await viewer_of(u["boardmod"])
    await review.moderate_content(mod, "post", post.id, "hide", "广告")
    assert (await Post.get(id=post.id)).hidden
    assert (await ReviewItem.get(id=item.id)).resolution == "hide"
    assert await AuditEntry.filter(action="content.hide", target_id=str(post.id)).count() == 1


async def test_topic_title_with_review_word_held_flag_word_queued(database, services) -> None:  # type: ignore[no-untyped-def]
    world = await make_world()
    await _words()
    u = world.users
    held = await start_topic(world.public, u["full"], "VPN 使用交流", "正文")
    assert (await Topic.get(id=held.id)).hidden
    item = await ReviewItem.get(target_kind="topic", target_id=held.id)
    assert item.hidden_by_review and item.reasons == ["翻墙：VPN"]
    flagged = await start_topic(world.public, u["full"], "普通标题", "顺便说说刷单")
    assert not (await Topic.get(id=flagged.id)).hidden
    item2 = await ReviewItem.get(target_kind="topic", target_id=flagged.id)
    assert not item2.hidden_by_review and item2.reasons == ["广告：刷单"]
    secretary = await viewer_of(u["site_admin"])
    await review.moderate_content(secretary, "topic", held.id, "approve")
    assert not (await Topic.get(id=held.id)).hidden
    assert await AuditEntry.filter(action="content.approve", target_type="topic").count() == 1


async def test_meeting_message_review_word_held_then_approved_live(
    database, published_events
) -> None:  # type: ignore[no-untyped-def]
    await _words()
    branch = await make_branch(voters=3)
    meeting = await live_plenary(branch)
    author = branch.voters[1]
    await meetings.check_in(await viewer_of(author), meeting)
    live = published_events.on(f"meeting:{meeting.id}")
    held = await meetings.post_message(await viewer_of(author), meeting, "谁有 VPN")
    assert (await MeetingMessage.get(id=held.id)).removed and live == []
    item = await ReviewItem.get(target_kind="meeting_message", target_id=held.id)
    assert item.hidden_by_review and item.org_path == meeting.org_path
    flagged = await meetings.post_message(await viewer_of(author), meeting, "刷单的事")
    assert not (await MeetingMessage.get(id=flagged.id)).removed
    assert [m["event"] for m in live] == ["message.posted"]
    assert not (
        await ReviewItem.get(target_kind="meeting_message", target_id=flagged.id)
    ).hidden_by_review
    await review.moderate_content(
        await viewer_of(branch.secretary), "meeting_message", held.id, "approve"
    )
    assert not (await MeetingMessage.get(id=held.id)).removed
    assert [m["event"] for m in live] == ["message.posted", "message.posted"]
    assert live[1]["data"]["number"] == held.number and live[1]["data"]["html"]
    assert (
        await AuditEntry.filter(action="content.approve", actor_id=branch.secretary.id).count() == 1
    )


async def test_feedback_review_word_hidden_flag_word_queued(database, services) -> None:  # type: ignore[no-untyped-def]
    w = await tf.make_world()
    await _words()
    d = await tf.publish_through(w, await tf.draft(w))
    member = await w.v("member_a")
    held = await t_actions.leave_feedback(member, d, "能否用VPN访问")
    assert (await Feedback.get(id=held.id)).hidden
    item = await ReviewItem.get(target_kind="disclosure_feedback", target_id=held.id)
    assert item.hidden_by_review and item.org_path == w.tree.branch_a.path
    flagged = await t_actions.leave_feedback(member, d, "有人在群里刷单")
    assert not (await Feedback.get(id=flagged.id)).hidden
    assert (
        await ReviewItem.get(target_kind="disclosure_feedback", target_id=flagged.id)
    ).reasons == ["广告：刷单"]
    publicity = await w.v("publicity")  # the issuing org's staff is not a moderator
    d = await t_queries.get_disclosure_for(publicity, d.id)
    shown = [fb.id for fb in (await t_queries.item_context(publicity, d))["feedback"]]
    assert shown == [flagged.id]
    await review.moderate_content(
        await w.v("secretary"), "disclosure_feedback", held.id, "approve", "正常询问"
    )
    assert not (await Feedback.get(id=held.id)).hidden
    assert await AuditEntry.filter(
        action="content.approve", target_type="disclosure_feedback"
    ).exists()


async def test_display_name_with_flag_or_review_word_queued_and_reset(database, services) -> None:  # type: ignore[no-untyped-def]
    await _words()
    user = await accounts.register_user("newbie", "刷单达人", "correct-horse-9", "correct-horse-9")
    assert user.display_name == "刷单达人"  # accepted, queued for a look
    item = await ReviewItem.get(target_kind="display_name", target_id=user.id)
    assert item.source == "word_filter" and item.reasons == ["广告：刷单"]
    other = await make_person(None, None, username="renamer")
    await accounts.update_profile(await viewer_of(other), "VPN 小王")
    assert await ReviewItem.filter(target_kind="display_name", target_id=other.id).exists()
    site_mod = await viewer_of(await make_person(None, None, username="smod", role="moderator"))
    await review.moderate_content(site_mod, "display_name", user.id, "hide", "名称含广告")
    assert (await User.get(id=user.id)).display_name == "newbie"
    entry = await AuditEntry.get(action="content.hide", target_type="display_name")
    assert entry.target_id == str(user.id) and entry.reason == "名称含广告"
    await review.moderate_content(site_mod, "display_name", other.id, "dismiss", "无问题")
    assert (await User.get(id=other.id)).display_name == "VPN 小王"


async def test_edit_bringing_in_a_review_word_hides_the_post_until_approved(  # type: ignore[no-untyped-def]
    database, published_events
) -> None:
    world = await make_world()
    await _words()
    u = world.users
    topic = await start_topic(world.public, u["full"], "公开讨论")
    post = await reply_to(topic, u["full2"], "正常的回复")
    assert (await Topic.get(id=topic.id)).reply_count == 1
    live = published_events.on(f"topic:{topic.id}")
    author = await viewer_of(u["full2"])
    await edit_post(author, topic, await Post.get(id=post.id), "改成 V P N 的话题")
    fresh = await Post.get(id=post.id)
    assert fresh.hidden and fresh.edit_count == 1
    assert (await Topic.get(id=topic.id)).reply_count == 0
    assert [(m["event"], m["data"]["state"]) for m in live] == [("post.hidden", "hidden")]
    item = await ReviewItem.get(target_kind="post", target_id=post.id)
    assert item.source == "word_filter" and item.hidden_by_review
    mod = await viewer_of(u["boardmod"])
    await review.moderate_content(mod, "post", post.id, "approve", "可以讨论")
    assert not (await Post.get(id=post.id)).hidden
    assert (await Topic.get(id=topic.id)).reply_count == 1
    assert await AuditEntry.filter(action__startswith="content.", target_id=str(post.id)).exists()


async def test_edit_with_a_flag_word_stays_visible_and_is_queued(  # type: ignore[no-untyped-def]
    database, services
) -> None:
    world = await make_world()
    await _words()
    u = world.users
    topic = await start_topic(world.public, u["full"], "公开讨论")
    post = await reply_to(topic, u["full2"], "正常的回复")
    author = await viewer_of(u["full2"])
    await edit_post(author, topic, await Post.get(id=post.id), "欢迎刷单")
    assert not (await Post.get(id=post.id)).hidden
    item = await ReviewItem.get(target_kind="post", target_id=post.id)
    assert item.source == "word_filter" and not item.hidden_by_review
    assert item.reasons == ["广告：刷单"]
