"""Boards through HTTP: pages, posting, refusals that write nothing, rights per viewer kind."""

from __future__ import annotations

from forum import markup
from forum.auditlog import AuditEntry
from forum.boards.models import (
    BoardGrant,
    Like,
    Post,
    PostRevision,
    Topic,
    TopicRead,
)
from forum.notifications import Notification
from tests.boards_helpers import make_world, reply_to, start_topic
from tests.helpers import Client

# Irreversible steps ask first (forum.answers); these tests take them confirmed.
CONFIRMED = {"confirmed": "1"}


async def counts() -> tuple[int, int, int]:
    return await Topic.all().count(), await Post.all().count(), await Notification.all().count()


async def test_board_list_shows_site_then_my_org_boards(client: Client) -> None:
    world = await make_world()
    response = await client.get("/forum")
    assert response.status_code == 200
    assert "学习园地" in response.text and "甲支部内部交流" not in response.text
    await client.login("full")
    response = await client.get("/forum")
    assert "我的组织版块" in response.text and "甲支部内部交流" in response.text
    assert response.text.index("学习园地") < response.text.index("甲支部内部交流")
    await start_topic(world.public, world.users["full2"])
    response = await client.get("/forum")
    assert "1 未读" in response.text


async def test_start_topic_reply_and_read_tracking(client: Client) -> None:
    world = await make_world()
    await client.login("full")
    response = await client.post_form(
        f"/forum/b/{world.public.id}/new", {"title": "推进基层党建工作", "body": "**加粗**"}
    )
    assert response.status_code == 303, response.text
    topic = await Topic.get()
    assert response.headers["location"] == f"/t/{topic.id}"
    page = await client.get(f"/t/{topic.id}")
    assert "<strong>加粗</strong>" in page.text
    response = await client.post_form(f"/t/{topic.id}/reply", {"body": "第二楼"})
    assert response.status_code == 303
    assert response.headers["location"] == f"/t/{topic.id}#p2"  # its page, in context
    post = await Post.get(topic_id=topic.id, number=2)
    assert post.body_html == "<p>第二楼</p>" and post.render_version == markup.VERSION
    topic = await Topic.get(id=topic.id)
    assert topic.reply_count == 1 and topic.last_number == 2
    read = await TopicRead.get(topic_id=topic.id)
    assert read.last_read_number == 2
    link = await client.get(f"/t/{topic.id}/2")
    assert link.status_code == 303 and link.headers["location"].endswith("#p2")


async def test_reply_notifies_author_mention_and_quote(
    client: Client, other_client: Client
) -> None:
    world = await make_world()
    topic = await start_topic(world.public, world.users["full"])
    await client.login("full2")
    response = await client.post_form(
        f"/t/{topic.id}/reply", {"body": "同意 @prob 的看法", "reply_to": "1"}
    )
    assert response.status_code == 303
    kinds = sorted((n.user_id, str(n.kind)) for n in await Notification.all())
    assert kinds == sorted(
        [(world.users["full"].id, "quote"), (world.users["probationary"].id, "mention")]
    )
    await other_client.login("full")
    page = await other_client.get("/forum/notifications")
    assert "引用了你的回帖" in page.text and "badge-unread" in page.text
    await other_client.get(f"/t/{topic.id}")
    assert (
        await Notification.filter(user_id=world.users["full"].id, read_at__isnull=True).count() == 0
    )


async def test_mention_of_outsider_does_not_notify(client: Client) -> None:
    world = await make_world()
    topic = await start_topic(world.branch, world.users["full"])
    await client.login("full2")
    await client.post_form(f"/t/{topic.id}/reply", {"body": "@sibling 你看看"})
    assert not await Notification.exists(user_id=world.users["sibling"].id)


async def test_invalid_input_writes_nothing(client: Client) -> None:
    world = await make_world()
    await client.login("full")
    before = await counts()
    for data in (
        {"title": "", "body": "正文"},
        {"title": "标" * 100_000, "body": "正文"},
        {"title": "好标题", "body": "字" * 20_001},
        {"title": "好标题", "body": "   "},
    ):
        response = await client.post_form(f"/forum/b/{world.public.id}/new", data)
        assert response.status_code == 400, data["title"][:5]
        # The form again, the message at its field (and in the summary).
        assert 'class="field-error"' in response.text
        assert 'aria-invalid="true"' in response.text
    assert (
        await client.post_form("/forum/b/99999/new", {"title": "x", "body": "y"})
    ).status_code == 404
    assert await counts() == before


