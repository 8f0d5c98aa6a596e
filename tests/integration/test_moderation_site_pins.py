"""Site-wide pins: site moderators only (policy), audited, shown at the top of the home
page and of every board list, each only to viewers who may read the topic; expired and
hidden topics drop out; the display costs a fixed number of queries."""

from __future__ import annotations

import datetime as dt

import pytest

import forum.boards.routes  # noqa: F401  (board moderator viewer facts)
import moderation.routes  # noqa: F401  (home section)
from forum.auditlog import AuditEntry
from forum.boards import site_pins
from forum.boards.models import Topic
from forum.errors import ActionError, Forbidden
from forum.policy import ANONYMOUS
from moderation.models import SitePin
from tests.boards_helpers import make_world, start_topic
from tests.capture import count_queries
from tests.factories import make_person, viewer_of
from tests.helpers import Client


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


async def test_only_site_moderators_pin_and_every_pin_is_audited(database, services) -> None:  # type: ignore[no-untyped-def]
    world = await make_world()
    u = world.users
    topic = await start_topic(world.public, u["full"], "全站学习安排")
    for name in ("secretary", "boardmod", "full"):  # org admin, board moderator, member
        with pytest.raises(Forbidden):
            await site_pins.pin_site_wide(await viewer_of(u[name]), topic.id, "试图置顶")
    assert not await SitePin.exists()
    site_mod = await make_person(None, None, username="smod", role="moderator")
    mod = await viewer_of(site_mod)
    until = utcnow() + dt.timedelta(days=7)
    await site_pins.pin_site_wide(mod, topic.id, "重要通知", until)
    with pytest.raises(ActionError, match="已经全站置顶"):
        await site_pins.pin_site_wide(await viewer_of(u["site_admin"]), topic.id, "再置顶")
    entry = await AuditEntry.get(action="topic.site_pinned")
    assert entry.actor_id == site_mod.id and entry.target_type == "topic"
    assert entry.target_id == str(topic.id) and entry.reason == "重要通知"
    assert entry.after == {"until": until.isoformat()}
    with pytest.raises(Forbidden):
        await site_pins.unpin_site_wide(await viewer_of(u["secretary"]), topic.id, "取消")
    await site_pins.unpin_site_wide(await viewer_of(u["site_admin"]), topic.id, "已过期")
    assert not await SitePin.exists()
    gone = await AuditEntry.get(action="topic.site_unpinned")
    assert gone.actor_id == u["site_admin"].id and gone.reason == "已过期"
    assert gone.before is not None and gone.before["pinned_by"] == site_mod.id
    with pytest.raises(ActionError, match="没有全站置顶"):
        await site_pins.unpin_site_wide(mod, topic.id, "再取消")
    with pytest.raises(ActionError, match="晚于现在"):
        await site_pins.pin_site_wide(mod, topic.id, "", utcnow() - dt.timedelta(hours=1))
    assert await AuditEntry.filter(action__startswith="topic.site_").count() == 2


async def test_pins_shown_only_where_the_viewer_may_read_them(database, services) -> None:  # type: ignore[no-untyped-def]
    world = await make_world()
    u = world.users
    admin = await viewer_of(u["site_admin"])
    public = await start_topic(world.public, u["full"], "公开置顶主题")
    branch = await start_topic(world.branch, u["full"], "支部置顶主题")
    expired = await start_topic(world.public, u["full"], "过期置顶主题")
    hidden = await start_topic(world.public, u["full"], "隐藏置顶主题")
    for topic in (public, branch, expired, hidden):
        await site_pins.pin_site_wide(admin, topic.id, "置顶")
    await SitePin.filter(topic_id=expired.id).update(until=utcnow() - dt.timedelta(minutes=1))
    await Topic.filter(id=hidden.id).update(hidden=True)

    async def titles(viewer) -> list[str]:  # type: ignore[no-untyped-def]
        return [t.title for t in await site_pins.pinned_topics(viewer)]

    assert await titles(await viewer_of(u["full"])) == ["支部置顶主题", "公开置顶主题"]
    assert await titles(await viewer_of(u["sibling"])) == ["公开置顶主题"]
    assert "支部置顶主题" not in await titles(ANONYMOUS)

    # Bounded: the same number of queries for 2 pins and for 8.
    viewer = await viewer_of(u["full"])
    with count_queries() as few:
        await site_pins.pinned_topics(viewer)
    for n in range(6):
        more = await start_topic(world.public, u["full"], f"更多置顶{n}")
        await site_pins.pin_site_wide(admin, more.id, "置顶")
    with count_queries() as many:
        assert len(await site_pins.pinned_topics(viewer)) == 8
    assert len(many.queries) == len(few.queries) <= 5


