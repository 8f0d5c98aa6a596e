"""Rate limits (per-IP 429 with Retry-After, posting cooldown, slow mode) and new-member
safety (premoderation, link and mention caps)."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from forum.errors import ActionError, RateLimited
from forum.models import User
from forum.parts import Registry
from forum.settings import get_settings
from moderation import hooks, newmembers, ratelimit
from tests.factories import make_person, make_tree, make_user, viewer_of
from tests.helpers import Client
from tests.moderation_helpers import strict_moderation  # noqa: F401


async def _age(user: User, days: int) -> None:
    await User.filter(id=user.id).update(
        created_at=dt.datetime.now(dt.UTC) - dt.timedelta(days=days)
    )


async def test_ip_limit_on_unsafe_requests_answers_429_with_retry_after(
    database, services, client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    limited = dataclasses.replace(get_settings(), ip_write_limit=3)
    monkeypatch.setattr(ratelimit, "get_settings", lambda: limited)
    for _ in range(3):
        response = await client.http.post("/moderation/flags", data={"kind": "x"})
        assert response.status_code == 403  # CSRF refused, but counted
    response = await client.http.post("/moderation/flags", data={"kind": "x"})
    assert response.status_code == 429
    assert 1 <= int(response.headers["retry-after"]) <= 60
    assert "提交过于频繁" in response.text and "秒后再试" in response.text
    api = await client.post_json("/api/v1/moderation/flags", {})
    assert api.status_code == 429 and api.json()["status"] == 429
    assert "retry-after" in api.headers
    # Reads are never limited.
    assert (await client.get("/api/v1/csrf")).status_code == 200


async def test_ip_limit_is_per_ip(database, services, app, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    import httpx

    limited = dataclasses.replace(get_settings(), ip_write_limit=1)
    monkeypatch.setattr(ratelimit, "get_settings", lambda: limited)

    def at(ip: str) -> httpx.AsyncClient:
        return httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app, client=(ip, 1234)), base_url="http://testserver"
        )

    async with at("10.0.0.1") as first, at("10.0.0.2") as second:
        assert (await first.post("/logout")).status_code == 403
        assert (await first.post("/logout")).status_code == 429
        assert (await second.post("/logout")).status_code == 403


async def test_post_cooldown_longer_for_new_accounts(member, services) -> None:  # type: ignore[no-untyped-def]
    new_user = await make_user("fresh")
    old_user = await make_user("veteran")
    await _age(old_user, 400)
    new, old = await viewer_of(new_user), await viewer_of(old_user)
    await hooks.check_post_rate(new, scope="topic:1")
    with pytest.raises(RateLimited, match="新成员每 120 秒") as info:
        await hooks.check_post_rate(new, scope="topic:2")
    assert 100 <= info.value.retry_after <= 120
    await hooks.check_post_rate(old, scope="topic:1")
    with pytest.raises(RateLimited, match="每 10 秒") as info:
        await hooks.check_post_rate(old, scope="topic:1")
    assert 1 <= info.value.retry_after <= 10
    # A 0-day account linked to a member record an org confirmed: the ordinary cooldown.
    await hooks.check_post_rate(member, scope="topic:1")
    with pytest.raises(RateLimited, match="每个账号每 10 秒"):
        await hooks.check_post_rate(member, scope="topic:1")


async def test_slow_mode_per_scope(database, services, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    no_cooldown = dataclasses.replace(get_settings(), post_cooldown_seconds=0)
    monkeypatch.setattr(ratelimit, "get_settings", lambda: no_cooldown)
    tree = await make_tree()
    user = await make_person(tree.branch_a, username="slowpoke")
    await _age(user, 400)
    viewer = await viewer_of(user)
    await hooks.check_post_rate(viewer, scope="topic:9", slow_mode_seconds=60)
    with pytest.raises(RateLimited, match="慢速模式") as info:
        await hooks.check_post_rate(viewer, scope="topic:9", slow_mode_seconds=60)
    assert 1 <= info.value.retry_after <= 60
    await hooks.check_post_rate(viewer, scope="topic:10", slow_mode_seconds=60)


async def test_site_moderator_exempt_from_cooldown(moderator, services) -> None:  # type: ignore[no-untyped-def]
    for _ in range(3):
        await hooks.check_post_rate(moderator, scope="topic:1", slow_mode_seconds=30)


async def test_needs_premoderation_by_age_and_approved_items(
    database,
    services,
    strict_moderation,  # noqa: F811 - the fixture (imported above) by name
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # type: ignore[no-untyped-def]
    tree = await make_tree()
    young = await make_user("young")
    seasoned = await make_user("seasoned")
    await _age(seasoned, 30)
    moderator = await make_person(tree.branch_a, username="mod_pm", role="moderator")
    assert await hooks.needs_premoderation(await viewer_of(young))
    assert not await hooks.needs_premoderation(await viewer_of(seasoned))  # age only
    assert not await hooks.needs_premoderation(await viewer_of(moderator))
    # Linked to a member record an org confirmed: not premoderated from day one.
    member = await make_person(tree.branch_a, username="young_member")
    assert not await hooks.needs_premoderation(await viewer_of(member))
    approved = {seasoned.id: 1}

    async def count(user_id: int) -> int:
        return approved.get(user_id, 0)

    # Other parts' counters (boards) see no posts here; this one decides.
    only_this: Registry[newmembers.ApprovedCounter] = Registry("test counters")
    only_this.add("test", newmembers.ApprovedCounter("test", count))
    monkeypatch.setattr(newmembers, "COUNTERS", only_this)
    with_posts = dataclasses.replace(strict_moderation, new_account_min_posts=3)
    monkeypatch.setattr(newmembers, "get_settings", lambda: with_posts)
    try:
        assert await hooks.needs_premoderation(await viewer_of(seasoned))  # 1 < 3 posts
        approved[seasoned.id] = 3
        assert not await hooks.needs_premoderation(await viewer_of(seasoned))
    finally:
        monkeypatch.undo()  # the installed counters again


async def test_link_and_mention_caps_for_new_accounts(database, services) -> None:  # type: ignore[no-untyped-def]
    young = await viewer_of(await make_user("linky"))
    seasoned_user = await make_user("linky_old")
    await _age(seasoned_user, 30)
    seasoned = await viewer_of(seasoned_user)
    links = "看 https://a.example/1 和 http://b.example 以及 www.c.example"
    with pytest.raises(ActionError, match="最多包含 2 个链接") as info:
        await hooks.screen_text(young, links, field="body")
    assert info.value.field == "body"
    mentions = "@张三 @李四 @王五 @赵六 请看"
    with pytest.raises(ActionError, match="最多提及 3 人"):
        await hooks.screen_text(young, mentions, field="body")
    assert (await hooks.screen_text(young, "@张三 @李四 见 https://a.example", field="body")).text
    assert (await hooks.screen_text(seasoned, links + mentions, field="body")).text
    # Titles and names are not capped (they are not bodies).
    assert (await hooks.screen_text(young, links, field="title")).text == links


async def test_meeting_chat_gets_burst_limit_not_posting_cooldown(database, services) -> None:  # type: ignore[no-untyped-def]
    tree = await make_tree()
    viewer = await viewer_of(await make_person(tree.branch_a, username="chatty"))
    for _ in range(ratelimit.CHAT_BURST):
        await hooks.check_post_rate(viewer, scope="meeting:7")
    with pytest.raises(RateLimited, match="发言过于频繁") as info:
        await hooks.check_post_rate(viewer, scope="meeting:7")
    assert 1 <= info.value.retry_after <= ratelimit.CHAT_WINDOW
    await hooks.check_post_rate(viewer, scope="meeting:8")  # another meeting, its own budget
    await hooks.check_post_rate(viewer, scope="topic:1")  # posting has its own cooldown


async def test_topic_slow_mode_and_timed_close_from_steering_settings(database, services) -> None:  # type: ignore[no-untyped-def]
    from forum.errors import Forbidden
    from moderation.models import TopicSteering

    tree = await make_tree()
    user = await make_person(tree.branch_a, username="topic_poster")
    await _age(user, 400)
    viewer = await viewer_of(user)
    await TopicSteering.create(topic_id=5, slow_mode_seconds=300)
    await hooks.check_post_rate(viewer, scope="topic:5")
    with pytest.raises(RateLimited, match="慢速模式"):
        await hooks.check_post_rate(viewer, scope="topic:5")
    past = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)
    await TopicSteering.create(topic_id=6, close_at=past)
    with pytest.raises(Forbidden, match="按计划关闭"):
        await hooks.check_post_rate(viewer, scope="topic:6")
    # The check is a read: the due close is still pending (the boards part records it).
    assert (await TopicSteering.get(topic_id=6)).close_at is not None


async def test_seeding_skips_cooldowns_and_premoderation(database, services) -> None:  # type: ignore[no-untyped-def]
    viewer = await viewer_of(await make_user("seeded"))
    assert await hooks.needs_premoderation(viewer)
    with hooks.seeding():
        assert not await hooks.needs_premoderation(viewer)
        for _ in range(3):
            await hooks.check_post_rate(viewer, scope="topic:1")
        links = "https://a.example https://b.example https://c.example"
        assert (await hooks.screen_text(viewer, links, field="body")).text == links
    await hooks.check_post_rate(viewer, scope="topic:1")
    with pytest.raises(RateLimited):
        await hooks.check_post_rate(viewer, scope="topic:1")
