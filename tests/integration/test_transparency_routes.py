"""Disclosure pages and JSON API through the ASGI app (forms with CSRF, like a browser)."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from forum.auditlog import AuditEntry
from tests.capture import count_queries
from tests.helpers import Client
from tests.integration.transparency_fixtures import (
    CHECKLIST,
    World,
    category,
    draft,
    make_world,
    publish_through,
)
from transparency.models import Disclosure, ReadReceipt


@pytest.fixture
async def w(database) -> World:  # type: ignore[no-untyped-def]
    return await make_world()


async def test_publisher_drafts_through_form_and_workflow_buttons(
    w: World, client: Client, other_client: Client
) -> None:
    await client.login("publisher")
    page = await client.get("/disclosures/new")
    assert page.status_code == 200 and "起草公开事项" in page.text
    cat = await category()
    response = await client.post_form(
        "/disclosures/new",
        {
            "org": str(w.tree.branch_a.id),
            "title": "关于2026年度民主评议党员结果的公示",
            "category": str(cat.id),
            "scope": "public",
            "body": "评议结果：优秀 3 名，合格 12 名。<script>alert(1)</script>",
            "publish_from": "",
            "attachments": "民主评议会议记录 | /meetings/7/minutes",
        },
    )
    assert response.status_code == 303, response.text
    item_url = response.headers["location"]
    d = await Disclosure.get(id=int(item_url.rsplit("/", 1)[1]))
    assert d.state == "draft" and "<script>" not in d.body_html
    assert d.attachments == [{"title": "民主评议会议记录", "url": "/meetings/7/minutes"}]
    page = await client.get(item_url)
    assert "提出（提交审核）" in page.text
    assert (await client.post_form(item_url + "/propose")).status_code == 303
    await other_client.login("secretary")
    page = await other_client.get(item_url)
    assert "保密审查清单" in page.text and "须报" in page.text
    partial = await other_client.post_form(item_url + "/review", {"checklist": CHECKLIST[:1]})
    assert partial.status_code == 400 and "逐项确认" in partial.text
    ok = await other_client.post_form(item_url + "/review", {"checklist": CHECKLIST})
    assert ok.status_code == 303
    page = await other_client.get(item_url)
    assert "审批通过" not in page.text  # the branch may not approve a public item
    forbidden = await other_client.post_form(item_url + "/approve")
    assert forbidden.status_code == 403
    await other_client.logout()
    await other_client.login("committee_secretary")
    assert (await other_client.post_form(item_url + "/approve")).status_code == 303
    asked = await client.post_form(item_url + "/publish")  # 发布 asks first
    assert asked.status_code == 200 and "确定发布" in asked.text
    assert (await Disclosure.get(id=d.id)).state == "approved"
    assert (await client.post_form(item_url + "/publish", {"confirmed": "1"})).status_code == 303
    await other_client.logout()
    public = await other_client.get("/disclosures")
    assert "关于2026年度民主评议党员结果的公示" in public.text
    assert [a.action for a in await AuditEntry.filter(target_id=str(d.id)).order_by("id")] == [
        "disclosure.created",
        "disclosure.proposed",
        "disclosure.reviewed",
        "disclosure.approved",
        "disclosure.published",
    ]


async def test_draft_form_error_rerenders_with_values(w: World, client: Client) -> None:
    await client.login("publisher")
    cat = await category()
    response = await client.post_form(
        "/disclosures/new",
        {
            "org": str(w.tree.branch_a.id),
            "title": "标题保留",
            "category": str(cat.id),
            "scope": "targeted",
            "body": "正文",
        },
    )
    assert response.status_code == 400
    assert "定向公开需要指定" in response.text and 'value="标题保留"' in response.text
    assert await Disclosure.all().count() == 0


async def test_board_for_visitor_and_member(w: World, client: Client) -> None:
    public = await publish_through(
        w, await draft(w, scope="public", title="公开的事项"), approver="committee_secretary"
    )
    members = await publish_through(w, await draft(w, scope="org_subtree", title="本支部事项"))
    visitor = await client.get("/disclosures")
    assert "公开的事项" in visitor.text and "本支部事项" not in visitor.text
    assert (await client.get(f"/disclosures/{members.id}")).status_code == 404
    await client.login("member_a")
    board = await client.get("/disclosures")
    assert "公开的事项" in board.text and "本支部事项" in board.text
    item = await client.get(f"/disclosures/{members.id}")
    assert item.status_code == 200
    assert await ReadReceipt.filter(disclosure_id=members.id).count() == 1
    await client.get(f"/disclosures/{public.id}")
    assert await ReadReceipt.filter(disclosure_id=public.id).count() == 0  # public: no receipts
    filtered = await client.get(f"/disclosures?org={w.tree.branch_b.id}")
    assert "公开的事项" not in filtered.text


async def test_board_query_count_is_bounded(w: World, client: Client) -> None:
    for n in range(8):
        await publish_through(
            w, await draft(w, scope="public", title=f"事项{n}号"), approver="committee_secretary"
        )
    with count_queries() as few:
        await client.get("/disclosures?q=事项")
    for n in range(8, 16):
        await publish_through(
            w, await draft(w, scope="public", title=f"事项{n}号"), approver="committee_secretary"
        )
    with count_queries() as more:
        page = await client.get("/disclosures?q=事项")
    assert page.text.count('class="disc-title"') == 16
    assert more.count == few.count <= 12


async def test_correction_shows_revisions_and_diff(w: World, client: Client) -> None:
    d = await publish_through(
        w,
        await draft(w, scope="public", body="应到 16 人，实到 8 人。"),
        approver="committee_secretary",
    )
    await client.login("publisher")
    bad = await client.post_form(
        f"/disclosures/{d.id}/correct",
        {"title": d.title, "body": "应到 16 人，实到 9 人。", "note": ""},
    )
    assert bad.status_code == 400 and "更正说明" in bad.text
    ok = await client.post_form(
        f"/disclosures/{d.id}/correct",
        {"title": d.title, "body": "应到 16 人，实到 9 人。<b>x</b>", "note": "更正实到人数"},
    )
    assert ok.status_code == 303
    await client.logout()
    page = await client.get(f"/disclosures/{d.id}")
    assert "第 2 版" in page.text and "更正实到人数" in page.text and "实到 9 人" in page.text
    diff = await client.get(f"/disclosures/{d.id}/revisions/2")
    assert diff.status_code == 200
    assert re.search(r'diff-del".*实到 8 人', diff.text)
    assert re.search(r'diff-add".*实到 9 人。&lt;b&gt;x&lt;/b&gt;', diff.text)  # escaped
    first = await client.get(f"/disclosures/{d.id}/revisions/1")
    assert "实到 8 人" in first.text


async def test_withdrawn_item_stays_visible_as_withdrawn(w: World, client: Client) -> None:
    d = await publish_through(w, await draft(w, scope="public"), approver="committee_secretary")
    await client.login("secretary")
    assert (
        await client.post_form(f"/disclosures/{d.id}/withdraw", {"reason": ""})
    ).status_code == 400
    r = await client.post_form(
        f"/disclosures/{d.id}/withdraw", {"reason": "数据有误待核", "confirmed": "1"}
    )
    assert r.status_code == 303
    await client.logout()
    page = await client.get(f"/disclosures/{d.id}")
    assert "本事项已撤回" in page.text and "数据有误待核" in page.text
    assert d.title in (await client.get("/disclosures?view=archive")).text
    assert d.title not in (await client.get("/disclosures")).text


async def test_feedback_answer_public_and_receipts_page(
    w: World, client: Client, other_client: Client
) -> None:
    d = await publish_through(w, await draft(w, scope="org_subtree"))
    await client.login("member_a")
    r = await client.post_form(f"/disclosures/{d.id}/feedback", {"body": "请公布党费使用明细"})
    assert r.status_code == 303
    await other_client.login("publicity")
    fb_id = re.search(r'id="feedback-(\d+)"', (await other_client.get(f"/disclosures/{d.id}")).text)
    assert fb_id
    r = await other_client.post_form(
        f"/disclosures/{d.id}/feedback/{fb_id.group(1)}/answer",
        {"answer": "下月公布。", "public": "1"},
    )
    assert r.status_code == 303
    receipts = await other_client.get(f"/disclosures/{d.id}/receipts")
    assert receipts.status_code == 200 and "1</strong> 人已读" in receipts.text
    assert (await client.get(f"/disclosures/{d.id}/receipts")).status_code == 404
    await client.logout()
    await client.login("member_b")
    assert (await client.get(f"/disclosures/{d.id}")).status_code == 404


async def test_atom_feed_and_print_page(w: World, client: Client) -> None:
    d = await publish_through(
        w, await draft(w, scope="public", title="公开 & 透明"), approver="committee_secretary"
    )
    await publish_through(w, await draft(w, scope="org_subtree", title="内部事项"))
    feed = await client.get("/disclosures/feed.atom")
    assert feed.status_code == 200 and feed.headers["content-type"].startswith(
        "application/atom+xml"
    )
    assert "<title>公开 &amp; 透明</title>" in feed.text and "内部事项" not in feed.text
    printable = await client.get(f"/disclosures/{d.id}/print")
    assert printable.status_code == 200 and "公开 &amp; 透明" in printable.text


async def test_home_section_lists_latest(w: World, client: Client) -> None:
    await publish_through(
        w, await draft(w, scope="public", title="首页可见事项"), approver="committee_secretary"
    )
    home = await client.get("/")
    assert "最新党务公开" in home.text and "首页可见事项" in home.text


async def test_work_page_lists_inbox(w: World, client: Client) -> None:
    d = await draft(w, scope="org_subtree", title="待审核的事项")
    await client.login("publisher")
    await client.post_form(f"/disclosures/{d.id}/propose")
    await client.logout()
    await client.login("secretary")
    page = await client.get("/disclosures/work")
    assert "待审核的事项" in page.text


async def test_api_create_transition_list_get(w: World, client: Client) -> None:
    await client.login("publisher")
    cat = await category()
    body = {
        "org_id": w.tree.branch_a.id,
        "title": "API 起草的事项",
        "body": "正文",
        "category_id": cat.id,
        "scope": "org_subtree",
    }
    assert (await client.post_json("/api/v1/disclosures", {**body, "x": 1})).status_code == 400
    assert (
        await client.post_json("/api/v1/disclosures", {**body, "org_id": "1"})
    ).status_code == 400
    bad_time = await client.post_json(
        "/api/v1/disclosures", {**body, "publish_from": "2026-01-01T00:00"}
    )
    assert bad_time.status_code == 400 and bad_time.json()["status"] == 400
    created = await client.post_json("/api/v1/disclosures", body)
    assert created.status_code == 201, created.text
    item = created.json()
    assert item["state"] == "draft" and item["can"]["propose"] is True
    url = f"/api/v1/disclosures/{item['id']}/transitions"
    assert (await client.post_json(url, {"step": "approve"})).status_code == 403
    # An unknown step is a 404, in the API as in the HTML forms (one verb table).
    assert (await client.post_json(url, {"step": "fly"})).status_code == 404
    assert (await client.post_json(url, {"step": "propose"})).json()["state"] == "proposed"
    await client.logout()
    await client.login("secretary")
    reviewed = await client.post_json(url, {"step": "review", "checklist": CHECKLIST})
    assert reviewed.json()["state"] == "reviewed"
    assert (await client.post_json(url, {"step": "approve"})).json()["state"] == "approved"
    assert (await client.post_json(url, {"step": "publish"})).json()["state"] == "published"
    await client.logout()
    assert (await client.get(f"/api/v1/disclosures/{item['id']}")).status_code == 404
    await client.login("member_a")
    listed = (await client.get("/api/v1/disclosures")).json()
    assert [x["id"] for x in listed["items"]] == [item["id"]]
    assert (await client.get("/api/v1/disclosures?year=abc")).status_code == 400
    spec = (await client.get("/api/v1/openapi.json")).json()
    assert "/api/v1/disclosures/{item_id}/transitions" in spec["paths"]
    assert "post" in spec["paths"]["/api/v1/disclosures"]


async def test_scheduled_item_hidden_on_board_until_due(w: World, client: Client) -> None:
    start = dt.datetime.now(dt.UTC) + dt.timedelta(days=1)
    d = await publish_through(
        w,
        await draft(w, scope="public", title="明天发布", publish_from=start),
        approver="committee_secretary",
    )
    assert "明天发布" not in (await client.get("/disclosures")).text
    assert (await client.get(f"/disclosures/{d.id}")).status_code == 404
    await client.login("publisher")
    page = await client.get(f"/disclosures/{d.id}")
    assert "定时发布" in page.text


async def test_item_page_query_count_is_bounded(w: World, client: Client) -> None:
    d = await publish_through(w, await draft(w, scope="org_subtree"))
    await client.login("member_a")
    from transparency import actions

    async def grow(n: int) -> None:
        await actions.correct_disclosure(
            await w.v("publisher"), await actions.reload(d), d.title, f"第{n}次更正后的正文", "更正"
        )
        fb = await actions.leave_feedback(await w.v("member_a"), d, f"反馈{n}")
        await actions.answer_feedback(await w.v("publicity"), d, fb, "答复", public=True)

    await grow(0)
    await client.get(f"/disclosures/{d.id}")  # first read writes the receipt
    with count_queries() as few:
        await client.get(f"/disclosures/{d.id}")
    for n in range(1, 6):
        await grow(n)
    with count_queries() as more:
        page = await client.get(f"/disclosures/{d.id}")
    assert page.text.count("查看改动") == 6 and page.text.count("答复") >= 6
    # 21: the viewer's running sanctions are one query per request (moderation's viewer facts).
    assert more.count == few.count <= 21


async def test_members_view_and_manage_links(w: World, client: Client) -> None:
    await publish_through(
        w, await draft(w, scope="public", title="对外公开"), approver="committee_secretary"
    )
    await publish_through(w, await draft(w, scope="org_subtree", title="对内公开"))
    await client.login("member_a")
    members = await client.get("/disclosures?audience=members")
    assert "对内公开" in members.text and "对外公开" not in members.text
    assert "我的待办" not in members.text
    own = await client.get(f"/disclosures?org={w.tree.branch_a.id}")
    assert "对内公开" in own.text and "甲支部（含下级）" in own.text
    await client.logout()
    await client.login("discipline")
    manage = await client.get("/manage")
    assert manage.status_code == 200 and "党务公开待办" in manage.text
    assert "党务公开目录" not in manage.text


async def test_catalogue_page_for_site_admin_only(w: World, client: Client) -> None:
    from tests.factories import grant, make_person

    admin = await make_person(None, None, username="root_admin")
    await grant(admin, "site_admin", None)
    await client.login("secretary")
    assert (await client.get("/disclosures/catalogue")).status_code == 404
    forbidden = await client.post_form(
        "/disclosures/catalogue", {"key": "x1", "name": "新类", "sort_order": "5"}
    )
    assert forbidden.status_code == 403
    await client.logout()
    await client.login("root_admin")
    assert "换届选举" in (await client.get("/disclosures/catalogue")).text
    created = await client.post_form(
        "/disclosures/catalogue",
        {"key": "pilot_items", "name": "试点事项", "sort_order": "5", "is_active": "1"},
    )
    assert created.status_code == 303
    bad = await client.post_form("/disclosures/catalogue", {"key": "坏代码", "name": "试点"})
    assert bad.status_code == 400
    from transparency.models import DisclosureCategory

    cat = await DisclosureCategory.get(key="pilot_items")
    assert cat.is_active and cat.name == "试点事项"
    hidden = await client.post_form(
        "/disclosures/catalogue",
        {"id": str(cat.id), "key": cat.key, "name": cat.name, "sort_order": "5"},
    )
    assert hidden.status_code == 303
    assert not (await DisclosureCategory.get(key="pilot_items")).is_active
    form = await client.get("/disclosures/new")
    assert form.status_code == 404  # a site admin without an org role drafts nothing
    entries = await AuditEntry.filter(action="disclosure.category_saved").count()
    assert entries == 2
    members = await client.get("/api/v1/disclosures?audience=members")
    assert members.status_code == 200 and members.json()["items"] == []
    assert (await client.get("/api/v1/disclosures?audience=x")).status_code == 400


async def test_catalogue_sort_order_is_a_plain_integer(w: World, client: Client) -> None:
    """Anything but a plain integer is refused (it used to become 0 silently, and digits
    like "²" that int() cannot parse, or numbers beyond the column, were a 500)."""
    from tests.factories import grant, make_person
    from transparency.models import DisclosureCategory

    admin = await make_person(None, None, username="root_admin")
    await grant(admin, "site_admin", None)
    await client.login("root_admin")
    before = await DisclosureCategory.all().count()
    for bad in ("²", "abc", "1.5", "01000", "-0", "99999999999", "+5"):
        r = await client.post_form(
            "/disclosures/catalogue", {"key": "pilot_order", "name": "试点", "sort_order": bad}
        )
        assert r.status_code == 400 and "排序须" in r.text, bad
    assert await DisclosureCategory.all().count() == before
    for raw, stored in (("-15", -15), (" 30 ", 30), ("", 0)):
        key = f"pilot_{stored + 100}"
        r = await client.post_form(
            "/disclosures/catalogue", {"key": key, "name": "试点", "sort_order": raw}
        )
        assert r.status_code == 303
        assert (await DisclosureCategory.get(key=key)).sort_order == stored


async def test_home_todo_section_for_reviewers_only(w: World, client: Client) -> None:
    await client.login("secretary")
    assert "党务公开待办" not in (await client.get("/")).text  # nothing to do: hidden
    d = await draft(w, title="等待审核的公示")
    from transparency import actions

    await actions.propose_disclosure(await w.v("publisher"), d)
    home = await client.get("/")
    assert "党务公开待办" in home.text and "等待审核的公示" in home.text
    await client.logout()
    await client.login("member_a")
    assert "党务公开待办" not in (await client.get("/")).text
