"""Bounded queries: board list, topic list and topic page cost the same for 5 and 50 rows."""

from __future__ import annotations

from forum.boards import actions, queries
from forum.boards.models import Board, Post, Topic
from forum.models import User
from tests.boards_helpers import World, make_world, start_topic
from tests.capture import count_queries
from tests.factories import viewer_of
from tests.helpers import Client


async def fill_topic(board: Board, author: User, others: list[User], posts: int) -> Topic:
    topic = await start_topic(board, author)
    topic.access = (await queries.board_index()).boards[board.id].access
    for n in range(posts - 1):
        viewer = await viewer_of(others[n % len(others)])
        await actions.create_post(viewer, topic, f"第 {n + 2} 楼")
    return topic


async def fill_board(world: World, board: Board, topics: int) -> None:
    for n in range(topics):
        await start_topic(board, world.users["full2"], f"主题 {n}")


async def cost(client: Client, url: str) -> int:
    await client.get(url)  # warm: the first view writes the read mark
    with count_queries() as counter:
        response = await client.get(url)
    assert response.status_code == 200
    return len(counter.queries)


async def test_topic_page_same_queries_for_5_and_50_posts(client: Client) -> None:
    world = await make_world()
    others = [world.users[k] for k in ("full2", "probationary", "activist", "secretary")]
    small = await fill_topic(world.public, world.users["full"], others, 5)
    large = await fill_topic(world.public, world.users["full"], others, 50)
    assert await Post.filter(topic_id=large.id).count() == 50
    await client.login("applicant")
    assert await cost(client, f"/t/{small.id}") == await cost(client, f"/t/{large.id}")
    assert await cost(client, f"/t/{small.id}") == await cost(client, f"/t/{large.id}?from=21")
    small_api = await cost(client, f"/api/v1/topics/{small.id}")
    assert small_api == await cost(client, f"/api/v1/topics/{large.id}")


async def test_topic_list_and_board_list_same_queries_for_5_and_50(client: Client) -> None:
    world = await make_world()
    await fill_board(world, world.public, 5)
    await fill_board(world, world.consult, 50)
    await client.login("full")
    small = await cost(client, f"/forum/b/{world.public.id}")
    assert small == await cost(client, f"/forum/b/{world.consult.id}")
    # The page adds the site-wide pins (one query; the bell's unread count rides in the
    # viewer's own statement: none).
    assert small == await cost(client, f"/api/v1/boards/{world.consult.id}/topics") + 1
    board_list = await cost(client, "/forum")
    for n in range(45):
        await actions.do_create_board(f"版块 {n}", matrix=actions.PUBLIC_MATRIX)
    assert board_list == await cost(client, "/forum")
    with count_queries() as counter:
        await client.get("/forum")
    assert len(counter.queries) <= 12, counter.queries


async def test_creatable_orgs_follow_the_policy(tree, org_admin, member) -> None:  # type: ignore[no-untyped-def]
    """The "new board" org picker is the policy's `managed_orgs`: an admin's subtree, nothing
    for a plain member or a suspended admin."""
    import dataclasses

    from forum.boards import queries as board_queries

    orgs = await board_queries.creatable_orgs(org_admin)
    assert orgs and all(o.path.startswith(tree.committee.path) for o in orgs)
    assert await board_queries.creatable_orgs(member) == []
    suspended = dataclasses.replace(org_admin, suspended=True)
    assert await board_queries.creatable_orgs(suspended) == []
