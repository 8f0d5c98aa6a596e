"""Sanctions: warn, silence, suspend, lift; scoping and self-sanction refusal; audit rows;
effect at once (viewer facts, login refused, sessions revoked, user-channel messages)."""

from __future__ import annotations

from typing import Any

import pytest

import moderation.routes  # noqa: F401  (installs the viewer extension and login guard)
from forum.auditlog import AuditEntry
from forum.errors import ActionError, Forbidden, RateLimited
from forum.models import AuthSession
from forum.policy import can_post_or_speak
from forum.seeding import DEMO_PASSWORD
from moderation import hooks, sanctions
from moderation.models import Notice, Sanction
from tests.factories import make_person, make_tree, viewer_of
from tests.helpers import Client
from tests.moderation_helpers import strict_moderation  # noqa: F401


async def _setup() -> tuple[Any, Any, Any]:
    tree = await make_tree()
    moderator = await make_person(tree.branch_a, username="mod_a", role="moderator")
    member = await make_person(tree.group_a1, username="member_a1")
    return tree, moderator, member


async def test_silence_member_sets_viewer_flag_notifies_and_audits(
    database, published_events
) -> None:  # type: ignore[no-untyped-def]
    tree, moderator, member = await _setup()
    messages = published_events.on(f"user:{member.id}")
    actor = await viewer_of(moderator)
    sanction = await sanctions.sanction_user(actor, member, "silence", "刷屏", hours=2)
    viewer = await viewer_of(member)
    assert viewer.silenced and not viewer.suspended
    assert not can_post_or_speak(viewer)
    with pytest.raises(Forbidden, match="禁言"):
        await hooks.check_post_rate(viewer, scope="topic:1")
    entry = await AuditEntry.get(action="sanction.silence")
    assert (entry.actor_id, entry.target_type, entry.target_id) == (
        moderator.id,
        "user",
        str(member.id),
    )
    assert entry.org_path == tree.group_a1.path and entry.reason == "刷屏"
    assert entry.after is not None and entry.after["sanction_id"] == sanction.id
    assert [m["type"] for m in messages] == ["notification.created", "viewer.changed"]
    assert await Notice.filter(user_id=member.id).count() == 1


async def test_suspend_revokes_sessions_refuses_login_and_publishes(
    database, published_events, client: Client
) -> None:  # type: ignore[no-untyped-def]
    _, moderator, member = await _setup()
    await client.login(member.username)
    assert (await client.get("/moderation/notices")).status_code == 200
    messages = published_events.on(f"user:{member.id}")
    await sanctions.sanction_user(await viewer_of(moderator), member, "suspend", "违规", days=1)
    assert await AuthSession.filter(user_id=member.id, revoked_at__isnull=True).count() == 0
    revoked = [m for m in messages if m["type"] == "session.revoked"]
    assert len(revoked) == 1 and revoked[0]["session_id"]
    assert {"viewer.changed", "notification.created"} <= {m["type"] for m in messages}
    # The open browser session is gone at once.
    page = await client.get("/moderation/notices")
    assert page.status_code == 303 and page.headers["location"].startswith("/login")
    client.forget_csrf()
    response = await client.post_form(
        "/login", {"username": member.username, "password": DEMO_PASSWORD}
    )
    assert response.status_code == 403
    assert "封禁" in response.text
    assert (await viewer_of(member)).suspended
    assert await AuditEntry.filter(action="sanction.suspend", target_id=str(member.id)).count() == 1


async def test_warn_sends_notice_and_audits_without_restricting(database, published_events) -> None:  # type: ignore[no-untyped-def]
    _, moderator, member = await _setup()
    messages = published_events.on(f"user:{member.id}")
    sanction = await sanctions.sanction_user(await viewer_of(moderator), member, "warn", "注意用语")
    assert sanction.ends_at is None
    viewer = await viewer_of(member)
    assert not viewer.silenced and not viewer.suspended
    notice = await Notice.get(user_id=member.id)
    assert "警告" in notice.title and notice.body == "注意用语"
    assert [m["type"] for m in messages] == ["notification.created"]
    assert await AuditEntry.filter(action="sanction.warn", actor_id=moderator.id).count() == 1


