"""People pages over HTTP (SQLite and PostgreSQL lanes): profiles and their cards by the
directory's field rules, the lists on them, bookmarks, who liked a post, the history diff,
and the names that link to profiles."""

from __future__ import annotations

import re

from forum.boards import actions, queries
from forum.boards.models import Bookmark, Post, Topic
from forum.models import User
from tests.boards_helpers import World, make_world, reply_to, start_topic
from tests.capture import count_queries
from tests.factories import viewer_of
from tests.helpers import Client

IN_PLACE = {"X-Grassroots-In-Place": "1"}


async def _setup() -> tuple[World, Topic, Topic]:
    world = await make_world()
    await User.filter(username="full").update(display_name="张晓明")
    full = world.users["full"]
    public = await start_topic(world.public, full, "公开主题：学习体会", "公开正文")
    inside = await start_topic(world.branch, full, "支部内部主题：组织生活会", "内部正文")
    await reply_to(public, full, "公开回帖内容")
    await reply_to(inside, full, "内部回帖内容")
    return world, public, inside


def _main(html: str) -> str:
    return html.split('<main id="main"', 1)[1].split("</main>", 1)[0]


async def test_a_sibling_branch_sees_only_what_the_field_rules_allow(client: Client) -> None:
    _world, _, _ = await _setup()
    await client.login("sibling")
    page = await client.get("/u/full")
    assert page.status_code == 200
    assert page.headers["cache-control"] == "no-store"
    main = _main(page.text)
    assert "张晓明" in main
    assert "注册时间" in main
    for hidden in ('data-fact="org"', 'data-fact="status"', "甲支部", "正式党员", "查看党员档案"):
        assert hidden not in main, hidden
    assert "公开主题：学习体会" in main and "公开回帖内容" in main
    assert "支部内部主题" not in main and "内部回帖内容" not in main


async def test_the_same_branch_sees_the_card_fields_and_the_branch_content(
    client: Client,
) -> None:
    world, _, _ = await _setup()
    await client.login("full2")
    main = _main((await client.get("/u/full")).text)
    assert 'data-fact="org"' in main and world.tree.branch_a.name in main
    assert 'data-fact="status"' in main and "正式党员" in main
    assert "支部内部主题：组织生活会" in main and "内部回帖内容" in main
    assert "查看党员档案" in main
    # Never anything of the record itself.
    member = await world.users["full"].member  # type: ignore[attr-defined]
    assert member.id_number_hint not in main and "身份证" not in main


async def test_a_visitor_sees_the_name_and_public_content_only(client: Client) -> None:
    await _setup()
    main = _main((await client.get("/u/full")).text)
    assert "张晓明" in main and "公开主题：学习体会" in main
    assert "注册时间" not in main and 'data-fact="' not in main
    assert "支部内部主题" not in main
    assert "登录</a>后可看到更多" in main


async def test_roles_show_where_the_directory_would_show_the_member(
    client: Client, other_client: Client
) -> None:
    await _setup()
    await client.login("full")
    assert 'data-fact="roles"' in (await client.get("/u/sec")).text
    await other_client.login("sibling")
    assert 'data-fact="roles"' not in (await other_client.get("/u/sec")).text
    # A site-wide role is for every signed-in viewer.
    assert "站点管理员" in _main((await other_client.get("/u/root")).text)


async def test_missing_and_deactivated_accounts_are_404(client: Client) -> None:
    _world, _, _ = await _setup()
    assert (await client.get("/u/nobody-here")).status_code == 404
    assert (await client.get("/u/nobody-here/card")).status_code == 404
    assert (await client.get("/u/full/no-such-list")).status_code == 404
    assert (await client.get("/u/full/posts?before=abc")).status_code == 404
    await User.filter(username="full").update(is_active=False)
    assert (await client.get("/u/full")).status_code == 404
    await client.login("root")
    assert (await client.get("/u/full")).status_code == 200


async def test_the_card_is_a_fragment_with_the_same_rules(
    client: Client, other_client: Client
) -> None:
    world, _, _ = await _setup()
    await client.login("sibling")
    card = await client.get("/u/full/card")
    assert card.status_code == 200
    assert "<html" not in card.text and "张晓明" in card.text
    assert 'href="/u/full"' in card.text
    assert "甲支部" not in card.text and 'data-fact="org"' not in card.text
    await other_client.login("full2")
    card = await other_client.get("/u/full/card")
    assert world.tree.branch_a.name in card.text and "获赞" in card.text


