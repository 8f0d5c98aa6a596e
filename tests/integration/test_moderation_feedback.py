"""Disclosure feedback (意见反馈) in the moderation tools: flagged once per member, hidden
at the threshold, queued in the disclosure org's scope, decided by its moderators (audited,
author notified), hidden from the page for everyone else; siblings and authors refused."""

from __future__ import annotations

import re

import pytest

import moderation.routes  # noqa: F401  (registers the disclosure_feedback target)
from forum.auditlog import AuditEntry
from forum.errors import ActionError, Forbidden, NotFound
from moderation import queries as mod_queries
from moderation import review
from moderation.models import Flag, Notice, ReviewItem
from tests.factories import make_person
from tests.helpers import Client
from tests.integration.transparency_fixtures import World, draft, make_world, publish_through
from transparency import actions
from transparency import queries as t_queries
from transparency.models import Feedback

KIND = "disclosure_feedback"


@pytest.fixture
async def w(database) -> World:  # type: ignore[no-untyped-def]
    world = await make_world()
    t = world.tree
    world.users["mod_a"] = await make_person(t.branch_a, username="mod_a", role="moderator")
    world.users["mod_b"] = await make_person(t.branch_b, username="mod_b", role="moderator")
    world.users["site_mod"] = await make_person(None, None, username="site_mod", role="moderator")
    return world


async def _public_feedback(w: World, author: str = "member_a", body: str = "请公布明细") -> int:
    d = await publish_through(w, await draft(w, scope="public"), approver="committee_secretary")
    fb = await actions.leave_feedback(await w.v(author), d, body)
    await actions.answer_feedback(await w.v("publicity"), d, fb, "下月公布。", public=True)
    return fb.id


async def _visible_ids(w: World, who: str, disclosure_id: int) -> list[int]:
    viewer = await w.v(who)
    d = await t_queries.get_disclosure_for(viewer, disclosure_id)
    return [fb.id for fb in (await t_queries.item_context(viewer, d))["feedback"]]


async def test_flag_threshold_hides_feedback_and_queues_it_in_the_org_scope(w: World) -> None:
    fb_id = await _public_feedback(w)
    fb = await Feedback.get(id=fb_id)
    with pytest.raises(Forbidden):  # one's own feedback
        await review.flag_content(await w.v("member_a"), KIND, fb_id, "spam")
    await review.flag_content(await w.v("member_b"), KIND, fb_id, "spam")
    with pytest.raises(ActionError, match="已经举报"):
        await review.flag_content(await w.v("member_b"), KIND, fb_id, "other", "再举报")
    with pytest.raises(ActionError):
        await review.flag_content(await w.v("member_c"), KIND, fb_id, "nonsense")
    assert not (await Feedback.get(id=fb_id)).hidden
    await review.flag_content(await w.v("member_c"), KIND, fb_id, "inappropriate")
    await review.flag_content(await w.v("member_x"), KIND, fb_id, "other", "与事项无关")
    assert (await Feedback.get(id=fb_id)).hidden
    assert await Flag.filter(target_kind=KIND, target_id=fb_id).count() == 3
    item = await ReviewItem.get(target_kind=KIND, target_id=fb_id)
    assert item.org_path == w.tree.branch_a.path and item.hidden_by_review
    assert item.flag_count == 3 and item.author_id == w.users["member_a"].id
    auto = await AuditEntry.get(action="content.auto_hide", target_type=KIND)
    assert auto.target_id == str(fb_id) and auto.org_path == w.tree.branch_a.path
    notice = await Notice.filter(user_id=w.users["member_a"].id).order_by("-id").first()
    assert notice is not None and "意见反馈" in notice.title

    # Gone from the page for readers, the author and the issuing org's publisher; the
    # branch's moderator and site moderators still see it.
    for who in ("member_b", "member_a", "publicity"):
        assert fb_id not in await _visible_ids(w, who, fb.disclosure_id)
    for who in ("mod_a", "site_mod"):
        assert fb_id in await _visible_ids(w, who, fb.disclosure_id)
    with pytest.raises(NotFound):  # hidden things look missing to non-moderators
        await review.flag_content(await w.v("member_c"), KIND, fb_id, "spam")

    # The queue: the branch's moderators and site moderators, not the sibling branch.
    mine, _ = await mod_queries.review_queue(await w.v("mod_a"))
    assert [i.id for i in mine] == [item.id]
    assert [i.id for i in (await mod_queries.review_queue(await w.v("site_mod")))[0]] == [item.id]
    assert (await mod_queries.review_queue(await w.v("mod_b")))[0] == []