async def test_closed_topic_refuses_reply_but_moderator_may(client: Client) -> None:
    world = await make_world()
    topic = await start_topic(world.public, world.users["full"])
    await client.login("bmod")
    response = await client.post_form(f"/t/{topic.id}/close", {"value": "1"})
    assert response.status_code == 303
    assert (await Topic.get(id=topic.id)).closed
    assert await AuditEntry.filter(action="topic.closed", target_id=str(topic.id)).count() == 1
    await client.logout()
    await client.login("full2")
    before = await counts()
    response = await client.post_form(f"/t/{topic.id}/reply", {"body": "还能回复吗"})
    assert response.status_code == 403
    assert await counts() == before
    page = await client.get(f"/t/{topic.id}")
    assert "主题已关闭" in page.text and f'action="/t/{topic.id}/reply"' not in page.text


async def test_hidden_board_is_404_for_outsiders(client: Client) -> None:
    world = await make_world()
    topic = await start_topic(world.branch, world.users["full"])
    for who in (None, "sibling", "public"):
        if who:
            await client.login(who)
        assert (await client.get(f"/forum/b/{world.branch.id}")).status_code == 404
        assert (await client.get(f"/t/{topic.id}")).status_code == 404
        assert (await client.get(f"/api/v1/topics/{topic.id}")).status_code == 404
        if who:
            await client.logout()
    world.branch.hidden = True
    await world.branch.save()
    await client.login("full")
    assert (await client.get(f"/forum/b/{world.branch.id}")).status_code == 404
    await client.logout()
    await client.login("sec")  # the branch secretary administers the board
    assert (await client.get(f"/forum/b/{world.branch.id}")).status_code == 200


async def test_rights_per_viewer_kind_on_branch_board(client: Client) -> None:
    world = await make_world()
    topic = await start_topic(world.branch, world.users["full"])
    # (user, may read, may start topic, may reply) from DEFAULT_ORG_MATRIX
    expected = {
        "full": (True, True, True),
        "prob": (True, True, True),
        "activist": (True, False, True),
        "applicant": (True, False, False),
        "sanct": (True, False, False),
        "sibling": (False, False, False),
        "public": (False, False, False),
    }
    for username, (read, start, reply) in expected.items():
        await client.login(username)
        board_page = await client.get(f"/forum/b/{world.branch.id}")
        assert (board_page.status_code == 200) is read, username
        if read:
            assert ("发起主题" in board_page.text) is start, username
            page = await client.get(f"/t/{topic.id}")
            assert (f'action="/t/{topic.id}/reply"' in page.text) is reply, username
            api = (await client.get(f"/api/v1/topics/{topic.id}")).json()
            assert api["topic"]["can_reply"] is reply, username
        before = await counts()
        response = await client.post_form(f"/t/{topic.id}/reply", {"body": "试试"})
        assert response.status_code == (303 if reply else 403 if read else 404), username
        if not reply:
            assert await counts() == before
        await client.logout()


async def test_edit_keeps_revisions_and_history_page(client: Client) -> None:
    world = await make_world()
    topic = await start_topic(world.public, world.users["full"], body="初稿")
    await client.login("full")
    response = await client.post_form(f"/t/{topic.id}/1/edit", {"body": "修改稿", "reason": "补充"})
    assert response.status_code == 303
    revision = await PostRevision.get()
    assert (revision.body_before, revision.body_after, revision.reason) == (
        "初稿",
        "修改稿",
        "补充",
    )
    history = await client.get(f"/t/{topic.id}/1/history")
    assert "初稿" in history.text and "修改稿" in history.text and "第 1 次编辑" in history.text
    assert not await AuditEntry.exists(action="post.edited")  # own edits are not audited
    await client.logout()
    await client.login("full2")
    assert (await client.post_form(f"/t/{topic.id}/1/edit", {"body": "篡改"})).status_code == 403
    assert await PostRevision.all().count() == 1