async def test_likes_received_count_only_what_the_viewer_reads(
    client: Client, other_client: Client
) -> None:
    world, public, inside = await _setup()
    for topic, who in ((public, "sibling"), (inside, "full2")):
        viewer = await viewer_of(world.users[who])
        loaded = await queries.get_topic_for(viewer, topic.id)
        post = await Post.get(topic_id=topic.id, number=2)
        await actions.toggle_like(viewer, loaded, post)

    def likes(html: str) -> int:
        found = re.search(r'figure-value">(\d+)</span> <span class="figure-label">获赞', html)
        assert found, html
        return int(found.group(1))

    await client.login("sibling")
    assert likes((await client.get("/u/full")).text) == 1
    await other_client.login("full2")
    assert likes((await other_client.get("/u/full")).text) == 2


async def test_lists_page_by_keyset_with_bounded_queries(client: Client) -> None:
    world, public, _ = await _setup()
    await client.login("full2")

    async def cost(url: str) -> int:
        with count_queries() as counter:
            assert (await client.get(url)).status_code == 200
        return len(counter.queries)

    small = await cost("/u/full")
    small_list = await cost("/u/full/posts")
    for n in range(24):
        await reply_to(public, world.users["full"], f"第 {n} 条回帖")
    assert await cost("/u/full") == small
    assert await cost("/u/full/posts") == small_list
    first = (await client.get("/u/full/posts")).text
    assert first.count('class="activity-item"') == 20
    cursor = re.search(r'/u/full/posts\?before=(\d+)">更多回帖', first)
    assert cursor
    rest = (await client.get(f"/u/full/posts?before={cursor.group(1)}")).text
    assert rest.count('class="activity-item"') == 6  # 24 + the two replies of _setup
    assert "更多回帖" not in rest
    summary = (await client.get("/u/full")).text
    assert summary.count('class="activity-item"') == 2 + 5  # 2 topics, 5 of the replies
    assert 'href="/u/full/posts">更多回帖' in summary


async def test_bookmarks_toggle_with_a_message_and_list_on_my_page(client: Client) -> None:
    world, public, inside = await _setup()
    await client.login("full2")
    topic_page = (await client.get(f"/t/{inside.id}")).text
    assert f'action="/t/{inside.id}/bookmark"' in topic_page
    answer = await client.post_form(f"/t/{inside.id}/bookmark")
    assert answer.status_code == 303
    shown = (await client.get(answer.headers["location"])).text
    assert "已收藏主题「支部内部主题：组织生活会」" in shown
    assert "取消收藏主题" in shown
    # In place (static/js/people.js): the new state as JSON, and no flash left behind.
    answer = await client.post_form(f"/t/{public.id}/2/bookmark", headers=IN_PLACE)
    assert answer.json() == {
        "message": "已收藏 #2，可在“我的收藏”中查看。",
        "on": True,
        "label": "取消收藏",
    }
    assert "已收藏 #2" not in (await client.get("/me")).text.split("我的收藏")[0]
    listed = (await client.get("/me/bookmarks")).text
    assert "支部内部主题：组织生活会" in listed and "公开主题：学习体会" in listed
    assert "公开回帖内容" in listed  # the bookmarked post's excerpt
    assert listed.index("公开主题") < listed.index("支部内部主题")  # newest first
    me = (await client.get("/me")).text
    assert "我的收藏" in me and 'href="/me/bookmarks"' in me
    # Toggling again takes it away.
    answer = await client.post_form(f"/t/{public.id}/2/bookmark", headers=IN_PLACE)
    assert answer.json()["on"] is False and answer.json()["label"] == "收藏"
    assert await Bookmark.filter(user_id=world.users["full2"].id).count() == 1


async def test_a_bookmark_never_shows_what_its_owner_can_no_longer_read(
    client: Client,
) -> None:
    world, public, inside = await _setup()
    viewer = await viewer_of(world.users["full2"])
    for topic, number in ((inside, None), (public, 2), (inside, 2)):
        loaded = await queries.get_topic_for(viewer, topic.id)
        post = await Post.get(topic_id=topic.id, number=number) if number else None
        await actions.toggle_bookmark(viewer, loaded, post)
    await client.login("full2")
    assert (await client.get("/me/bookmarks")).text.count('class="activity-item') == 3
    # The public reply is hidden by a moderator, the branch topic is hidden: both gone.
    moderator = await viewer_of(world.users["site_admin"])
    loaded = await queries.get_topic_for(moderator, public.id)
    post = await Post.get(topic_id=public.id, number=2).select_related("author")
    await actions.set_post_hidden(moderator, loaded, post, True, "测试")
    listed = (await client.get("/me/bookmarks")).text
    assert "公开回帖内容" not in listed and listed.count('class="activity-item') == 2
    await actions.hide_topic(moderator, await queries.get_topic_for(moderator, inside.id), True)
    listed = (await client.get("/me/bookmarks")).text
    assert "支部内部主题" not in listed and "内部回帖内容" not in listed
    assert "还没有收藏" in listed
    assert await Bookmark.filter(user_id=world.users["full2"].id).count() == 3  # kept


