"""The review queue over HTTP: each item shows where it sits (link in context), who wrote it
(name, org, account age, posts, earlier flags and sanctions), the rendered excerpt and every
flag; one click hides, warns, silences for N days, suspends or dismisses; premoderated items
are approved in bulk. All through the real moderation actions, with CSRF, audited."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from typing import Any

import pytest

import forum.boards.routes  # noqa: F401  (board moderator viewer facts)
import moderation.routes  # noqa: F401
from forum.auditlog import AuditEntry
from forum.boards.models import Post, Topic
from forum.models import User
from moderation import newmembers, review
from moderation.models import ReviewItem, Sanction
from tests.boards_helpers import make_world, reply_to, start_topic
from tests.factories import viewer_of
from tests.helpers import Client


async def _age(*users: User, days: int = 40) -> None:
    old = dt.datetime.now(dt.UTC) - dt.timedelta(days=days)
    await User.filter(id__in=[u.id for u in users]).update(created_at=old)


async def _flagged_post(world: Any) -> tuple[Topic, Post]:
    u = world.users
    topic = await start_topic(world.branch, u["full2"], "支部学习安排")
    post = await reply_to(topic, u["full"], "**加粗的广告** 快来 <script>alert(1)</script>")
    await review.flag_content(await viewer_of(u["full2"]), "post", post.id, "spam", "反复发广告")
    await review.flag_content(await viewer_of(u["probationary"]), "post", post.id, "off_topic")
    return topic, post


def _item_html(page: str, item_id: int) -> str:
    match = re.search(
        rf'<article class="card review-item" id="item-{item_id}">(.*?)</article>', page, re.S
    )
    assert match, f"item {item_id} not on the page"
    return match.group(1)


async def test_queue_item_shows_place_author_excerpt_and_flags(
    database, services, client: Client
) -> None:  # type: ignore[no-untyped-def]
    world = await make_world()
    u = world.users
    await _age(*u.values())
    topic, post = await _flagged_post(world)
    # An earlier flagged item of the same author, resolved, and an earlier warning.
    older = await reply_to(topic, u["full"], "早先的回复")
    await review.flag_content(await viewer_of(u["activist"]), "post", older.id, "inappropriate")
    sec = await viewer_of(u["secretary"])
    await review.moderate_content(sec, "post", older.id, "dismiss")
    await Sanction.create(
        user_id=u["full"].id, kind="warn", reason="早先的警告", starts_at=dt.datetime.now(dt.UTC)
    )
    item = await ReviewItem.get(target_kind="post", target_id=post.id, resolved_at=None)
    await client.login("sec")
    page = await client.get("/moderation/queue")
    assert page.status_code == 200
    html = _item_html(page.text, item.id)
    # Where: board › topic, linking to the post in its topic.
    assert f'href="/t/{topic.id}/{post.number}"' in html
    assert "甲支部内部交流 › 支部学习安排" in html
    # The excerpt is rendered and sanitized, never raw Markdown.
    assert "<strong>加粗的广告</strong>" in html
    assert "**加粗的广告**" not in html and "<script>" not in html
    # The author: display name, username, org, age, approved posts, record.
    author = u["full"]
    assert author.display_name in html and f"@{author.username}" in html
    assert world.tree.branch_a.name in html
    assert "注册 40 天" in html
    approved = await Post.filter(author_id=author.id, hidden=False, deleted=False).count()
    assert f"已发布 {approved} 条" in html
    assert "此前被举报 1 次" in html and "警告 1 次" in html
    # Every flag with its reason, text and flagger.
    assert "垃圾广告" in html and "反复发广告" in html and "偏离主题" in html
    assert u["full2"].display_name in html and u["probationary"].display_name in html
    # One-click actions; 驳回举报 for a flagged item.
    for label in (
        "隐藏",
        "驳回举报",
        "警告作者",
        "禁言 1 天",
        "禁言 3 天",
        "禁言 7 天",
        "禁言 30 天",
        "封禁 30 天",
    ):
        assert label in html


async def test_queue_page_queries_stay_bounded(database, services, client: Client) -> None:  # type: ignore[no-untyped-def]
    """Loading the queue's context costs the same number of queries for 2 items as for 8."""
    from moderation import queries, queue_context
    from tests.capture import count_queries

    world = await make_world()
    u = world.users
    await _age(*u.values())
    topic = await start_topic(world.branch, u["full2"], "计数")
    sec = await viewer_of(u["secretary"])
    flagger = await viewer_of(u["probationary"])

    async def measure() -> int:
        items, _ = await queries.review_queue(sec)
        with count_queries() as counted:
            entries = await queue_context.queue_entries(sec, items)
        assert all(e.place is not None and e.author is not None for e in entries)
        return counted.count

    for name in ("full", "activist"):
        post = await reply_to(topic, u[name], f"{name} 的回复")
        await review.flag_content(flagger, "post", post.id, "spam")
    few = await measure()
    for i in range(6):
        post = await reply_to(topic, u["full"], f"更多回复 {i}")
        await review.flag_content(flagger, "post", post.id, "spam")
    assert await measure() == few