async def test_lift_silence_early_restores_and_audits(database, published_events) -> None:  # type: ignore[no-untyped-def]
    _, moderator, member = await _setup()
    actor = await viewer_of(moderator)
    sanction = await sanctions.sanction_user(actor, member, "silence", "刷屏", days=3)
    messages = published_events.on(f"user:{member.id}")
    await sanctions.lift_sanction(actor, sanction, "已认错")
    assert not (await viewer_of(member)).silenced
    assert (await Sanction.get(id=sanction.id)).lifted_by_id == moderator.id
    entry = await AuditEntry.get(action="sanction.lift_silence")
    assert entry.reason == "已认错" and entry.target_id == str(member.id)
    assert "viewer.changed" in [m["type"] for m in messages]
    with pytest.raises(ActionError):
        await sanctions.lift_sanction(actor, sanction, "再次")
    assert await AuditEntry.filter(action="sanction.lift_silence").count() == 1


async def test_moderator_cannot_sanction_self(database, services) -> None:  # type: ignore[no-untyped-def]
    _, moderator, _ = await _setup()
    with pytest.raises(Forbidden, match="自己"):
        await sanctions.sanction_user(
            await viewer_of(moderator), moderator, "silence", "x", hours=1
        )
    assert await Sanction.all().count() == 0
    assert await AuditEntry.all().count() == 0


async def test_org_moderator_cannot_sanction_sibling_branch_member(database, services) -> None:  # type: ignore[no-untyped-def]
    tree, moderator, _ = await _setup()
    sibling = await make_person(tree.branch_b, username="member_b")
    outsider = await make_person(None, None, username="no_member")
    actor = await viewer_of(moderator)
    with pytest.raises(Forbidden):
        await sanctions.sanction_user(actor, sibling, "suspend", "越权", days=1)
    with pytest.raises(Forbidden):
        await sanctions.sanction_user(actor, outsider, "warn", "越权")
    assert await Sanction.all().count() == 0
    assert await AuditEntry.all().count() == 0
    site_mod = await make_person(None, None, username="site_mod", role="moderator")
    await sanctions.sanction_user(await viewer_of(site_mod), sibling, "warn", "全站版主可以")
    assert await AuditEntry.filter(action="sanction.warn", actor_id=site_mod.id).count() == 1


async def test_sanction_validation_writes_nothing(database, services) -> None:  # type: ignore[no-untyped-def]
    _, moderator, member = await _setup()
    actor = await viewer_of(moderator)
    with pytest.raises(ActionError):
        await sanctions.sanction_user(actor, member, "silence", "无期限")
    with pytest.raises(ActionError):
        await sanctions.sanction_user(actor, member, "ban", "未知方式", days=1)
    with pytest.raises(ActionError):
        await sanctions.sanction_user(actor, member, "warn", "  ")
    assert await Sanction.all().count() == 0 and await AuditEntry.all().count() == 0


async def test_sanction_pages_and_api(database, services, client: Client) -> None:  # type: ignore[no-untyped-def]
    _, moderator, member = await _setup()
    await client.login(moderator.username)
    page = await client.get("/moderation/sanctions")
    assert page.status_code == 200 and "处理账号" in page.text
    form = {"username": member.username, "kind": "silence", "days": "1", "reason": "网页操作"}
    # A sanction takes effect at once: the page asks first (without JS), naming the step.
    asked = await client.post_form("/moderation/sanctions", form)
    assert asked.status_code == 200 and f"确定禁言 {member.display_name} 1 天" in asked.text
    assert not await Sanction.exists()
    response = await client.post_form("/moderation/sanctions", {**form, "confirmed": "1"})
    assert response.status_code == 303
    assert "已禁言" in (await client.get(response.headers["location"])).text
    sanction = await Sanction.get(user_id=member.id)
    assert member.username in (await client.get("/moderation/sanctions")).text
    bad = await client.post_json(
        "/api/v1/moderation/sanctions",
        {"username": member.username, "kind": "warn", "reason": "x", "extra": 1},
    )
    assert bad.status_code == 400 and "未知字段" in bad.json()["error"]
    bad = await client.post_json(
        "/api/v1/moderation/sanctions",
        {"username": member.username, "kind": "silence", "reason": "x", "days": "1"},
    )
    assert bad.status_code == 400
    lifted = await client.post_json(
        f"/api/v1/moderation/sanctions/{sanction.id}/lift", {"reason": "API 解除"}
    )
    assert lifted.status_code == 200 and lifted.json()["lifted"] is True
    assert await AuditEntry.filter(action="sanction.lift_silence", reason="API 解除").count() == 1
    entry = await AuditEntry.get(action="sanction.silence")
    assert entry.ip == "127.0.0.1"