async def test_removing_a_bookmark_from_the_list(client: Client, other_client: Client) -> None:
    world, public, _ = await _setup()
    viewer = await viewer_of(world.users["full2"])
    await actions.toggle_bookmark(viewer, await queries.get_topic_for(viewer, public.id))
    mark = await Bookmark.get(user_id=world.users["full2"].id)
    await other_client.login("sibling")
    assert (await other_client.post_form(f"/me/bookmarks/{mark.id}/delete")).status_code == 404
    await client.login("full2")
    answer = await client.post_form(f"/me/bookmarks/{mark.id}/delete")
    assert answer.status_code == 303 and answer.headers["location"] == "/me/bookmarks"
    assert "已取消收藏。" in (await client.get("/me/bookmarks")).text
    assert not await Bookmark.exists(id=mark.id)
    assert (await client.get("/me/bookmarks?before=x")).status_code == 404


async def test_bookmarks_need_an_account_and_the_right_to_read(client: Client) -> None:
    _, public, inside = await _setup()
    assert (await client.get("/me/bookmarks")).headers["location"] == "/login?next=/me/bookmarks"
    assert (await client.post_form(f"/t/{public.id}/bookmark")).status_code == 403
    await client.login("sibling")
    assert (await client.post_form(f"/t/{inside.id}/bookmark")).status_code == 404


async def test_who_liked_a_post(client: Client, other_client: Client) -> None:
    world, public, inside = await _setup()
    for topic in (public, inside):
        for who in ("full2", "secretary"):
            viewer = await viewer_of(world.users[who])
            loaded = await queries.get_topic_for(viewer, topic.id)
            await actions.toggle_like(viewer, loaded, await Post.get(topic_id=topic.id, number=2))
    await client.login("full")
    page = (await client.get(f"/t/{inside.id}")).text
    assert f'data-likers="/t/{inside.id}/2/likes"' in page
    fragment = await client.get(f"/t/{inside.id}/2/likes?fragment=1")
    assert "<html" not in fragment.text
    assert 'href="/u/full2"' in fragment.text and 'href="/u/sec"' in fragment.text
    assert fragment.text.index("/u/full2") < fragment.text.index("/u/sec")  # first likes first
    full = await client.get(f"/t/{inside.id}/2/likes")
    assert "<html" in full.text and "谁赞了 #2" in full.text
    await other_client.login("sibling")
    assert (await other_client.get(f"/t/{inside.id}/2/likes")).status_code == 404
    assert (await other_client.get(f"/t/{public.id}/2/likes?fragment=1")).status_code == 200
    # Without the right to read the post's body (hidden), no likers either.
    moderator = await viewer_of(world.users["site_admin"])
    loaded = await queries.get_topic_for(moderator, public.id)
    post = await Post.get(topic_id=public.id, number=2).select_related("author")
    await actions.set_post_hidden(moderator, loaded, post, True, "测试")
    assert (await other_client.get(f"/t/{public.id}/2/likes")).status_code == 404


async def test_the_history_shows_a_diff(client: Client) -> None:
    world, public, _ = await _setup()
    viewer = await viewer_of(world.users["full"])
    loaded = await queries.get_topic_for(viewer, public.id)
    post = await Post.get(topic_id=public.id, number=2).select_related("author")
    await actions.edit_post(viewer, loaded, post, "认真学习 the <b>new</b> text", "补充")
    page = (await client.get(f"/t/{public.id}/2/history")).text
    assert "<ins>认真学习 the &lt;b&gt;new&lt;/b&gt; text</ins>" in page
    assert "<del>公开回帖内容</del>" in page
    assert "<b>new</b>" not in page
    assert 'href="/u/full"' in page  # the editor's name links to the profile


async def test_author_names_link_to_profiles(client: Client) -> None:
    world, public, _ = await _setup()
    await reply_to(public, world.users["full2"], "@full 说得好")
    await client.login("full")
    topic = (await client.get(f"/t/{public.id}")).text
    assert '<a class="post-author" href="/u/full" data-user-card>张晓明</a>' in topic
    board = (await client.get(f"/forum/b/{world.public.id}")).text
    assert '<a class="user-link" href="/u/full" data-user-card>张晓明</a>' in board
    inbox = (await client.get("/notifications")).text
    assert 'href="/u/full2" data-user-card' in inbox
    assert 'href="/u/full"' in (await client.get("/me")).text  # 查看我的主页
