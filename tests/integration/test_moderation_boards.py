"""Posts and topics in the moderation tools: flags hide at the threshold, moderator decisions
change the boards rows and publish on the topic channel, the approved-post counter."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

import forum.boards.routes  # noqa: F401  (board moderator viewer facts)
import moderation.routes  # noqa: F401  (registers the boards targets)
from forum.auditlog import AuditEntry
from forum.boards import actions as board_actions
from forum.boards import queries as board_queries
from forum.boards.models import Post, PostRevision, Topic
from forum.errors import ActionError, Forbidden
from forum.models import User
from forum.notifications import Notification
from moderation import hooks, review
from moderation.models import Notice, ReviewItem
from tests.boards_helpers import make_world, reply_to, start_topic
from tests.factories import make_person, viewer_of


async def _age(*users: User) -> None:
    old = dt.datetime.now(dt.UTC) - dt.timedelta(days=30)
    await User.filter(id__in=[u.id for u in users]).update(created_at=old)


async def test_three_flags_hide_a_post_and_secretary_restores_it(
    database, published_events
) -> None:  # type: ignore[no-untyped-def]
    world = await make_world()
    u = world.users
    await _age(*u.values())
    topic = await start_topic(world.public, u["full"], "公开讨论")
    post = await reply_to(topic, u["full2"], "一条广告回复")
    live = published_events.on(f"topic:{topic.id}")
    for name in ("full", "probationary", "activist"):
        await review.flag_content(await viewer_of(u[name]), "post", post.id, "spam")
    fresh = await Post.get(id=post.id)
    assert fresh.hidden
    assert (await Topic.get(id=topic.id)).reply_count == 0
    assert [m["event"] for m in live] == ["post.hidden"]
    assert live[0]["data"]["state"] == "hidden"
    item = await ReviewItem.get(target_kind="post", target_id=post.id)
    assert item.hidden_by_review and item.board_id == world.public.id
    mod = await viewer_of(u["boardmod"])  # a board moderator of the public board
    await review.moderate_content(mod, "post", post.id, "dismiss", "举报不成立")
    assert not (await Post.get(id=post.id)).hidden
    assert (await Topic.get(id=topic.id)).reply_count == 1
    assert [m["event"] for m in live] == ["post.hidden", "post.edited"]
    assert await AuditEntry.filter(action="content.auto_hide", target_id=str(post.id)).count() == 1
    assert await AuditEntry.filter(action="content.dismiss", actor_id=u["boardmod"].id).count() == 1
    assert await Notice.filter(user_id=u["full2"].id).count() == 2


async def test_branch_post_moderated_in_subtree_only(database, services) -> None:  # type: ignore[no-untyped-def]
    world = await make_world()
    u = world.users
    await _age(*u.values())
    topic = await start_topic(world.branch, u["full"], "支部内部")
    post = await reply_to(topic, u["full2"], "内部回复")
    sibling_secretary = await make_person(world.tree.branch_b, username="sec_b", role="secretary")
    with pytest.raises(Forbidden):
        await review.moderate_content(
            await viewer_of(sibling_secretary), "post", post.id, "hide", "越权"
        )
    with pytest.raises(Forbidden, match="自己"):
        secretary_post = await reply_to(topic, u["secretary"], "书记的回复")
        await review.moderate_content(
            await viewer_of(u["secretary"]), "post", secretary_post.id, "hide", "自己"
        )
    secretary = await viewer_of(u["secretary"])
    await review.moderate_content(secretary, "post", post.id, "delete", "不当言论")
    assert (await Post.get(id=post.id)).deleted
    await review.moderate_content(secretary, "post", post.id, "restore", "误删")
    assert not (await Post.get(id=post.id)).deleted
    await review.moderate_content(
        secretary, "post", post.id, "edit", "删去手机号", new_text="修改后的回复"
    )
    edited = await Post.get(id=post.id)
    assert edited.body_raw == "修改后的回复" and "修改后的回复" in edited.body_html
    revision = await PostRevision.get(post_id=post.id)
    assert revision.body_before == "内部回复" and revision.reason == "删去手机号"
    actions = [e.action for e in await AuditEntry.filter(actor_id=u["secretary"].id).order_by("id")]
    assert actions == ["content.delete", "content.restore", "content.edit"]
    assert all(
        e.org_path == world.tree.branch_a.path
        for e in await AuditEntry.filter(actor_id=u["secretary"].id)
    )


async def test_flagging_a_hidden_topic_looks_missing(database, services) -> None:  # type: ignore[no-untyped-def]
    world = await make_world()
    u = world.users
    await _age(*u.values())
    topic = await start_topic(world.public, u["full"], "将被隐藏的主题")
    await review.moderate_content(await viewer_of(u["boardmod"]), "topic", topic.id, "hide", "跑题")
    assert (await Topic.get(id=topic.id)).hidden
    from forum.errors import NotFound

    with pytest.raises(NotFound):
        await review.flag_content(await viewer_of(u["full2"]), "topic", topic.id, "spam")
    await review.moderate_content(
        await viewer_of(u["boardmod"]), "topic", topic.id, "restore", "恢复"
    )
    assert not (await Topic.get(id=topic.id)).hidden
    assert (
        await AuditEntry.filter(
            action__in=["content.hide", "content.restore"], target_type="topic"
        ).count()
        == 2
    )


async def test_approved_posts_count_for_the_new_member_rule(
    database, services, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    import dataclasses

    from forum.settings import get_settings
    from moderation import newmembers

    strict = dataclasses.replace(get_settings(), new_account_days=3, new_account_min_posts=3)
    monkeypatch.setattr(newmembers, "get_settings", lambda: strict)
    world = await make_world()
    u = world.users
    await _age(*u.values())
    writer = await viewer_of(u["public"])
    assert await hooks.needs_premoderation(writer)  # aged, no member record, no approved posts yet
    topic = await start_topic(world.public, u["full"], "计数")
    await Post.create(
        topic_id=topic.id, number=2, author_id=u["public"].id, body_raw="a", body_html="a"
    )
    await Post.create(
        topic_id=topic.id, number=3, author_id=u["public"].id, body_raw="b", body_html="b"
    )
    await Post.create(
        topic_id=topic.id,
        number=4,
        author_id=u["public"].id,
        body_raw="c",
        body_html="c",
        hidden=True,
    )
    assert await hooks.needs_premoderation(writer)  # 2 approved
    await Post.create(
        topic_id=topic.id, number=5, author_id=u["public"].id, body_raw="d", body_html="d"
    )
    assert not await hooks.needs_premoderation(writer)  # 3 approved


async def _steering_world() -> tuple[Any, Topic, list[Post]]:
    world = await make_world()
    u = world.users
    await _age(*u.values())
    topic = await start_topic(world.branch, u["full"], "原主题")
    posts = [await reply_to(topic, u["full2"], f"回复{i}") for i in range(2, 5)]
    return world, topic, posts


async def test_move_topic_between_moderated_boards_audited(database, services) -> None:  # type: ignore[no-untyped-def]
    from forum.boards import steering

    world, topic, _ = await _steering_world()
    u = world.users
    admin = await viewer_of(u["site_admin"])
    loaded = await steering.get_topic(admin, topic.id)
    await steering.move_topic(admin, loaded, world.public.id, "更适合公开讨论")
    assert (await Topic.get(id=topic.id)).board_id == world.public.id
    entry = await AuditEntry.get(action="topic.moved")
    assert entry.before == {"board_id": world.branch.id} and entry.reason == "更适合公开讨论"
    # The branch secretary moderates the branch board but not the public one.
    secretary = await viewer_of(u["secretary"])
    other = await start_topic(world.branch, u["full2"], "另一个主题")
    with pytest.raises(Forbidden):
        await steering.move_topic(
            secretary, await steering.get_topic(secretary, other.id), world.public.id, "越权"
        )
    assert await AuditEntry.filter(action="topic.moved").count() == 1


async def test_merge_and_split_renumber_posts_and_audit(database, services) -> None:  # type: ignore[no-untyped-def]
    from forum.boards import steering

    world, topic, _ = await _steering_world()
    u = world.users
    secretary = await viewer_of(u["secretary"])
    loaded = await steering.get_topic(secretary, topic.id)
    new = await steering.split_topic(secretary, loaded, [3, 4], "拆出的讨论", "跑题")
    moved = await Post.filter(topic_id=new.id).order_by("number")
    assert [(p.number, p.body_raw) for p in moved] == [(1, "回复3"), (2, "回复4")]
    assert (await Topic.get(id=topic.id)).reply_count == 1
    fresh_new = await Topic.get(id=new.id)
    assert (fresh_new.reply_count, fresh_new.last_number, fresh_new.author_id) == (
        1,
        2,
        u["full2"].id,
    )
    split_entry = await AuditEntry.get(action="topic.split")
    assert split_entry.after == {"new_topic": new.id, "title": "拆出的讨论"}
    source = await steering.get_topic(secretary, new.id)
    target = await steering.merge_topics(secretary, source, topic.id, "合并回原主题")
    numbers = [p.number for p in await Post.filter(topic_id=target.id).order_by("number")]
    assert numbers == [1, 2, 5, 6]  # numbers are never reused: appended after last_number
    merged_source = await Topic.get(id=new.id)
    assert merged_source.hidden and merged_source.closed
    assert (await Topic.get(id=topic.id)).reply_count == 3
    assert await AuditEntry.filter(action="topic.merged", target_id=str(new.id)).count() == 1
    with pytest.raises(Forbidden, match="自己"):
        own = await start_topic(world.branch, u["secretary"], "书记的主题")
        await steering.move_topic(
            secretary, await steering.get_topic(secretary, own.id), world.branch.id, "x"
        )


async def test_slow_mode_and_timed_close_take_effect_on_replies(database, services) -> None:  # type: ignore[no-untyped-def]
    from forum.boards import steering
    from forum.errors import RateLimited

    world, topic, _ = await _steering_world()
    u = world.users
    secretary = await viewer_of(u["secretary"])
    loaded = await steering.get_topic(secretary, topic.id)
    await steering.set_slow_mode(secretary, loaded, 600, "降温")
    await hooks.check_post_rate(await viewer_of(u["probationary"]), scope=f"topic:{topic.id}")
    with pytest.raises(RateLimited, match="慢速模式"):
        await hooks.check_post_rate(await viewer_of(u["probationary"]), scope=f"topic:{topic.id}")
    soon = dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)
    await steering.set_timed_close(secretary, loaded, soon, "讨论截止")
    from moderation.models import TopicSteering

    await TopicSteering.filter(topic_id=topic.id).update(
        close_at=dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)
    )
    activist = await viewer_of(u["activist"])
    with pytest.raises(Forbidden, match="按计划关闭"):
        await hooks.check_post_rate(activist, scope=f"topic:{topic.id}")
    assert not (await Topic.get(id=topic.id)).closed  # the rate check only reads
    # A reply attempt (a write) refuses and records the due close, audited as the system.
    with pytest.raises(Forbidden, match="按计划关闭"):
        await board_actions.create_post(
            activist, await board_queries.get_topic_for(activist, topic.id), "还能回复吗"
        )
    assert (await Topic.get(id=topic.id)).closed
    actions = {
        e.action for e in await AuditEntry.filter(target_type="topic", target_id=str(topic.id))
    }
    assert {"topic.slow_mode", "topic.timed_close", "topic.closed"} <= actions
    closed_entry = await AuditEntry.get(action="topic.closed", target_id=str(topic.id))
    assert closed_entry.actor_id is None and closed_entry.org_path == world.tree.branch_a.path


async def test_steering_page_and_forms(database, services, client) -> None:  # type: ignore[no-untyped-def]
    _, topic, _ = await _steering_world()
    await client.login("sec")
    page = await client.get(f"/moderation/topics/{topic.id}")
    assert page.status_code == 200 and "拆分回帖为新主题" in page.text
    response = await client.post_form(
        f"/moderation/topics/{topic.id}/slow-mode", {"seconds": "30", "reason": "测试"}
    )
    assert response.status_code == 303
    response = await client.post_form(
        f"/moderation/topics/{topic.id}/split",
        {"numbers": ["2"], "title": "新主题", "reason": "拆分"},
    )
    assert response.status_code == 303 and response.headers["location"].startswith("/t/")
    await client.logout()
    await client.login("full2")
    assert (await client.get(f"/moderation/topics/{topic.id}")).status_code == 404


async def test_new_member_posts_wait_in_the_queue_until_approved(
    database, published_events, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    import dataclasses

    from forum.settings import get_settings
    from moderation import newmembers

    world = await make_world()
    u = world.users
    await _age(u["full"])
    topic = await start_topic(world.public, u["full"], "欢迎新成员")
    strict = dataclasses.replace(get_settings(), new_account_days=3, new_account_min_posts=0)
    monkeypatch.setattr(newmembers, "get_settings", lambda: strict)
    live = published_events.on(f"topic:{topic.id}")
    # `public` is a 0-day account with no member record (群众): premoderated.
    newcomer = u["public"]
    post = await reply_to(topic, newcomer, "新成员的第一条回复 @sec")
    stored = await Post.get(id=post.id)
    assert stored.hidden and stored.held and live == []
    item = await ReviewItem.get(target_kind="post", target_id=post.id)
    assert item.source == "premoderation" and item.hidden_by_review
    # Nobody is notified of a held post yet: not the topic's author, not the mentioned.
    assert not await Notification.filter(subject=f"topic:{topic.id}").exists()
    new_topic = await start_topic(world.public, newcomer, "新成员的主题", "请 @full 指导")
    stored_topic = await Topic.get(id=new_topic.id)
    assert stored_topic.hidden and stored_topic.held
    assert await ReviewItem.filter(target_kind="topic", target_id=new_topic.id).exists()
    assert not await Notification.filter(subject=f"topic:{new_topic.id}").exists()
    # A confirmed member's first post (0-day account too) is published at once.
    member_post = await reply_to(topic, u["full2"], "正式党员的第一条回复")
    assert not (await Post.get(id=member_post.id)).hidden
    mod = await viewer_of(u["boardmod"])
    await review.moderate_content(mod, "post", post.id, "approve")
    await review.moderate_content(mod, "topic", new_topic.id, "approve")
    approved = await Post.get(id=post.id)
    assert not approved.hidden and not approved.held
    approved_topic = await Topic.get(id=new_topic.id)
    assert not approved_topic.hidden and not approved_topic.held
    assert (await Topic.get(id=topic.id)).reply_count == 2
    assert [m["event"] for m in live] == ["post.created", "post.edited"]
    assert await AuditEntry.filter(action="content.approve").count() == 2
    assert await Notice.filter(user_id=newcomer.id).count() == 2
    # Approval delivered what the posts would have sent: the mention and the reply.
    sent = (
        await Notification.filter(actor_id=newcomer.id)
        .order_by("id")
        .values_list("user_id", "kind", "subject")
    )
    assert sorted(sent) == sorted(
        [
            (u["secretary"].id, "mention", f"topic:{topic.id}"),
            (u["full"].id, "reply", f"topic:{topic.id}"),
            (u["full"].id, "mention", f"topic:{new_topic.id}"),
        ]
    )
    # Approving again (restore after a later hide) sends nothing twice.
    await review.moderate_content(mod, "post", post.id, "hide", "复查")
    await review.moderate_content(mod, "post", post.id, "restore")
    assert await Notification.filter(actor_id=newcomer.id).count() == 3


async def test_reply_count_follows_visibility_whichever_tool_changes_it(
    client, database, services
) -> None:  # type: ignore[no-untyped-def]
    """The post menu, the author's delete and the moderation decisions all go through one
    state function: only a change of visibility moves the count."""
    world = await make_world()
    u = world.users
    topic = await start_topic(world.public, u["full"], "计数")
    first = await reply_to(topic, u["full2"], "第一条回复")
    second = await reply_to(topic, u["full2"], "第二条回复")

    async def count() -> int:
        return int((await Topic.get(id=topic.id)).reply_count)

    mod = await viewer_of(u["boardmod"])
    await client.login("bmod")
    hide = await client.post_form(
        f"/t/{topic.id}/2/hide", {"hidden": "1", "reason": "违规", "confirmed": "1"}
    )
    assert hide.status_code == 303 and await count() == 1
    await review.moderate_content(mod, "post", first.id, "delete", "删除")  # already invisible
    assert await count() == 1
    await review.moderate_content(mod, "post", first.id, "restore", "恢复")
    assert await count() == 2
    fresh = await Post.get(id=first.id)
    assert not fresh.hidden and not fresh.deleted
    await client.login("full2")
    assert (
        await client.post_form(f"/t/{topic.id}/3/delete", {"confirmed": "1"})
    ).status_code == 303
    assert await count() == 1 and (await Post.get(id=second.id)).deleted


async def test_edit_reason_longer_than_the_revision_keeps_is_refused(database, services) -> None:  # type: ignore[no-untyped-def]
    """The queue takes reasons up to 1000 characters; a post revision keeps 200: a longer
    edit reason is refused (it used to be cut to 500 and then fail in the database)."""
    from forum.errors import ActionError

    world = await make_world()
    u = world.users
    await _age(*u.values())
    topic = await start_topic(world.public, u["full"], "公开讨论")
    post = await reply_to(topic, u["full2"], "原文")
    mod = await viewer_of(u["boardmod"])
    with pytest.raises(ActionError, match="200"):
        await review.moderate_content(mod, "post", post.id, "edit", "长" * 201, new_text="新文")
    assert (await Post.get(id=post.id)).body_raw == "原文"
    assert not await PostRevision.filter(post_id=post.id).exists()
    assert not await AuditEntry.filter(action="content.edit").exists()
    await review.moderate_content(mod, "post", post.id, "edit", "长" * 200, new_text="新文")
    assert (await PostRevision.get(post_id=post.id)).reason == "长" * 200


async def test_steering_forms_refuse_out_of_range_numbers_and_times(
    database, services, client
) -> None:  # type: ignore[no-untyped-def]
    """Numbers past the 32-bit columns and times that overflow when converted to UTC are
    clear 400s that write nothing (they used to be 500s)."""
    from moderation.models import SitePin, TopicSteering

    _, topic, _ = await _steering_world()
    await client.login("root")
    cases = [
        ("merge", {"target_id": "9" * 20, "reason": "合并"}, "主题编号须在 1 到 2147483647 之间"),
        ("move", {"board_id": "9" * 20, "reason": "移动"}, "版块须在 1 到 2147483647 之间"),
        ("split", {"numbers": ["9" * 20], "title": "新主题", "reason": "拆分"}, "楼层须在"),
        ("slow-mode", {"seconds": "9" * 30}, "秒数须在 0 到 2147483647 之间"),
        ("slow-mode", {"seconds": "三十"}, "秒数须为整数"),
        ("timed-close", {"close_at": "0001-01-01T00:00"}, "时间超出范围"),
        ("site-pin", {"until": "0001-01-01T00:00", "reason": "置顶"}, "时间超出范围"),
    ]
    for action, data, message in cases:
        response = await client.post_form(f"/moderation/topics/{topic.id}/{action}", data)
        assert response.status_code == 400 and message in response.text, action
    assert not await AuditEntry.filter(action__startswith="topic.").exists()
    assert not await TopicSteering.exists() and not await SitePin.exists()


async def test_an_over_long_steering_reason_is_refused_not_cut(database, services) -> None:  # type: ignore[no-untyped-def]
    from forum.boards import steering

    world, topic, _ = await _steering_world()
    secretary = await viewer_of(world.users["secretary"])
    loaded = await steering.get_topic(secretary, topic.id)
    with pytest.raises(ActionError, match="操作原因不能超过 1000 个字符") as refused:
        await steering.set_slow_mode(secretary, loaded, 600, "长" * 1001)
    assert refused.value.field == "reason"
    from moderation.models import TopicSteering

    row = await TopicSteering.get_or_none(topic_id=topic.id)
    assert row is None or row.slow_mode_seconds == 0
    assert not await AuditEntry.filter(action="topic.slow_mode").exists()
