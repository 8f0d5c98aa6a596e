"""The one search (`/search`) on the real database (both lanes): posts, disclosures and minutes
in one list, each with its part; plain escaped excerpts with <mark>; the policy of each part
in SQL; filters, sort, counts; 1-, 2- and 3+-character Chinese queries."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import pytest

from forum.boards import actions as board_actions
from forum.boards import queries as board_queries
from forum.boards.models import Board
from forum.models import User
from forum.policy import ANONYMOUS, Viewer, can_see_minutes
from forum.search import engine
from forum.search.providers import SearchQuery
from forum.search.text import excerpt, highlight
from realtime.meetings import actions as meeting_actions
from realtime.meetings.models import Minutes
from tests.factories import Tree, make_person, make_tree, viewer_of
from tests.helpers import Client
from tests.integration import transparency_fixtures as tf
from transparency import actions as disclosure_actions
from transparency.queries import visible_disclosures

XSS_BODY = (
    "学习**党建**体会 <script>alert('x')</script> `<img src=x onerror=alert(1)>` "
    "![合影](/attachments/1/a.png) [链接](https://example.org/党建)"
)


@dataclass
class World:
    tree: Tree
    users: dict[str, User]
    public: Board
    branch_board: Board
    minutes_a: Minutes
    minutes_b: Minutes

    async def v(self, key: str) -> Viewer:
        return await viewer_of(self.users[key])


async def _post(board: Board, user: User, title: str, body: str) -> None:
    viewer = await viewer_of(user)
    loaded = (await board_queries.board_index()).boards[board.id]
    await board_actions.create_topic(viewer, loaded, title, body)


async def _minutes(host: User, org: object, title: str, summary: str) -> Minutes:
    viewer = await viewer_of(host)
    meeting = await meeting_actions.schedule_meeting(
        viewer,
        org,  # type: ignore[arg-type]
        type="branch_plenary",
        title=title,
        scheduled_at=dt.datetime.now(dt.UTC) + dt.timedelta(minutes=1),
        agenda=["学习党建工作要点"],
    )
    meeting = await meeting_actions.start_meeting(viewer, meeting)
    meeting = await meeting_actions.end_meeting(viewer, meeting)
    await meeting_actions.update_minutes_summary(viewer, meeting, summary)
    return await Minutes.get(meeting_id=meeting.id)


@pytest.fixture
async def w(database) -> World:  # type: ignore[no-untyped-def]
    await disclosure_actions.do_ensure_catalogue()
    t = await make_tree()
    people = {
        "alice": (t.branch_a, None),
        "bob": (t.branch_b, None),
        "xavier": (t.branch_x, None),
        "publisher": (t.branch_a, "publisher"),
        "secretary": (t.branch_a, "secretary"),
        "sibling_secretary": (t.branch_b, "secretary"),
        "committee_secretary": (t.committee, "secretary"),
    }
    users = {
        k: await make_person(org, "full", username=k, role=r) for k, (org, r) in people.items()
    }
    users["admin"] = await make_person(None, None, username="admin", role="site_admin")
    users["citizen"] = await make_person(None, None, username="citizen")
    public = await board_actions.do_create_board("学习园地", matrix=board_actions.PUBLIC_MATRIX)
    branch_board = await board_actions.do_create_board(
        "甲支部内部交流", org=t.branch_a, matrix=board_actions.DEFAULT_ORG_MATRIX
    )
    await _post(public, users["alice"], "心得交流", XSS_BODY)
    await _post(branch_board, users["alice"], "支部内部讨论", "内部党建材料")
    tw = tf.World(t, users)
    await tf.publish_through(
        tw,
        await tf.draft(tw, scope="public", title="2026年党建工作要点", body="**加强**基层党建"),
        approver="committee_secretary",
    )
    await tf.publish_through(
        tw, await tf.draft(tw, scope="org_subtree", title="支部党建内部事项", body="仅限本支部")
    )
    minutes_a = await _minutes(users["secretary"], t.branch_a, "甲支部党员大会", "部署党建工作")
    minutes_b = await _minutes(
        users["sibling_secretary"], t.branch_b, "乙支部党员大会", "乙支部党建安排"
    )
    return World(t, users, public, branch_board, minutes_a, minutes_b)


def _titles(results: engine.Results) -> list[tuple[str, str]]:
    return [(r.source.key, r.hit.title) for r in results.results]


async def test_two_characters_find_a_post_a_disclosure_and_minutes(w: World) -> None:
    found = await engine.run(await w.v("alice"), SearchQuery("党建"))
    assert sorted(_titles(found)) == sorted(
        [
            ("forum", "心得交流"),
            ("forum", "支部内部讨论"),
            ("disclosures", "2026年党建工作要点"),
            ("disclosures", "支部党建内部事项"),
            ("minutes", "甲支部党员大会会议记录"),
        ]
    )
    assert found.total == 5 and not found.capped
    assert {p.source.label: p.count for p in found.parts} == {
        "论坛": 2,
        "党务公开": 2,
        "会议纪要": 1,
        "在线学习": 0,
    }
    for r in found.results:
        assert "<mark>党建</mark>" in r.excerpt + r.title, (r.hit.title, r.excerpt)


async def test_excerpts_are_plain_escaped_text(w: World, client: Client) -> None:
    found = await engine.run(ANONYMOUS, SearchQuery("党建", part="forum"))
    (post,) = found.results
    text = str(post.excerpt)
    assert "**" not in text and "![" not in text and "/attachments/" not in text
    assert "<script" not in text and "alert('x')" not in text  # dropped by the sanitiser
    assert "&lt;img src=x onerror=alert(1)&gt;" in text  # code text, escaped once
    assert "学习<mark>党建</mark>体会" in text and "链接" in text
    page = await client.get("/search", params={"q": "党建"})
    assert page.status_code == 200
    assert "<img src=x" not in page.text and "<script>alert" not in page.text
    assert "学习<mark>党建</mark>体会" in page.text


def test_highlight_and_excerpt_escape_the_query_too() -> None:
    assert str(highlight("a<b>党建", "<b>")) == "a<mark>&lt;b&gt;</mark>党建"
    cut = excerpt("开头" * 100 + "党建" + "结尾" * 100, "党建", width=40)
    assert str(cut).startswith("…") and str(cut).endswith("…") and "<mark>党建</mark>" in cut
    assert str(excerpt("no hit here", "党建")) == "no hit here"


async def test_each_part_filters_by_its_policy(w: World) -> None:
    bob = _titles(await engine.run(await w.v("bob"), SearchQuery("党建")))
    assert sorted(bob) == sorted(
        [
            ("forum", "心得交流"),
            ("disclosures", "2026年党建工作要点"),
            ("minutes", "乙支部党员大会会议记录"),
        ]
    )
    xavier = _titles(await engine.run(await w.v("xavier"), SearchQuery("党建")))
    assert sorted(xavier) == sorted([("forum", "心得交流"), ("disclosures", "2026年党建工作要点")])
    anonymous = _titles(await engine.run(ANONYMOUS, SearchQuery("党建")))
    assert sorted(anonymous) == sorted(xavier)
    admin = await engine.run(await w.v("admin"), SearchQuery("党建"))
    assert admin.total == 6
    # The committee's secretary administers the whole subtree: both branches' minutes.
    committee = _titles(await engine.run(await w.v("committee_secretary"), SearchQuery("党建")))
    assert {t for k, t in committee if k == "minutes"} == {
        "甲支部党员大会会议记录",
        "乙支部党员大会会议记录",
    }


async def test_sql_audiences_agree_with_the_policy(w: World) -> None:
    """The search's SQL audience is the same rule as the lists' ORM filter and the predicate."""
    minutes = await Minutes.all().prefetch_related("meeting")
    for key in ("alice", "bob", "xavier", "citizen", "committee_secretary", "admin", None):
        viewer = await w.v(key) if key else ANONYMOUS
        found = await engine.run(viewer, SearchQuery("党建", part="disclosures"))
        listed = (
            await visible_disclosures(viewer).filter(state="published").values_list("id", flat=True)
        )
        assert sorted(r.hit.id for r in found.results) == sorted(listed), key
        found = await engine.run(viewer, SearchQuery("党建", part="minutes"))
        allowed = [m.id for m in minutes if can_see_minutes(viewer, m.meeting)]
        assert sorted(r.hit.id for r in found.results) == sorted(allowed), key


async def test_one_and_three_or_more_characters(w: World) -> None:
    alice = await w.v("alice")
    one = await engine.run(alice, SearchQuery("党"))
    assert one.total == 5
    three = await engine.run(alice, SearchQuery("党建工作"))  # FTS5 on SQLite, trigram on PG
    assert sorted(_titles(three)) == [
        ("disclosures", "2026年党建工作要点"),
        ("minutes", "甲支部党员大会会议记录"),
    ]
    assert (await engine.run(alice, SearchQuery("100%_"))).total == 0
    assert (await engine.run(alice, SearchQuery('"党建'))).total == 0  # quotes are text


async def test_filters_and_sort(w: World) -> None:
    alice = await w.v("alice")
    forum = await engine.run(alice, SearchQuery("党建", part="forum"))
    assert {r.source.key for r in forum.results} == {"forum"} and forum.total == 2
    board = await engine.run(alice, SearchQuery("党建", part="forum", place=str(w.public.id)))
    assert _titles(board) == [("forum", "心得交流")]
    org = await engine.run(alice, SearchQuery("党建", org_path=w.tree.branch_a.path))
    assert sorted(_titles(org)) == sorted(
        [
            ("forum", "支部内部讨论"),
            ("disclosures", "2026年党建工作要点"),
            ("disclosures", "支部党建内部事项"),
            ("minutes", "甲支部党员大会会议记录"),
        ]
    )
    by = await engine.run(alice, SearchQuery("党建", author_ids=(w.users["secretary"].id,)))
    assert _titles(by) == [("minutes", "甲支部党员大会会议记录")]
    assert (await engine.run(alice, SearchQuery("党建", author_ids=()))).total == 0
    tomorrow = dt.datetime.now(dt.UTC) + dt.timedelta(days=1)
    assert (await engine.run(alice, SearchQuery("党建", since=tomorrow))).total == 0
    assert (await engine.run(alice, SearchQuery("党建", before=tomorrow))).total == 5
    yesterday = dt.datetime.now(dt.UTC) - dt.timedelta(days=1)
    assert (await engine.run(alice, SearchQuery("党建", before=yesterday))).total == 0
    # An author name that matched no account finds nothing in any part (not everything).
    nobody = await engine.run(alice, SearchQuery("党建", author_ids=()))
    assert (nobody.total, nobody.results) == (0, [])
    newest = await engine.run(alice, SearchQuery("党建", sort="date"))
    dates = [r.hit.when for r in newest.results]
    assert dates == sorted(dates, reverse=True)
    # Relevance: a hit in the title weighs more than one in the body.
    ranked = await engine.run(alice, SearchQuery("党建", part="disclosures"))
    assert ranked.results[0].hit.title == "2026年党建工作要点"  # title and body, twice


async def test_page_form_count_filters_and_old_url(w: World, client: Client) -> None:
    await client.login("alice")
    page = await client.get("/search", params={"q": "党建"})
    assert page.status_code == 200
    main = page.text.split("<main", 1)[1]
    assert main.count("搜索") == 1  # the heading; the field says 关键词, the button 查找
    assert re.search(r'<label for="search-q">关键词</label>', main)
    assert "找到 <strong>5</strong> 条结果" in main
    for label in ("论坛", "党务公开", "会议纪要"):
        assert f">{label}</span>" in main
    filtered = await client.get(
        "/search", params={"q": "党建", "part": "minutes", "author": "secretary", "sort": "date"}
    )
    assert "找到 <strong>1</strong> 条结果" in filtered.text
    assert '<option value="minutes" selected>' in filtered.text
    dated = await client.get("/search", params={"q": "党建", "from": "2000-01-01", "to": "bad"})
    assert "找到 <strong>5</strong> 条结果" in dated.text
    unknown = await client.get("/search", params={"q": "党建", "author": "没有这个人"})
    assert "找到 <strong>0</strong> 条结果" in unknown.text and "没有找到" in unknown.text
    old = await client.get("/forum/search", params={"q": "党建"})
    assert old.status_code == 301
    assert old.headers["location"] == "/search?q=%E5%85%9A%E5%BB%BA&part=forum"
    empty = await client.get("/search", params={"q": "没有这个词"})
    assert "没有找到包含“没有这个词”的内容" in empty.text


async def test_latin_letters_match_without_case_on_both_databases(w: World) -> None:
    await _post(w.public, w.users["alice"], "Grassroots 周报", "The Weekly Digest")
    for text in ("weekly digest", "WEEKLY", "grassroots", "gr"):
        found = await engine.run(ANONYMOUS, SearchQuery(text))
        assert _titles(found) == [("forum", "Grassroots 周报")], text