async def test_hide_from_the_queue_in_one_click(database, services, client: Client) -> None:  # type: ignore[no-untyped-def]
    world = await make_world()
    await _age(*world.users.values())
    _, post = await _flagged_post(world)
    item = await ReviewItem.get(target_kind="post", target_id=post.id, resolved_at=None)
    await client.login("sec")
    page = await client.get("/moderation/queue")
    # The reason field comes filled with the flag reasons: one click is enough.
    assert 'value="垃圾广告；偏离主题"' in _item_html(page.text, item.id)
    resp = await client.post_form(
        f"/moderation/queue/{item.id}", {"decision": "hide", "reason": "垃圾广告；偏离主题"}
    )
    assert resp.status_code == 303
    assert (await Post.get(id=post.id)).hidden
    assert (await ReviewItem.get(id=item.id)).resolution == "hide"
    entry = await AuditEntry.get(action="content.hide", target_id=str(post.id))
    assert entry.reason == "垃圾广告；偏离主题" and entry.actor_name == "sec"


async def test_dismiss_only_offered_for_flags(
    database, services, client: Client, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    world = await make_world()
    u = world.users
    await _age(*u.values())
    _, post = await _flagged_post(world)
    flagged = await ReviewItem.get(target_kind="post", target_id=post.id, resolved_at=None)
    held = await _premoderated_post(world, monkeypatch, "新人的帖子")
    await client.login("root")  # a site admin: both boards
    page = (await client.get("/moderation/queue")).text
    assert "驳回举报" in _item_html(page, flagged.id)
    assert "驳回举报" not in _item_html(page, held.id)
    resp = await client.post_form(f"/moderation/queue/{flagged.id}", {"decision": "dismiss"})
    assert resp.status_code == 303
    assert await AuditEntry.filter(action="content.dismiss", target_id=str(post.id)).exists()


@pytest.mark.parametrize(
    ("choice", "kind", "days"),
    [("warn", "warn", None), ("silence:1", "silence", 1), ("silence:3", "silence", 3),
     ("silence:7", "silence", 7), ("silence:30", "silence", 30), ("suspend:30", "suspend", 30)],
)  # fmt: skip
async def test_sanction_the_author_from_the_queue(
    database, services, client: Client, choice: str, kind: str, days: int | None
) -> None:  # type: ignore[no-untyped-def]
    world = await make_world()
    await _age(*world.users.values())
    _, post = await _flagged_post(world)
    item = await ReviewItem.get(target_kind="post", target_id=post.id, resolved_at=None)
    await client.login("sec")
    await client.get("/moderation/queue")
    resp = await client.post_form(
        f"/moderation/queue/{item.id}/sanction",
        {"sanction": choice, "reason": "反复发广告", "confirmed": "1"},
    )
    assert resp.status_code == 303
    sanction = await Sanction.get(user_id=world.users["full"].id)
    assert sanction.kind == kind and sanction.reason == "反复发广告"
    if days is None:
        assert sanction.ends_at is None
    else:
        assert sanction.ends_at is not None
        assert (sanction.ends_at - sanction.starts_at) == dt.timedelta(days=days)
    entry = await AuditEntry.get(action=f"sanction.{kind}")
    assert entry.target_id == str(world.users["full"].id) and entry.actor_name == "sec"
    # The item stays open: sanctioning the author is not a decision on the content.
    assert (await ReviewItem.get(id=item.id)).resolved_at is None


async def test_queue_sanction_needs_csrf_scope_and_a_reason(
    database, services, client: Client
) -> None:  # type: ignore[no-untyped-def]
    world = await make_world()
    await _age(*world.users.values())
    _, post = await _flagged_post(world)
    item = await ReviewItem.get(target_kind="post", target_id=post.id, resolved_at=None)
    await client.login("sec")
    await client.get("/moderation/queue")
    no_csrf = await client.http.post(
        f"/moderation/queue/{item.id}/sanction", data={"sanction": "silence:3", "reason": "x"}
    )
    assert no_csrf.status_code == 403
    no_reason = await client.post_form(
        f"/moderation/queue/{item.id}/sanction", {"sanction": "silence:3", "reason": ""}
    )
    assert no_reason.status_code == 400
    await client.login("sibling")  # no queue: the item looks missing
    outside = await client.post_form(
        f"/moderation/queue/{item.id}/sanction", {"sanction": "silence:3", "reason": "x"}
    )
    assert outside.status_code == 404
    assert not await Sanction.exists()


async def _premoderated_post(world: Any, monkeypatch: pytest.MonkeyPatch, body: str) -> ReviewItem:
    from forum.settings import get_settings

    strict = dataclasses.replace(get_settings(), new_account_days=3, new_account_min_posts=0)
    monkeypatch.setattr(newmembers, "get_settings", lambda: strict)
    await User.filter(id=world.users["public"].id).update(created_at=dt.datetime.now(dt.UTC))
    # `public` (no member record, a new account) is premoderated in the public board.
    ptopic = await Topic.filter(board_id=world.public.id).first()
    if ptopic is None:
        ptopic = await start_topic(world.public, world.users["full2"], "公开讨论")
    post = await reply_to(ptopic, world.users["public"], body)
    assert (await Post.get(id=post.id)).held
    return await ReviewItem.get(target_kind="post", target_id=post.id, resolved_at=None)


async def test_bulk_approve_premoderated_posts(
    database, services, client: Client, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    world = await make_world()
    u = world.users
    await _age(*(v for k, v in u.items() if k != "public"))
    first = await _premoderated_post(world, monkeypatch, "第一条待审")
    second = await _premoderated_post(world, monkeypatch, "第二条待审")
    await client.login("root")
    page = (await client.get("/moderation/queue")).text
    assert 'id="bulk-approve"' in page
    for item in (first, second):
        assert f'name="item" value="{item.id}" form="bulk-approve"' in _item_html(page, item.id)
    resp = await client.post_form(
        "/moderation/queue/approve", {"item": [str(first.id), str(second.id)]}
    )
    assert resp.status_code == 303
    for item in (first, second):
        assert (await ReviewItem.get(id=item.id)).resolution == "approve"
        post = await Post.get(id=item.target_id)
        assert not post.hidden and not post.held
    assert await AuditEntry.filter(action="content.approve").count() == 2
    # A flagged (not premoderated) item is refused in bulk, and nothing is approved.
    _, flagged_post = await _flagged_post(world)
    flagged = await ReviewItem.get(target_kind="post", target_id=flagged_post.id, resolved_at=None)
    third = await _premoderated_post(world, monkeypatch, "第三条待审")
    refused = await client.post_form(
        "/moderation/queue/approve", {"item": [str(third.id), str(flagged.id)]}
    )
    assert refused.status_code == 400 and "新成员待审" in refused.text
    assert (await ReviewItem.get(id=third.id)).resolved_at is None
    empty = await client.post_form("/moderation/queue/approve", {})
    assert empty.status_code == 400


async def test_post_menu_sanctions_the_author_where_the_policy_allows(
    database, services, client: Client
) -> None:  # type: ignore[no-untyped-def]
    world = await make_world()
    u = world.users
    await _age(*u.values())
    topic = await start_topic(world.branch, u["secretary"], "支部讨论")
    post = await reply_to(topic, u["full"], "一条回复")

    def menu(page: str, number: int) -> bool:
        match = re.search(
            rf'<article class="post card[^"]*" id="p{number}".*?</article>', page, re.S
        )
        assert match
        return 'action="/moderation/content/sanction"' in match.group(0)

    await client.login("full2")  # a plain member: no menu
    page = (await client.get(f"/t/{topic.id}")).text
    assert not menu(page, post.number)
    refused = await client.post_form(
        "/moderation/content/sanction",
        {"kind": "post", "id": str(post.id), "sanction": "silence:3", "reason": "x"},
    )
    assert refused.status_code in (403, 404)
    await client.login("sec")
    page = (await client.get(f"/t/{topic.id}")).text
    assert menu(page, post.number)  # the author's post
    assert not menu(page, 1)  # not on one's own post
    resp = await client.post_form(
        "/moderation/content/sanction",
        {
            "kind": "post",
            "id": str(post.id),
            "sanction": "silence:7",
            "reason": "屡次跑题",
            "confirmed": "1",
            "next": f"/t/{topic.id}/{post.number}",
        },
    )
    assert resp.status_code == 303 and resp.headers["location"] == f"/t/{topic.id}/{post.number}"
    sanction = await Sanction.get(user_id=u["full"].id)
    assert sanction.kind == "silence" and sanction.ends_at is not None
    assert sanction.ends_at - sanction.starts_at == dt.timedelta(days=7)
    assert (await AuditEntry.get(action="sanction.silence")).reason == "屡次跑题"
    # A board moderator of the public board moderates its posts, but accounts only in
    # their own org scope: the menu follows the policy (no menu for an outside author).
    public_topic = await start_topic(world.public, u["sibling"], "公开话题")
    await client.login("bmod")
    page = (await client.get(f"/t/{public_topic.id}")).text
    assert not menu(page, 1)