async def test_decisions_are_scoped_audited_and_notified(w: World) -> None:
    fb_id = await _public_feedback(w)
    author = w.users["member_a"].id
    with pytest.raises(Forbidden):  # a moderator of the sibling branch
        await review.moderate_content(await w.v("mod_b"), KIND, fb_id, "hide", "越权")
    with pytest.raises(ActionError):  # hide needs a reason for the author
        await review.moderate_content(await w.v("mod_a"), KIND, fb_id, "hide", "")
    mod_a = await w.v("mod_a")
    await review.moderate_content(mod_a, KIND, fb_id, "hide", "含个人信息")
    assert (await Feedback.get(id=fb_id)).hidden
    await review.moderate_content(mod_a, KIND, fb_id, "approve", "已核实")
    assert not (await Feedback.get(id=fb_id)).hidden
    await review.moderate_content(mod_a, KIND, fb_id, "delete", "重复反馈")
    fb = await Feedback.get(id=fb_id)
    assert fb.deleted and fb.body_raw == "请公布明细"  # soft: the text is kept
    await review.moderate_content(await w.v("site_mod"), KIND, fb_id, "restore", "误删")
    fb = await Feedback.get(id=fb_id)
    assert not (fb.deleted or fb.hidden)
    await review.flag_content(await w.v("member_b"), KIND, fb_id, "spam")
    await review.moderate_content(mod_a, KIND, fb_id, "dismiss", "不构成违规")
    assert await Flag.filter(target_kind=KIND, dismissed_at__isnull=True).count() == 0
    assert (await ReviewItem.get(target_kind=KIND, target_id=fb_id)).resolution == "dismiss"
    with pytest.raises(ActionError, match="不支持编辑"):
        await review.moderate_content(mod_a, KIND, fb_id, "edit", "改写", new_text="新内容")

    rows = await AuditEntry.filter(
        target_type=KIND, target_id=str(fb_id), action__startswith="content."
    ).order_by("id")
    assert [r.action for r in rows] == [
        "content.hide",
        "content.approve",
        "content.delete",
        "content.restore",
        "content.dismiss",
    ]
    assert rows[0].actor_id == w.users["mod_a"].id and rows[0].reason == "含个人信息"
    assert rows[0].org_path == w.tree.branch_a.path
    assert rows[2].before is not None and rows[2].before["deleted"] is False
    bodies = [n.body for n in await Notice.filter(user_id=author).order_by("id")]
    assert any("含个人信息" in b for b in bodies) and any("重复反馈" in b for b in bodies)


async def test_moderator_cannot_moderate_own_feedback(w: World) -> None:
    fb_id = await _public_feedback(w, author="mod_a", body="我也有疑问")
    with pytest.raises(Forbidden, match="自己"):
        await review.moderate_content(await w.v("mod_a"), KIND, fb_id, "delete", "自删")
    assert not await AuditEntry.filter(target_type=KIND, action__startswith="content.").exists()


async def test_flag_link_and_page_without_js(w: World, client: Client) -> None:
    fb_id = await _public_feedback(w)
    disclosure_id = (await Feedback.get(id=fb_id)).disclosure_id
    await client.login("member_b")
    page = await client.get(f"/disclosures/{disclosure_id}")
    assert f"/moderation/flag?kind=disclosure_feedback&amp;id={fb_id}" in page.text
    form = await client.get(f"/moderation/flag?kind={KIND}&id={fb_id}")
    assert form.status_code == 200 and "请公布明细" in form.text
    r = await client.post_form(
        "/moderation/flags", {"kind": KIND, "target_id": str(fb_id), "reason": "spam", "text": ""}
    )
    assert r.status_code == 303, r.text[:300]
    assert await Flag.filter(target_kind=KIND, target_id=fb_id).count() == 1
    await review.moderate_content(await w.v("mod_a"), KIND, fb_id, "hide", "待核实")
    page = await client.get(f"/disclosures/{disclosure_id}")
    assert not re.search(rf'id="feedback-{fb_id}"', page.text)
    await client.logout()
    await client.login("mod_a")
    page = await client.get(f"/disclosures/{disclosure_id}")
    assert f'id="feedback-{fb_id}"' in page.text and "已隐藏" in page.text