async def test_delete_like_hide_pin_accept(client: Client, other_client: Client) -> None:
    world = await make_world()
    topic = await start_topic(world.consult, world.users["applicant"], title="入党申请书交给谁")
    answer = await reply_to(topic, world.users["full"], "交给所在党支部")
    await client.login("applicant")
    assert (await client.post_form(f"/t/{topic.id}/2/like")).status_code == 303
    assert await Like.all().count() == 1 and (await Post.get(id=answer.id)).like_count == 1
    assert (await client.post_form(f"/t/{topic.id}/2/accept")).status_code == 303
    assert (await Topic.get(id=topic.id)).accepted_post_id == answer.id
    assert await Notification.exists(user_id=world.users["full"].id, kind="accepted")
    page = await client.get(f"/t/{topic.id}")
    assert "采纳的答案" in page.text
    assert (await client.post_form(f"/t/{topic.id}/2/delete")).status_code == 403
    await other_client.login("full")
    assert (await other_client.post_form(f"/t/{topic.id}/2/delete", CONFIRMED)).status_code == 303
    assert (await Post.get(id=answer.id)).deleted
    assert (await Topic.get(id=topic.id)).accepted_post_id is None
    page = await client.get(f"/t/{topic.id}")
    assert "此回帖已删除" in page.text and "交给所在党支部" not in page.text
    assert (await other_client.post_form(f"/t/{topic.id}/pin", {"value": "1"})).status_code == 403


async def test_moderator_hides_post_audited(client: Client) -> None:
    world = await make_world()
    topic = await start_topic(world.public, world.users["full"])
    post = await reply_to(topic, world.users["full2"], "不当言论")
    await client.login("bmod")
    response = await client.post_form(
        f"/t/{topic.id}/2/hide", {"hidden": "1", "reason": "违规", "confirmed": "1"}
    )
    assert response.status_code == 303
    assert (await Post.get(id=post.id)).hidden
    assert (await Topic.get(id=topic.id)).reply_count == 0  # visible replies only
    entry = await AuditEntry.get(action="post.hidden")
    assert entry.target_id == str(post.id) and entry.reason == "违规"
    shown = await client.post_form(f"/t/{topic.id}/2/hide", {"hidden": "0", "reason": "误判"})
    assert shown.status_code == 303 and not (await Post.get(id=post.id)).hidden
    assert (await Topic.get(id=topic.id)).reply_count == 1
    await client.post_form(
        f"/t/{topic.id}/2/hide", {"hidden": "1", "reason": "违规", "confirmed": "1"}
    )
    response = await client.post_form(f"/t/{topic.id}/pin", {"value": "1"})
    assert response.status_code == 303 and (await Topic.get(id=topic.id)).pinned
    await client.logout()
    page = await client.get(f"/t/{topic.id}")
    assert "不当言论" not in page.text and "此回帖已被隐藏" in page.text


async def test_grant_matrix_editor(client: Client) -> None:
    world = await make_world()
    await client.login("full")
    assert (await client.get(f"/forum/b/{world.branch.id}/grants")).status_code == 404
    await client.logout()
    await client.login("sec")
    page = await client.get(f"/forum/b/{world.branch.id}/grants")
    assert page.status_code == 200 and "发起主题" in page.text
    form = {
        "see_status": "public",
        "see_scope": "anyone",
        "read_status": "public",
        "read_scope": "anyone",
        "start_topic_status": "full",
        "start_topic_scope": "org_only",
        "reply_status": "probationary",
        "reply_scope": "org_subtree",
        "reply_deny_sanctioned": "on",
        "attach_status": "none",
        "moderate_status": "none",
    }
    bad = {**form, "reply_scope": "galaxy"}
    assert (await client.post_form(f"/forum/b/{world.branch.id}/grants", bad)).status_code == 400
    assert await BoardGrant.filter(board_id=world.branch.id).count() == 5
    response = await client.post_form(f"/forum/b/{world.branch.id}/grants", form)
    assert response.status_code == 303
    rows = {
        g.verb: (g.min_status, g.scope) for g in await BoardGrant.filter(board_id=world.branch.id)
    }
    assert rows == {
        "see": ("public", "anyone"),
        "read": ("public", "anyone"),
        "start_topic": ("full", "org_only"),
        "reply": ("probationary", "org_subtree"),
    }
    assert await AuditEntry.filter(action="board.grants_changed").count() == 1
    await client.logout()
    assert (await client.get(f"/forum/b/{world.branch.id}")).status_code == 200  # now public


