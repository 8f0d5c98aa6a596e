"""Directory search: Chinese substring, org subtree, status, role, keyset pages, query counts."""

from __future__ import annotations

from forum.members import queries
from forum.policy import Viewer
from tests.capture import count_queries
from tests.factories import Tree, grant, make_member, make_person, make_tree, make_user, viewer_of
from tests.helpers import Client


async def test_search_by_chinese_substring_org_status_role(tree: Tree, org_admin: Viewer) -> None:
    await make_member(tree.branch_a, name="张建国")
    await make_member(tree.branch_a, name="李建华", status="probationary", probation_at=None)
    await make_member(tree.branch_c, name="王建军")
    await make_member(tree.branch_x, name="赵建设")  # another committee: out of scope
    leader = await make_user()
    await make_member(tree.branch_b, name="钱国强", user=leader)
    await grant(leader, "secretary", tree.branch_b)

    names = lambda page: sorted(m.name for m in page.members)  # noqa: E731
    assert names(await queries.search_members(org_admin, name="建")) == [
        "张建国",
        "李建华",
        "王建军",
    ]
    assert names(await queries.search_members(org_admin, name="国")) == ["张建国", "钱国强"]
    assert names(await queries.search_members(org_admin, org=tree.gb1)) == [
        "张建国",
        "李建华",
        "钱国强",
    ]
    assert names(await queries.search_members(org_admin, status="probationary")) == ["李建华"]
    page = await queries.search_members(org_admin, role="secretary")
    assert names(page) == ["钱国强"]
    assert [r.role for r in page.roles[leader.id]] == ["secretary"]


async def test_member_sees_own_branch_only(database: object) -> None:
    tree = await make_tree()
    await make_member(tree.branch_a, name="甲一")
    await make_member(tree.branch_b, name="乙一")
    user = await make_person(tree.group_a1, name="甲二")
    viewer = await viewer_of(user)
    page = await queries.search_members(viewer)
    assert sorted(m.name for m in page.members) == ["甲一", "甲二"]


async def test_keyset_pages_cover_everything_once(tree: Tree, org_admin: Viewer) -> None:
    for i in range(7):
        await make_member(tree.branch_a, name=f"成员{i}")
    seen: list[str] = []
    after = None
    while True:
        page = await queries.search_members(org_admin, name="成员", after=after, limit=3)
        seen += [m.name for m in page.members]
        if page.next_cursor is None:
            break
        after = page.next_cursor
    assert sorted(seen) == [f"成员{i}" for i in range(7)]


async def test_directory_query_count_is_bounded(client: Client) -> None:
    tree = await make_tree()
    await make_person(tree.committee, role="org_admin", username="admin")
    for i in range(5):
        user = await make_user()
        await make_member(tree.branch_a, name=f"甲{i}", user=user, group=tree.group_a1)
        await grant(user, "group_leader", tree.group_a1)
    await client.login("admin")
    await client.get("/members")  # warm caches (session, templates)
    with count_queries() as small:
        response = await client.get("/members?limit=50")
    assert response.status_code == 200 and "甲4" in response.text
    for i in range(45):
        user = await make_user()
        await make_member(tree.branch_b, name=f"乙{i}", user=user, group=tree.group_b1)
        await grant(user, "group_leader", tree.group_b1)
    with count_queries() as large:
        response = await client.get("/members?limit=50")
    assert response.status_code == 200 and "乙43" in response.text and "乙44" not in response.text
    assert small.count == large.count
    assert 2 <= large.count <= 8, large.count


async def test_anonymous_directory_redirects_to_login(client: Client) -> None:
    response = await client.get("/members")
    assert response.status_code == 303 and response.headers["location"].startswith("/login")
    assert (await client.get("/api/v1/members")).json()["items"] == []