async def test_member_cannot_open_sanction_page_or_api(database, services, client: Client) -> None:  # type: ignore[no-untyped-def]
    _, _, member = await _setup()
    other = await make_person(None, None, username="victim")
    await client.login(member.username)
    assert (await client.get("/moderation/sanctions")).status_code == 404
    response = await client.post_json(
        "/api/v1/moderation/sanctions", {"username": other.username, "kind": "warn", "reason": "x"}
    )
    assert response.status_code == 403
    assert await Sanction.all().count() == 0


async def test_second_post_within_cooldown_rate_limited(database, services) -> None:  # type: ignore[no-untyped-def]
    _, _, member = await _setup()
    viewer = await viewer_of(member)
    await hooks.check_post_rate(viewer, scope="topic:1")
    with pytest.raises(RateLimited) as info:
        await hooks.check_post_rate(viewer, scope="topic:1")
    assert info.value.retry_after >= 1


async def test_home_shows_review_count_to_moderators_and_notices_to_members(
    database, services, client: Client, other_client: Client
) -> None:  # type: ignore[no-untyped-def]
    _, moderator, member = await _setup()
    await sanctions.sanction_user(await viewer_of(moderator), member, "warn", "首页提醒")
    await client.login(moderator.username)
    home = await client.get("/")
    assert "待审核内容" in home.text and "审核队列已清空" in home.text
    await other_client.login(member.username)
    home = await other_client.get("/")
    assert "待审核内容" not in home.text and "您收到一条管理员警告" in home.text
    page = await other_client.get("/moderation/notices")
    assert "首页提醒" in page.text


async def test_demo_seed_creates_words_and_warning(database, services) -> None:  # type: ignore[no-untyped-def]
    from forum import demo
    from moderation.models import WatchedWord

    await demo.seed_demo(progress=lambda _: None)
    assert await WatchedWord.all().count() == 5
    assert await AuditEntry.filter(action="word.import").count() == 1
    assert await AuditEntry.filter(action="sanction.warn").count() == 1


async def test_expired_sanction_no_longer_applies(database, services) -> None:  # type: ignore[no-untyped-def]
    import datetime as dt

    _, moderator, member = await _setup()
    sanction = await sanctions.sanction_user(
        await viewer_of(moderator), member, "suspend", "到期测试", hours=1
    )
    assert (await viewer_of(member)).suspended
    past = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)
    await Sanction.filter(id=sanction.id).update(ends_at=past)
    viewer = await viewer_of(member)
    assert not viewer.suspended and not viewer.silenced
    with pytest.raises(ActionError, match="到期"):
        await sanctions.lift_sanction(await viewer_of(moderator), sanction, "已到期")


async def test_out_of_range_periods_refused_not_500(database, services, client: Client) -> None:  # type: ignore[no-untyped-def]
    """A period too large for a timedelta (or negative) is a clear 400 that writes nothing."""
    _, moderator, member = await _setup()
    await client.login(moderator.username)
    base = {"username": member.username, "kind": "silence", "reason": "期限测试", "confirmed": "1"}
    for period, message in (
        ({"days": "9" * 12}, "天数须在 0 到 3650 之间"),
        ({"hours": "9" * 30}, "小时数须在 0 到 87600 之间"),
        ({"days": "-1", "hours": "48"}, "天数须在 0 到 3650 之间"),
        ({"days": "一"}, "天数须为整数"),
    ):
        response = await client.post_form("/moderation/sanctions", {**base, **period})
        assert response.status_code == 400 and message in response.text, period
    assert await Sanction.all().count() == 0 and await AuditEntry.all().count() == 0
    response = await client.post_form("/moderation/sanctions", {**base, "days": "3650"})
    assert response.status_code == 303