async def test_silenced_member_reads_but_cannot_write(client: Client) -> None:
    import dataclasses

    from forum.viewer import FACTS, ViewerFacts

    world = await make_world()
    topic = await start_topic(world.public, world.users["full"])
    silenced_id = world.users["full2"].id

    async def silence(viewer):  # type: ignore[no-untyped-def]
        return dataclasses.replace(viewer, silenced=viewer.user_id == silenced_id)

    ViewerFacts("test.silence", silence).install()
    try:
        await client.login("full2")
        page = await client.get(f"/t/{topic.id}")
        assert page.status_code == 200 and f'action="/t/{topic.id}/reply"' not in page.text
        before = await counts()
        assert (await client.post_form(f"/t/{topic.id}/reply", {"body": "x"})).status_code == 403
        response = await client.post_json(f"/api/v1/topics/{topic.id}/posts", {"body": "x"})
        assert response.status_code == 403 and response.json()["status"] == 403
        assert await counts() == before
    finally:
        FACTS.remove("test.silence")


async def test_search_finds_chinese_substrings_within_policy(client: Client) -> None:
    world = await make_world()
    await start_topic(world.public, world.users["full"], "学习心得", "我们要推进基层党建工作")
    await start_topic(world.branch, world.users["full"], "内部通知", "基层党建内部材料")
    await start_topic(world.public, world.users["full"], "组织生活会的准备", "正文")
    response = await client.get("/search", params={"q": "基层党建", "part": "forum"})
    assert "学习心得" in response.text and "内部通知" not in response.text
    api = (await client.get("/api/v1/search", params={"q": "基层党建"})).json()
    assert [p["topic_id"] for p in api["items"]] and len(api["items"]) == 1
    title = (await client.get("/api/v1/search", params={"q": "组织生活"})).json()
    assert len(title["items"]) == 1
    two = (await client.get("/api/v1/search", params={"q": "党建"})).json()
    assert len(two["items"]) == 1
    await client.login("full")
    api = (await client.get("/api/v1/search", params={"q": "基层党建"})).json()
    assert len(api["items"]) == 2
    assert (await client.get("/api/v1/search", params={"q": "100%_"})).json()["items"] == []


async def test_atom_feed_for_public_board_only(client: Client) -> None:
    world = await make_world()
    await start_topic(world.public, world.users["full"], "公开主题")
    feed = await client.get(f"/forum/b/{world.public.id}/feed.atom")
    assert feed.status_code == 200 and "公开主题" in feed.text
    assert feed.headers["content-type"].startswith("application/atom+xml")
    await client.login("full")
    assert (await client.get(f"/forum/b/{world.branch.id}/feed.atom")).status_code == 404


async def test_board_admin_adds_person_and_role_moderators(client: Client) -> None:
    from forum.boards.models import BoardModerator

    world = await make_world()
    topic = await start_topic(world.branch, world.users["full"])
    await client.login("sec")
    url = f"/forum/b/{world.branch.id}/moderators"
    assert (await client.post_form(url, {"username": "nobody"})).status_code == 400
    assert (await client.post_form(url, {"username": "full2"})).status_code == 303
    role = {"org_id": str(world.tree.branch_a.id), "role": "group_leader"}
    assert (await client.post_form(url, role)).status_code == 303
    assert await BoardModerator.filter(board_id=world.branch.id).count() == 2
    assert await AuditEntry.filter(action="board.moderator_added").count() == 2
    await client.logout()
    await client.login("full2")  # now a moderator of the branch board
    assert (await client.post_form(f"/t/{topic.id}/pin", {"value": "1"})).status_code == 303
    assert (await client.post_form(url, {"username": "full"})).status_code == 404
    await client.logout()
    await client.login("sec")
    grant = await BoardModerator.get(board_id=world.branch.id, user_id=world.users["full2"].id)
    response = await client.post_form(f"{url}/{grant.id}/delete", CONFIRMED)
    assert response.status_code == 303
    assert await BoardModerator.filter(board_id=world.branch.id).count() == 1
    assert await AuditEntry.filter(action="board.moderator_removed").count() == 1


