"""Disclosure workflow on the real database: authority routing, transitions and refusals,
audit rows, visibility at query level, revisions, scheduled publishing and expiry."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from tortoise.connection import get_connection
from tortoise.transactions import in_transaction

from forum.auditlog import AuditEntry
from forum.errors import ActionError, Conflict, Forbidden, NotFound
from forum.policy import ANONYMOUS
from forum.services import Services
from tests.conftest import BACKEND
from tests.factories import grant, make_person, viewer_of
from tests.integration.transparency_fixtures import (
    CHECKLIST,
    World,
    audit_actions,
    draft,
    make_world,
    publish_through,
    utcnow,
)
from transparency import actions, queries
from transparency.models import Disclosure, DisclosureReview, DisclosureRevision, ReadReceipt


@pytest.fixture
async def w(database) -> World:  # type: ignore[no-untyped-def]
    return await make_world()


async def test_branch_self_approves_subtree_item(w: World) -> None:
    d = await draft(w, scope="org_subtree")
    d = await actions.propose_disclosure(await w.v("publisher"), d)
    assert d.approver_org_id == w.tree.branch_a.id
    d = await actions.review_disclosure(await w.v("discipline"), d, CHECKLIST, "已核")
    d = await actions.approve_disclosure(await w.v("secretary"), d)
    d = await actions.publish_disclosure(await w.v("publisher"), d)
    assert d.state == "published" and d.approved_by_id == w.users["secretary"].id
    assert await audit_actions(d.id) == [
        "disclosure.created",
        "disclosure.proposed",
        "disclosure.reviewed",
        "disclosure.approved",
        "disclosure.published",
    ]
    entry = await AuditEntry.filter(action="disclosure.approved").first()
    assert entry is not None and entry.org_path == w.tree.branch_a.path
    assert entry.before and entry.before["state"] == "reviewed"
    assert entry.after and entry.after["state"] == "approved"
    review = await DisclosureReview.get(disclosure_id=d.id)
    assert review.confirmed == CHECKLIST and review.note == "已核"


async def test_branch_public_item_goes_to_committee(w: World) -> None:
    d = await draft(w, scope="public")
    d = await actions.propose_disclosure(await w.v("publisher"), d)
    assert d.approver_org_id == w.tree.committee.id
    d = await actions.review_disclosure(await w.v("secretary"), d, CHECKLIST)
    with pytest.raises(Forbidden):
        await actions.approve_disclosure(await w.v("secretary"), d)  # the branch may not
    with pytest.raises(Forbidden):
        await actions.approve_disclosure(await w.v("gb_secretary"), d)  # nor the general branch
    d = await actions.approve_disclosure(await w.v("committee_secretary"), d)
    assert d.state == "approved"
    assert await AuditEntry.filter(action="disclosure.approved").count() == 1


@pytest.mark.parametrize("scope", ["all_members", "public"])
async def test_wider_scopes_route_to_committee(w: World, scope: str) -> None:
    d = await draft(w, scope=scope)
    d = await actions.propose_disclosure(await w.v("publisher"), d)
    assert d.approver_org_id == w.tree.committee.id


async def test_targets_outside_subtree_route_to_committee(w: World) -> None:
    inside = await draft(w, scope="targeted", target_user_ids=[w.users["member_a"].id])
    inside = await actions.propose_disclosure(await w.v("publisher"), inside)
    assert inside.approver_org_id == w.tree.branch_a.id
    outside = await draft(w, scope="targeted", target_org_ids=[w.tree.branch_b.id])
    outside = await actions.propose_disclosure(await w.v("publisher"), outside)
    assert outside.approver_org_id == w.tree.committee.id
    citizen = await draft(w, scope="targeted", target_user_ids=[w.users["citizen"].id])
    citizen = await actions.propose_disclosure(await w.v("publisher"), citizen)
    assert citizen.approver_org_id == w.tree.committee.id


async def test_general_branch_cannot_approve_for_sibling(w: World) -> None:
    w.users["c_pub"] = await make_person(
        w.tree.branch_c, "full", username="c_pub", role="publisher", role_org=w.tree.gb2
    )
    item = await draft(w, by="c_pub", org=w.tree.gb2, scope="org_subtree")
    item = await actions.propose_disclosure(await w.v("c_pub"), item)
    assert item.approver_org_id == w.tree.gb2.id
    item = await actions.review_disclosure(await w.v("gb2_secretary"), item, CHECKLIST)
    with pytest.raises(Forbidden):
        await actions.approve_disclosure(await w.v("gb_secretary"), item)
    item = await actions.approve_disclosure(await w.v("gb2_secretary"), item)
    assert item.state == "approved"


async def test_group_item_is_approved_by_its_branch(w: World) -> None:
    await grant(w.users["member_a"], "publisher", w.tree.group_a1)
    d = await draft(w, by="member_a", org=w.tree.group_a1, scope="org_subtree")
    d = await actions.propose_disclosure(await w.v("member_a"), d)
    assert d.approver_org_id == w.tree.branch_a.id


async def test_each_transition_refused_out_of_order_and_for_wrong_roles(w: World) -> None:
    d = await draft(w)
    pub, sec, member = await w.v("publisher"), await w.v("secretary"), await w.v("member_a")
    with pytest.raises(Forbidden):
        await actions.review_disclosure(sec, d, CHECKLIST)  # not proposed yet
    with pytest.raises(Forbidden):
        await actions.approve_disclosure(sec, d)
    with pytest.raises(Forbidden):
        await actions.publish_disclosure(pub, d)
    with pytest.raises(Forbidden):
        await actions.propose_disclosure(member, d)  # readers never propose
    with pytest.raises(Forbidden):
        await actions.propose_disclosure(await w.v("sibling_secretary"), d)
    d = await actions.propose_disclosure(pub, d)
    with pytest.raises(Forbidden):
        await actions.review_disclosure(pub, d, CHECKLIST)  # publishers do not review
    with pytest.raises(ActionError):
        await actions.review_disclosure(sec, d, CHECKLIST[:-1])  # every item confirmed
    assert await DisclosureReview.filter(disclosure_id=d.id).count() == 0
    d = await actions.review_disclosure(sec, d, CHECKLIST)
    with pytest.raises(Forbidden):
        await actions.approve_disclosure(pub, d)
    d = await actions.approve_disclosure(sec, d)
    with pytest.raises(Forbidden):
        await actions.publish_disclosure(member, d)
    d = await actions.publish_disclosure(pub, d)
    with pytest.raises(Forbidden):
        await actions.withdraw_disclosure(pub, d, "发布有误")  # leaders withdraw
    with pytest.raises(Forbidden):
        await actions.reject_disclosure(sec, d, "太晚了")  # published: withdraw, not reject
    assert len(await audit_actions(d.id)) == 5  # refusals write nothing


async def test_reviewer_cannot_review_own_proposal(w: World) -> None:
    d = await draft(w, by="secretary")
    sec = await w.v("secretary")
    d = await actions.propose_disclosure(sec, d)
    with pytest.raises(Forbidden):
        await actions.review_disclosure(sec, d, CHECKLIST)


@pytest.mark.parametrize("step", ["proposed", "reviewed", "approved"])
async def test_reject_at_each_step_then_edit_returns_to_draft(w: World, step: str) -> None:
    d = await draft(w)
    d = await actions.propose_disclosure(await w.v("publisher"), d)
    if step in {"reviewed", "approved"}:
        d = await actions.review_disclosure(await w.v("secretary"), d, CHECKLIST)
    if step == "approved":
        d = await actions.approve_disclosure(await w.v("secretary"), d)
    with pytest.raises(ActionError):
        await actions.reject_disclosure(await w.v("secretary"), d, "")  # reason required
    d = await actions.reject_disclosure(await w.v("secretary"), d, "数据需核对")
    assert d.state == "rejected" and d.rejected_from == step and d.reject_reason == "数据需核对"
    entry = await AuditEntry.filter(action="disclosure.rejected").get()
    assert entry.reason == "数据需核对"
    cat = d.category_id
    data = actions.DraftInput(
        title=d.title,
        body="核对后的数据",
        category_id=cat,
        scope="org_subtree",
        publish_from=d.publish_from,
    )
    d = await actions.update_disclosure(await w.v("publisher"), d, data)
    assert d.state == "draft" and d.approver_org_id is None
    assert (await audit_actions(d.id))[-1] == "disclosure.updated"


async def test_stale_transition_is_a_conflict(w: World) -> None:
    d = await draft(w)
    stale = await Disclosure.get(id=d.id).prefetch_related("org", "approver_org", "targets")
    await actions.propose_disclosure(await w.v("publisher"), d)
    stale.state = "draft"  # type: ignore[assignment]
    with pytest.raises(Conflict):
        await actions.propose_disclosure(await w.v("publicity"), stale)
    assert (await audit_actions(d.id)).count("disclosure.proposed") == 1


async def test_withdraw_keeps_item_in_archive(w: World) -> None:
    d = await publish_through(w, await draft(w, scope="public"), approver="committee_secretary")
    d = await actions.withdraw_disclosure(await w.v("secretary"), d, "内容已过时")
    assert d.state == "withdrawn" and d.withdraw_reason == "内容已过时"
    assert (await queries.board(ANONYMOUS, queries.BoardFilter())).items == []
    archive = await queries.board(ANONYMOUS, queries.BoardFilter(archive=True))
    assert [x.id for x in archive.items] == [d.id]
    assert (await queries.get_disclosure_for(ANONYMOUS, d.id)).state == "withdrawn"
    assert (await audit_actions(d.id))[-1] == "disclosure.withdrawn"


async def test_correction_adds_revision_and_diff(w: World) -> None:
    d = await publish_through(w, await draft(w, body="第一行\n实缴 1100 元。"))
    rev = await actions.correct_disclosure(
        await w.v("publisher"), d, d.title, "第一行\n实缴 1200 元。", "更正实缴金额"
    )
    assert rev.number == 2 and rev.note == "更正实缴金额"
    revisions = await DisclosureRevision.filter(disclosure_id=d.id).order_by("number")
    assert [r.body_raw for r in revisions] == ["第一行\n实缴 1100 元。", "第一行\n实缴 1200 元。"]
    fresh = await actions.reload(d)
    assert fresh.revision_count == 2 and "1200" in fresh.body_html
    _, _, lines = await queries.revision_diff(fresh, 2)
    assert ("del", "实缴 1100 元。") in [(x.kind, x.text) for x in lines]
    assert ("add", "实缴 1200 元。") in [(x.kind, x.text) for x in lines]
    with pytest.raises(ActionError):
        await actions.correct_disclosure(
            await w.v("publisher"), fresh, d.title, fresh.body_raw, "无"
        )
    with pytest.raises(ActionError):
        await actions.correct_disclosure(await w.v("publisher"), fresh, d.title, "新", "")
    with pytest.raises(Forbidden):
        await actions.correct_disclosure(await w.v("member_a"), fresh, d.title, "新内容", "说明")
    assert (await audit_actions(d.id))[-1] == "disclosure.corrected"


VIEWERS_EXPECT = {
    # scope: readers expected to see the item (others must not)
    "public": {"visitor", "citizen", "member_a", "member_b", "member_c", "member_x", "applicant_a"},
    "all_members": {"member_a", "member_b", "member_c", "member_x"},
    "org_subtree": {"member_a"},
    "targeted": {"member_c", "citizen"},
}


@pytest.mark.parametrize("scope", list(VIEWERS_EXPECT))
async def test_scope_visibility_in_lists_and_item(w: World, scope: str) -> None:
    d = await draft(
        w, scope=scope, target_org_ids=[w.tree.branch_c.id], target_user_ids=[w.users["citizen"].id]
    )
    approver = "secretary" if scope == "org_subtree" else "committee_secretary"
    d = await publish_through(w, d, approver=approver)
    for key in [
        "visitor",
        "citizen",
        "member_a",
        "member_b",
        "member_c",
        "member_x",
        "applicant_a",
    ]:
        viewer = ANONYMOUS if key == "visitor" else await w.v(key)
        listed = [x.id for x in (await queries.board(viewer, queries.BoardFilter())).items]
        expected = key in VIEWERS_EXPECT[scope]
        assert (d.id in listed) is expected, (scope, key)
        if expected:
            assert (await queries.get_disclosure_for(viewer, d.id)).id == d.id
        else:
            with pytest.raises(NotFound):
                await queries.get_disclosure_for(viewer, d.id)


async def test_unpublished_items_hidden_from_readers(w: World) -> None:
    d = await draft(w, scope="public")
    with pytest.raises(NotFound):
        await queries.get_disclosure_for(await w.v("member_a"), d.id)
    with pytest.raises(NotFound):
        await queries.get_disclosure_for(await w.v("sibling_secretary"), d.id)
    assert (await queries.get_disclosure_for(await w.v("secretary"), d.id)).id == d.id


async def test_scheduled_publishing_visible_only_from_publish_from(w: World) -> None:
    start = utcnow() + dt.timedelta(hours=2)
    d = await publish_through(
        w, await draft(w, scope="public", publish_from=start), approver="committee_secretary"
    )
    assert d.state == "published" and d.publish_from == start
    assert (await queries.board(ANONYMOUS, queries.BoardFilter())).items == []
    with pytest.raises(NotFound):
        await queries.get_disclosure_for(ANONYMOUS, d.id)
    later = start + dt.timedelta(seconds=1)
    page = await queries.board(ANONYMOUS, queries.BoardFilter(), now=later)
    assert [x.id for x in page.items] == [d.id]


async def test_expiry_moves_item_to_archive(w: World) -> None:
    until = utcnow() + dt.timedelta(hours=1)
    d = await publish_through(
        w, await draft(w, scope="public", until=until), approver="committee_secretary"
    )
    assert [x.id for x in (await queries.board(ANONYMOUS, queries.BoardFilter())).items] == [d.id]
    after = until + dt.timedelta(minutes=1)
    assert (await queries.board(ANONYMOUS, queries.BoardFilter(), now=after)).items == []
    archive = await queries.board(ANONYMOUS, queries.BoardFilter(archive=True), now=after)
    assert [x.id for x in archive.items] == [d.id]


async def test_filters_search_and_keyset_pages(w: World) -> None:
    ids = []
    for n in range(5):
        d = await draft(w, scope="public", title=f"支部大会决议公告第{n}号", body=f"正文{n}")
        ids.append((await publish_through(w, d, approver="committee_secretary")).id)
    other = await draft(w, scope="public", title="组织生活会情况通报", body="民主评议")
    other = await publish_through(w, other, approver="committee_secretary")
    first = await queries.board(ANONYMOUS, queries.BoardFilter(q="支部大会"), limit=3)
    assert len(first.items) == 3 and first.next_cursor
    second = await queries.board(
        ANONYMOUS,
        queries.BoardFilter(q="支部大会", cursor=queries.decode_cursor(first.next_cursor)),
        limit=3,
    )
    assert sorted(x.id for x in first.items + second.items) == sorted(ids)
    assert second.next_cursor is None
    short = await queries.board(ANONYMOUS, queries.BoardFilter(q="评议"))
    assert [x.id for x in short.items] == [other.id]
    by_org = await queries.board(ANONYMOUS, queries.BoardFilter(org=w.tree.gb1))
    assert len(by_org.items) == 6
    assert (await queries.board(ANONYMOUS, queries.BoardFilter(org=w.tree.gb2))).items == []
    year = utcnow().astimezone(dt.timezone(dt.timedelta(hours=8))).year
    assert len((await queries.board(ANONYMOUS, queries.BoardFilter(year=year))).items) == 6
    assert (await queries.board(ANONYMOUS, queries.BoardFilter(year=year - 3))).items == []


async def test_feedback_answer_and_receipts(w: World) -> None:
    d = await publish_through(w, await draft(w, scope="org_subtree"))
    member = await w.v("member_a")
    fb = await actions.leave_feedback(member, d, "请问党费使用明细在哪里查看？")
    with pytest.raises(Forbidden):
        await actions.leave_feedback(await w.v("member_b"), d, "我也想问")
    with pytest.raises(Forbidden):
        await actions.answer_feedback(member, d, fb, "自问自答", public=True)
    fb = await actions.answer_feedback(await w.v("publicity"), d, fb, "见附件。", public=True)
    assert fb.is_public and fb.answered_by_id == w.users["publicity"].id
    assert await AuditEntry.filter(action="disclosure.feedback_answered").count() == 1
    assert await actions.mark_read(member, d) is True
    assert await actions.mark_read(member, d) is False
    assert await actions.mark_read(await w.v("member_b"), d) is False  # outside the scope
    r = await queries.receipts(d)
    assert [x.user_id for x in r.readers] == [w.users["member_a"].id] and r.total_read == 1
    assert r.expected is not None and r.expected >= 4
    assert await ReadReceipt.filter(disclosure_id=d.id).count() == 1


async def test_work_queue_lists_inboxes(w: World) -> None:
    d = await actions.propose_disclosure(await w.v("publisher"), await draft(w, scope="public"))
    q = await queries.work_queue(await w.v("secretary"))
    assert [x.id for x in q.to_review] == [d.id]
    d = await actions.review_disclosure(await w.v("secretary"), d, CHECKLIST)
    assert (await queries.work_queue(await w.v("secretary"))).to_approve == []
    assert [
        x.id for x in (await queries.work_queue(await w.v("committee_secretary"))).to_approve
    ] == [d.id]
    assert (await queries.work_queue(await w.v("sibling_secretary"))).total == 0


async def test_catalogue_is_editable_by_site_admin(w: World) -> None:
    admin = await make_person(None, None, username="root")
    await grant(admin, "site_admin", None)
    cat = await actions.save_category(await viewer_of(admin), None, "pilot", "试点事项", 200)
    assert cat.id and (await queries.categories())[-1].key == "pilot"
    with pytest.raises(Forbidden):
        await actions.save_category(await w.v("secretary"), None, "x", "某类", 1)


async def test_notifications_after_commit_for_reject_publish_and_answer(
    w: World, services: Services
) -> None:
    received: list[tuple[str, dict[str, Any]]] = []

    async def handler(channel: str, message: dict[str, Any]) -> None:
        received.append((channel, message))

    publisher_id, member_id = w.users["publisher"].id, w.users["member_a"].id
    services.broker.subscribe(f"user:{publisher_id}", handler)
    services.broker.subscribe(f"user:{member_id}", handler)
    d = await actions.propose_disclosure(await w.v("publisher"), await draft(w))
    assert received == []  # proposing notifies the reviewers only (neither of these two)
    await actions.reject_disclosure(await w.v("secretary"), d, "请补充数据")
    assert [(c, m["kind"]) for c, m in received] == [
        (f"user:{publisher_id}", "disclosure.rejected")
    ]
    assert received[0][1]["type"] == "notification.created"
    assert received[0][1]["url"] == f"/disclosures/{d.id}"
    received.clear()
    with pytest.raises(Forbidden):  # a refused action publishes nothing
        await actions.reject_disclosure(await w.v("member_a"), d, "无权退回")
    assert received == []
    d = await publish_through(w, await draft(w))
    # The publisher hears that the item may now be published; not of their own publishing.
    assert [m["kind"] for _, m in received] == ["disclosure.approved"]
    received.clear()
    fb = await actions.leave_feedback(await w.v("member_a"), d, "请问明细？")
    await actions.answer_feedback(await w.v("publicity"), d, fb, "已公布。", public=False)
    assert [(c, m["kind"]) for c, m in received] == [
        (f"user:{member_id}", "disclosure.feedback_answered")
    ]


async def test_search_uses_the_dialect_index(w: World) -> None:
    d = await publish_through(
        w,
        await draft(w, scope="public", title="关于召开支部党员大会的通知", body="议程"),
        approver="committee_secretary",
    )
    conn = get_connection("default")
    if BACKEND == "sqlite":
        match = "SELECT rowid AS id FROM transparency_search WHERE transparency_search MATCH ?"
        rows = await conn.execute_query_dict(match, ['"党员大会"'])
        assert [r["id"] for r in rows] == [d.id]
        await actions.correct_disclosure(
            await w.v("publisher"), d, "关于召开支部委员会的通知", "议程", "更正会议名称"
        )
        assert await conn.execute_query_dict(match, ['"党员大会"']) == []  # trigger re-indexed
        assert [r["id"] for r in await conn.execute_query_dict(match, ['"委员会"'])] == [d.id]
        query = "委员会"
    else:
        async with in_transaction() as tx:
            await tx.execute_script("SET LOCAL enable_seqscan = off")
            rows = await tx.execute_query_dict(
                "EXPLAIN SELECT id FROM transparency_disclosures "
                "WHERE CAST(search_text AS VARCHAR) LIKE '%党员大会%'"
            )
        plan = "\n".join(str(next(iter(r.values()))) for r in rows)
        assert "transparency_disclosures_search_trgm" in plan, plan
        query = "党员大会"
    hits = await queries.board(ANONYMOUS, queries.BoardFilter(q=query))
    assert [x.id for x in hits.items] == [d.id]