async def test_home_and_board_pages_show_pins_to_allowed_viewers(
    database,  # type: ignore[no-untyped-def]
    services,  # type: ignore[no-untyped-def]
    client: Client,
    other_client: Client,
) -> None:
    world = await make_world()
    u = world.users
    site_mod = await make_person(None, None, username="smod", role="moderator")
    public = await start_topic(world.public, u["full"], "公开置顶主题")
    branch = await start_topic(world.branch, u["full"], "支部置顶主题")
    await client.login("smod")
    for topic in (public, branch):
        page = await client.get(f"/moderation/topics/{topic.id}")
        assert page.status_code == 200 and "全站置顶" in page.text
        r = await client.post_form(
            f"/moderation/topics/{topic.id}/site-pin", {"reason": "通知", "until": ""}
        )
        assert r.status_code == 303, r.text[:300]
    assert await AuditEntry.filter(action="topic.site_pinned", actor_id=site_mod.id).count() == 2
    await other_client.login("sibling")  # branch B: cannot read branch A's board
    home = (await other_client.get("/")).text
    assert "公开置顶主题" in home and "支部置顶主题" not in home
    board = (await other_client.get(f"/forum/b/{world.public.id}")).text
    assert "全站置顶" in board and "支部置顶主题" not in board
    await other_client.logout()
    await other_client.login("full")
    home = (await other_client.get("/")).text
    assert "公开置顶主题" in home and "支部置顶主题" in home
    # The branch topic heads the public board's list too (site-wide), listed once.
    board = (await other_client.get(f"/forum/b/{world.public.id}")).text
    assert board.index("支部置顶主题") < board.index("公开置顶主题")
    assert board.count(f'href="/t/{public.id}"') == 1
    # A board moderator who is not a site moderator is refused (policy: 403).
    await other_client.logout()
    await other_client.login("bmod")
    r = await other_client.post_form(
        f"/moderation/topics/{public.id}/site-unpin", {"reason": "越权"}
    )
    assert r.status_code == 403
    r = await client.post_json(
        f"/api/v1/moderation/topics/{public.id}/site-pin", {"action": "unpin", "reason": "结束"}
    )
    assert r.status_code == 200 and r.json() == {
        "topic_id": public.id,
        "pinned": False,
        "until": None,
    }
    r = await client.post_json(
        f"/api/v1/moderation/topics/{public.id}/site-pin", {"action": "pin", "until": "明天"}
    )
    assert r.status_code == 400
    r = await client.post_json(
        f"/api/v1/moderation/topics/{public.id}/site-pin", {"action": "pin", "extra": 1}
    )
    assert r.status_code == 400
    assert await AuditEntry.filter(action="topic.site_unpinned").count() == 1


async def test_site_pin_operation_is_in_the_openapi_spec(database, client: Client) -> None:  # type: ignore[no-untyped-def]
    spec = (await client.get("/api/v1/openapi.json")).json()
    operation = spec["paths"]["/api/v1/moderation/topics/{topic_id}/site-pin"]["post"]
    body = operation["requestBody"]["content"]["application/json"]["schema"]
    assert body["additionalProperties"] is False and body["required"] == ["action"]