async def test_org_admin_creates_board_for_own_org_only(client: Client) -> None:
    from forum.boards.models import Board

    world = await make_world()
    await client.login("full")
    assert (await client.get("/forum/boards/new")).status_code == 404
    await client.logout()
    await client.login("sec")
    page = await client.get("/forum/boards/new")
    assert page.status_code == 200 and "全站版块" not in page.text
    before = await Board.all().count()
    bad = {"name": "x", "kind": "discussion", "org_id": str(world.tree.branch_a.id)}
    assert (await client.post_form("/forum/boards/new", bad)).status_code == 400
    sibling = {"name": "乙支部版块", "kind": "discussion", "org_id": str(world.tree.branch_b.id)}
    assert (await client.post_form("/forum/boards/new", sibling)).status_code == 404
    site = {"name": "全站新版块", "kind": "discussion", "org_id": ""}
    assert (await client.post_form("/forum/boards/new", site)).status_code == 403
    assert await Board.all().count() == before
    good = {"name": "甲支部学习", "kind": "consultation", "org_id": str(world.tree.branch_a.id)}
    response = await client.post_form("/forum/boards/new", good)
    assert response.status_code == 303
    board = await Board.get(name="甲支部学习")
    assert board.org_id == world.tree.branch_a.id and str(board.kind) == "consultation"
    assert await AuditEntry.filter(action="board.created", target_id=str(board.id)).exists()


async def test_hidden_parent_hides_child_board(client: Client) -> None:
    from forum.boards import actions

    world = await make_world()
    child = await actions.do_create_board(
        "学习园地·子版块", parent=world.public, matrix=actions.PUBLIC_MATRIX
    )
    topic = await start_topic(child, world.users["full"], "子版块主题")
    assert (await client.get(f"/forum/b/{child.id}")).status_code == 200
    world.public.hidden = True
    await world.public.save()
    for path in (f"/forum/b/{child.id}", f"/t/{topic.id}", f"/api/v1/topics/{topic.id}"):
        assert (await client.get(path)).status_code == 404, path
    assert "子版块" not in (await client.get("/forum")).text
    assert (await client.get("/api/v1/search", params={"q": "子版块主题"})).json()["items"] == []
    await client.login("bmod")  # moderates the hidden parent only: the child stays hidden
    assert (await client.get(f"/forum/b/{world.public.id}")).status_code == 200
    assert (await client.get(f"/forum/b/{child.id}")).status_code == 404
    await client.logout()
    await client.login("root")  # site admin administers every site board
    assert (await client.get(f"/forum/b/{child.id}")).status_code == 200


async def test_moderator_hides_topic_from_readers(client: Client, other_client: Client) -> None:
    world = await make_world()
    topic = await start_topic(world.public, world.users["full"], "待隐藏的主题")
    await other_client.login("full2")
    assert (await other_client.post_form(f"/t/{topic.id}/hide", {"value": "1"})).status_code == 403
    await client.login("bmod")
    assert (
        await client.post_form(f"/t/{topic.id}/hide", {"value": "1", **CONFIRMED})
    ).status_code == 303
    assert (await Topic.get(id=topic.id)).hidden
    assert await AuditEntry.filter(action="topic.hidden", target_id=str(topic.id)).count() == 1
    assert (await client.get(f"/t/{topic.id}")).status_code == 200  # moderators still see it
    assert (await other_client.get(f"/t/{topic.id}")).status_code == 404
    board_page = await other_client.get(f"/forum/b/{world.public.id}")
    assert "待隐藏的主题" not in board_page.text
    before = await counts()
    assert (await other_client.post_form(f"/t/{topic.id}/reply", {"body": "x"})).status_code == 404
    assert await counts() == before
