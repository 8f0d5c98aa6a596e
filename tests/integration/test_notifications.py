"""The kernel inbox through HTTP: each part's kinds reach the right people and nobody else,
likes batch into one row, marking read (one, all; CSRF), preferences suppress a kind, the
bell's count in every page header, the JSON API, and the live `notification.created` notice."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from forum import notifications
from forum.errors import Forbidden
from forum.members import transfers
from forum.models import Member
from forum.notifications import Notification
from moderation import review
from realtime.meetings import actions as meeting_actions
from realtime.meetings import notices as meeting_notices
from tests.boards_helpers import make_world, reply_to, start_topic
from tests.capture import PublishedEvents
from tests.factories import make_member, make_person, make_tree, viewer_of
from tests.helpers import Client
from tests.integration import transparency_fixtures as tf
from tests.integration.meetings_fixtures import live_plenary, make_branch

CHECKLIST = tf.CHECKLIST


def _local(delta: dt.timedelta) -> str:
    when = (dt.datetime.now(dt.UTC) + delta).astimezone(dt.timezone(dt.timedelta(hours=8)))
    return when.strftime("%Y-%m-%dT%H:%M")


def bell_count(html: str) -> int:
    match = re.search(r'data-notification-bell data-unread="(\d+)"', html)
    assert match, "the bell is in the header"
    return int(match.group(1))


async def kinds_of(user_id: int) -> list[str]:
    return sorted(await Notification.filter(user_id=user_id).values_list("kind", flat=True))  # type: ignore[arg-type]


# --- forum: likes batch, mark read, preferences ------------------------------------------


async def test_likes_batch_into_one_unread_row_per_post(
    client: Client, other_client: Client, published_events: PublishedEvents
) -> None:
    world = await make_world()
    topic = await start_topic(world.public, world.users["full2"])
    await reply_to(topic, world.users["full"], "我的回帖")
    author = world.users["full"]
    live = published_events.on(f"user:{author.id}")
    for username in ("full2", "prob", "sec"):
        await client.login(username)
        assert (await client.post_form(f"/t/{topic.id}/2/like")).status_code == 303
        await client.logout()
    rows = await Notification.filter(user_id=author.id, kind="like")
    assert len(rows) == 1 and rows[0].count == 3 and rows[0].text == "3 人赞了你的回帖"
    # Each like still rings the bell live, with the unread count (still one row).
    assert [m["unread"] for m in live if m["type"] == "notification.created"] == [1, 1, 1]
    await other_client.login("full")
    page = await other_client.get("/notifications")
    assert "3 人赞了你的回帖" in page.text and bell_count(page.text) == 1
    # Once read, the next like starts a new row.
    await other_client.post_form("/notifications/read")
    await client.login("activist")
    await client.post_form(f"/t/{topic.id}/2/like")
    rows = await Notification.filter(user_id=author.id, kind="like").order_by("id")
    assert [(r.count, r.read_at is None) for r in rows] == [(3, False), (1, True)]
    assert rows[1].text.endswith("赞了你的回帖") and not rows[1].text.startswith("1 人")


async def test_mark_one_read_needs_csrf_and_ownership_and_all_read(
    client: Client, other_client: Client
) -> None:
    world = await make_world()
    topic = await start_topic(world.public, world.users["full"])
    await client.login("full2")
    await client.post_form(f"/t/{topic.id}/reply", {"body": "第一条"})
    await client.post_form(f"/t/{topic.id}/reply", {"body": "@full 第二条"})
    mine = await Notification.filter(user_id=world.users["full"].id).order_by("id")
    assert [n.kind for n in mine] == ["reply", "mention"]
    # Someone else cannot mark them (404, nothing changes).
    refused = await client.post_form(f"/notifications/{mine[0].id}/read")
    assert refused.status_code == 404
    await other_client.login("full")
    home = await other_client.get("/")
    assert bell_count(home.text) == 2  # the bell is on every page, not only the forum
    no_token = await other_client.http.post(f"/notifications/{mine[0].id}/read")
    assert no_token.status_code == 403
    assert await Notification.filter(user_id=world.users["full"].id, read_at=None).count() == 2
    one = await other_client.post_form(f"/notifications/{mine[0].id}/read", {"next": "/forum"})
    assert one.status_code == 303 and one.headers["location"] == "/forum"
    assert (await Notification.get(id=mine[0].id)).read_at is not None
    assert (await Notification.get(id=mine[1].id)).read_at is None
    assert bell_count((await other_client.get("/me")).text) == 1
    evil = await other_client.post_form(
        f"/notifications/{mine[1].id}/read", {"next": "//evil.example/"}
    )
    assert evil.headers["location"] == "/notifications"
    assert await Notification.filter(user_id=world.users["full"].id, read_at=None).count() == 0
    await client.post_form(f"/t/{topic.id}/reply", {"body": "第三条"})
    done = await other_client.post_form("/notifications/read")
    assert done.status_code == 303
    assert bell_count((await other_client.get("/notifications")).text) == 0


async def test_preferences_suppress_a_kind_and_keep_the_others(
    client: Client, other_client: Client
) -> None:
    world = await make_world()
    topic = await start_topic(world.public, world.users["full"])
    await other_client.login("full")
    settings = await other_client.get("/notifications/settings")
    assert settings.status_code == 200
    assert re.search(r'value="reply" checked', settings.text)
    kept = [k.key for k in notifications.KINDS if k.key != "reply"]
    saved = await other_client.post_form("/notifications/settings", {"kind": kept})
    assert saved.status_code == 303
    again = await other_client.get(saved.headers["location"])
    assert "通知设置已保存" in again.text
    assert 'value="reply">' in again.text and 'value="mention" checked' in again.text
    await client.login("full2")
    await client.post_form(f"/t/{topic.id}/reply", {"body": "不提醒的回复"})
    await client.post_form(f"/t/{topic.id}/reply", {"body": "@full 提醒的回复"})
    assert await kinds_of(world.users["full"].id) == ["mention"]
    # Anonymous visitors have no settings page; the form needs a login.
    await client.logout()
    assert (await client.get("/notifications/settings")).status_code == 404
    assert (await client.post_form("/notifications/settings", {"kind": []})).status_code == 403


async def test_api_lists_rows_with_text_url_and_count(client: Client) -> None:
    world = await make_world()
    topic = await start_topic(world.public, world.users["full"], title="接口标题")
    await reply_to(topic, world.users["full2"], "回复")
    await client.login("full2")
    await client.post_form(f"/t/{topic.id}/1/like")
    await client.logout()
    await client.login("full")
    data = (await client.get("/api/v1/notifications")).json()
    assert data["unread"] == 2 and data["next"] is None  # the reply, then the like
    assert [i["kind"] for i in data["items"]] == ["like", "reply"]
    item = data["items"][0]
    assert item["kind"] == "like" and item["count"] == 1 and item["url"] == f"/t/{topic.id}/1"
    assert item["topic_id"] == topic.id and item["topic_title"] == "接口标题"
    assert item["text"] == "full2 赞了你的主题" and item["read"] is False


# --- meetings -------------------------------------------------------------------------------


async def test_meeting_notice_reaches_the_roll_and_not_a_sibling_branch(
    client: Client, other_client: Client
) -> None:
    branch = await make_branch(voters=3)
    org = branch.tree.branch_a
    await client.login(branch.secretary.username)
    response = await client.post_form(
        f"/orgs/{org.id}/meetings",
        {
            "type": "branch_plenary",
            "title": "十二月支部党员大会",
            "scheduled_at": _local(dt.timedelta(days=1)),
            "publish": "1",
        },
    )
    assert response.status_code == 303
    voter = branch.voters[1]
    assert await kinds_of(voter.id) == ["meeting.scheduled"]
    assert await kinds_of(branch.outsider.id) == []
    assert await kinds_of(branch.secretary.id) == []  # not told of their own action
    await other_client.login(voter.username)
    page = await other_client.get("/notifications")
    assert "十二月支部党员大会" in page.text and bell_count(page.text) == 1
    await other_client.logout()
    await other_client.login(branch.outsider.username)
    assert "十二月支部党员大会" not in (await other_client.get("/notifications")).text


async def test_rescheduling_tells_the_roll_of_a_published_meeting_only(database: object) -> None:
    branch = await make_branch(voters=3)
    host = await viewer_of(branch.secretary)
    when = dt.datetime.now(dt.UTC) + dt.timedelta(days=2)
    draft = await meeting_actions.schedule_meeting(
        host, branch.tree.branch_a, type="branch_plenary", title="草稿会", scheduled_at=when,
        publish=False,
    )  # fmt: skip
    await meeting_actions.reschedule_meeting(host, draft, scheduled_at=when, location="二楼")
    assert await Notification.filter(kind="meeting.changed").count() == 0  # a draft: nobody
    meeting = await meeting_actions.schedule_meeting(
        host, branch.tree.branch_a, type="branch_plenary", title="改期的会", scheduled_at=when
    )
    later = when + dt.timedelta(days=1)
    await meeting_actions.reschedule_meeting(host, meeting, scheduled_at=later, location="三楼")
    voter = branch.voters[1]
    assert await kinds_of(voter.id) == ["meeting.changed", "meeting.scheduled"]
    row = await Notification.get(user_id=voter.id, kind="meeting.changed")
    assert row.text.endswith("召开，地点：三楼") and row.title == "改期的会"
    assert await kinds_of(branch.outsider.id) == []
    told = await Notification.filter(kind="meeting.changed").count()
    assert told >= 3
    # The same time and place again changes nothing and tells nobody.
    await meeting_actions.reschedule_meeting(host, meeting, scheduled_at=later, location="三楼")
    assert await Notification.filter(kind="meeting.changed").count() == told
    with pytest.raises(Forbidden):
        await meeting_actions.reschedule_meeting(
            await viewer_of(voter), meeting, scheduled_at=when, location=""
        )


async def test_vote_opened_reaches_attendees_only(database: object) -> None:
    branch = await make_branch(voters=3)
    meeting = await live_plenary(branch)
    host = await viewer_of(branch.secretary)
    vote = await meeting_actions.create_vote(host, meeting, kind="motion", title="通过决议")
    await meeting_actions.open_vote(host, meeting, vote)
    for voter in branch.voters[1:]:
        assert "meeting.vote" in await kinds_of(voter.id)
    assert await kinds_of(branch.outsider.id) == []
    row = await Notification.get(user_id=branch.voters[1].id, kind="meeting.vote")
    assert row.text == "会议开始表决“通过决议”" and row.url == f"/meetings/{meeting.id}"


async def test_starting_soon_is_sent_once_per_person(database: object) -> None:
    branch = await make_branch(voters=3)
    host = await viewer_of(branch.secretary)
    soon = await meeting_actions.schedule_meeting(
        host,
        branch.tree.branch_a,
        type="branch_plenary",
        title="马上开的会",
        scheduled_at=dt.datetime.now(dt.UTC) + dt.timedelta(minutes=30),
    )
    await meeting_actions.schedule_meeting(
        host,
        branch.tree.branch_a,
        type="branch_plenary",
        title="明天的会",
        scheduled_at=dt.datetime.now(dt.UTC) + dt.timedelta(days=1),
    )
    first = await meeting_notices.remind_due()
    assert first >= 3  # the roll of the soon meeting (the secretary included: no actor)
    assert await meeting_notices.remind_due() == 0
    rows = await Notification.filter(kind="meeting.soon")
    assert {r.subject for r in rows} == {f"meeting:{soon.id}"}
    assert branch.outsider.id not in {r.user_id for r in rows}


# --- disclosures ----------------------------------------------------------------------------


async def test_disclosure_steps_reach_the_people_in_the_workflow(database: object) -> None:
    w = await tf.make_world()
    d = await tf.draft(w)
    d = await tf.actions.propose_disclosure(await w.v("publisher"), d)
    # Proposed: the issuing org's reviewers (not the proposer, not plain members, not a
    # sibling branch's secretary).
    assert "disclosure.proposed" in await kinds_of(w.users["secretary"].id)
    assert "disclosure.proposed" in await kinds_of(w.users["discipline"].id)
    for nobody in ("publisher", "member_a", "sibling_secretary", "member_b"):
        assert await kinds_of(w.users[nobody].id) == [], nobody
    d = await tf.actions.review_disclosure(await w.v("discipline"), d, CHECKLIST)
    assert "disclosure.reviewed" in await kinds_of(w.users["secretary"].id)
    d = await tf.actions.approve_disclosure(await w.v("secretary"), d)
    assert await kinds_of(w.users["publisher"].id) == ["disclosure.approved"]
    d = await tf.actions.publish_disclosure(await w.v("publicity"), d)
    assert "disclosure.published" in await kinds_of(w.users["publisher"].id)
    assert "disclosure.published" in await kinds_of(w.users["discipline"].id)
    assert await kinds_of(w.users["sibling_secretary"].id) == []
    fb = await tf.actions.leave_feedback(await w.v("member_a"), d, "请问明细？")
    await tf.actions.answer_feedback(await w.v("publicity"), d, fb, "已公布。", public=False)
    assert await kinds_of(w.users["member_a"].id) == ["disclosure.feedback_answered"]
    other = await tf.actions.propose_disclosure(await w.v("publisher"), await tf.draft(w))
    await tf.actions.reject_disclosure(await w.v("secretary"), other, "请补充数据")
    returned = await Notification.get(user_id=w.users["publisher"].id, kind="disclosure.rejected")
    assert (
        returned.text == "公开事项被退回：请补充数据" and returned.url == f"/disclosures/{other.id}"
    )


# --- transfers ------------------------------------------------------------------------------


async def test_transfer_steps_reach_the_member_and_both_orgs_leaders(database: object) -> None:
    tree = await make_tree()
    account = await make_person(None, None, username="mover")
    member = await make_member(tree.branch_a, name="转出人", user=account)
    member = await Member.get(id=member.id).prefetch_related("org")
    out_user = await make_person(tree.branch_a, role="secretary")
    in_user = await make_person(tree.branch_x, role="secretary")
    bystander = await make_person(tree.branch_b, role="secretary")
    out_admin, in_admin = await viewer_of(out_user), await viewer_of(in_user)
    t = await transfers.request_transfer(out_admin, member, tree.branch_x, "工作调动")
    assert await kinds_of(account.id) == ["transfer.step"]
    assert await kinds_of(in_user.id) == ["transfer.step"]
    assert await kinds_of(out_user.id) == []  # the actor
    t = await transfers.get_transfer_for(out_admin, t.id)
    await transfers.advance_transfer(out_admin, t, "approve")
    assert await kinds_of(out_user.id) == []
    assert len(await kinds_of(account.id)) == 2
    assert await kinds_of(bystander.id) == []
    await transfers.advance_transfer(out_admin, t, "issue_letter")
    t = await transfers.get_transfer_for(in_admin, t.id)
    await transfers.advance_transfer(in_admin, t, "accept")
    assert await kinds_of(out_user.id) == ["transfer.step"]  # the receiving side acted
    assert len(await kinds_of(in_user.id)) == 3  # requested, approved, letter issued
    last = await Notification.filter(user_id=account.id).order_by("-id").first()
    assert last is not None and last.url == f"/members/transfers/{t.id}"
    assert last.text == "组织关系转接（转出人）：接收方已接收"


# --- moderation -----------------------------------------------------------------------------


async def test_moderation_decision_reaches_the_author(database: object) -> None:
    world = await make_world()
    topic = await start_topic(world.public, world.users["full"])
    post = await reply_to(topic, world.users["full2"], "需要处理的回帖")
    mod = await viewer_of(world.users["boardmod"])
    await review.moderate_content(mod, "post", post.id, "hide", "不当言论")
    (row,) = await Notification.filter(user_id=world.users["full2"].id, kind="moderation")
    assert "处理" in row.text and row.url == "/moderation/notices"
    assert await Notification.filter(kind="moderation").count() == 1


# --- the kernel API and the data migration -------------------------------------------------


async def test_notify_batches_filters_preferences_and_skips_the_actor(database: object) -> None:
    tree = await make_tree()
    a, b, c = [await make_person(tree.branch_a) for _ in range(3)]
    off = notifications.NotificationKind("t.quiet", "默认关闭", "测试", default_on=False)
    off.install()
    try:
        await notifications.save_preferences(b.id, {k.key for k in notifications.KINDS})
        sent = await notifications.notify([a.id, b.id, c.id, None], "t.quiet", text="x")
        assert sent.user_ids == [b.id]  # only b turned the default-off kind on
    finally:
        notifications.KINDS.remove("t.quiet")
    for actor in (a, b, c):
        sent = await notifications.notify(
            [a.id],
            "like",
            text=f"{actor.display_name} 赞了你的回帖",
            batch_text="{count} 人赞了你的回帖",
            actor_id=actor.id,
            group_key="post:1",
        )
        assert sent.user_ids == ([] if actor == a else [a.id])
    (row,) = await Notification.filter(user_id=a.id, kind="like")
    assert (row.count, row.text, row.actor_id) == (2, "2 人赞了你的回帖", c.id)
    assert await notifications.unread_count(a.id) == 1


async def test_migration_copies_the_forum_rows_into_the_inbox(database: object) -> None:
    import importlib
    from types import SimpleNamespace

    from tortoise import connections

    from forum.boards.models import Notification as LegacyNotification

    migration = importlib.import_module("forum.boards.migrations.0005_notifications_to_inbox")
    world = await make_world()
    topic = await start_topic(world.public, world.users["full"], title="旧通知的主题")
    read_at = dt.datetime(2026, 1, 2, tzinfo=dt.UTC)
    await LegacyNotification.create(
        user_id=world.users["full"].id,
        kind="quote",
        actor_id=world.users["full2"].id,
        topic_id=topic.id,
        post_number=3,
        read_at=read_at,
    )
    await LegacyNotification.create(
        user_id=world.users["full2"].id, kind="mention", actor_id=None, topic_id=topic.id
    )
    await Notification.all().delete()
    await migration.copy_rows(None, SimpleNamespace(client=connections.get("default")))
    rows = await Notification.all().order_by("id")
    assert [(r.user_id, r.kind, r.text, r.title, r.url, r.subject, r.number) for r in rows] == [
        (
            world.users["full"].id,
            "quote",
            "full2 引用了你的回帖",
            "旧通知的主题",
            f"/t/{topic.id}/3",
            f"topic:{topic.id}",
            3,
        ),
        (
            world.users["full2"].id,
            "mention",
            "有人 提到了你",
            "旧通知的主题",
            f"/t/{topic.id}/1",
            f"topic:{topic.id}",
            1,
        ),
    ]
    assert rows[0].read_at == read_at and rows[1].read_at is None
    assert await LegacyNotification.all().count() == 2  # the old table is kept
