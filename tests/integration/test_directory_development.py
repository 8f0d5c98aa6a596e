"""Member development (interval rules, introducers, votes) and floating members."""

from __future__ import annotations

import datetime as dt

import pytest

from forum import clock
from forum.auditlog import AuditEntry
from forum.errors import ActionError, Forbidden
from forum.members import development, floating
from forum.members.models import FloatingRecord, MemberChange
from forum.models import Member
from forum.policy import Viewer, can_vote_in
from tests.factories import Tree, make_member, make_person, make_tree, viewer_of
from tests.helpers import Client

TODAY = clock.today()


async def _loaded(member: Member) -> Member:
    return await Member.get(id=member.id).prefetch_related("org")


async def test_activist_to_target_refused_before_one_year(
    tree: Tree, branch_secretary: Viewer
) -> None:
    activist = await _loaded(
        await make_member(
            tree.branch_a,
            "activist",
            applied_at=TODAY - dt.timedelta(days=500),
            activist_at=TODAY - dt.timedelta(days=200),
        )
    )
    with pytest.raises(ActionError, match="满 12 个月"):
        await development.advance_member(branch_secretary, activist, "development_target", on=TODAY)
    with pytest.raises(ActionError, match="不能直接变更"):
        await development.advance_member(branch_secretary, activist, "full", on=TODAY)
    await Member.filter(id=activist.id).update(activist_at=TODAY - dt.timedelta(days=400))
    activist = await _loaded(activist)
    await development.advance_member(branch_secretary, activist, "development_target", on=TODAY)
    assert (await Member.get(id=activist.id)).status == "development_target"
    assert await AuditEntry.filter(action="member.status_changed").count() == 1


async def test_admission_needs_two_full_introducers_and_a_vote(
    tree: Tree, branch_secretary: Viewer
) -> None:
    target = await _loaded(
        await make_member(
            tree.branch_a,
            "development_target",
            applied_at=TODAY - dt.timedelta(days=900),
            activist_at=TODAY - dt.timedelta(days=800),
            development_target_at=TODAY - dt.timedelta(days=100),
        )
    )
    intro1 = await make_member(tree.branch_a, "full", name="介绍人甲")
    intro2 = await make_member(tree.branch_a, "full", name="介绍人乙")
    probationary = await make_member(tree.branch_a, "probationary", probation_at=TODAY)
    with pytest.raises(ActionError, match="正式党员"):
        await development.add_contact(
            branch_secretary, target, await _loaded(probationary), "introducer"
        )
    await development.add_contact(branch_secretary, target, await _loaded(intro1), "introducer")
    with pytest.raises(ActionError, match="2 名正式党员"):
        await development.advance_member(
            branch_secretary, target, "probationary", on=TODAY, vote_id=7
        )
    await development.add_contact(branch_secretary, target, await _loaded(intro2), "introducer")
    with pytest.raises(ActionError, match="表决"):
        await development.advance_member(branch_secretary, target, "probationary", on=TODAY)
    await development.advance_member(branch_secretary, target, "probationary", on=TODAY, vote_id=42)
    change = await MemberChange.get(member_id=target.id, kind="status")
    assert change.vote_id == 42 and change.effective_on == TODAY
    # Conversion: refused before one year of probation.
    target = await _loaded(target)
    with pytest.raises(ActionError, match="满 12 个月"):
        await development.advance_member(branch_secretary, target, "full", on=TODAY, vote_id=43)


async def test_conversion_due_list_and_warnings(database: object) -> None:
    tree = await make_tree()
    overdue = await make_member(
        tree.branch_a,
        "probationary",
        name="到期预备党员",
        probation_at=TODAY - dt.timedelta(days=400),
    )
    await make_member(
        tree.branch_a, "probationary", name="未到期", probation_at=TODAY - dt.timedelta(days=30)
    )
    await make_member(
        tree.branch_a,
        "activist",
        name="久未考察",
        applied_at=TODAY - dt.timedelta(days=600),
        activist_at=TODAY - dt.timedelta(days=300),
    )
    items = await development.due_list(tree.branch_a.path)
    by_name = {i.member.name: i for i in items}
    assert items[0].member.id == overdue.id
    assert any("届满" in w for w in by_name["到期预备党员"].warnings)
    assert by_name["未到期"].warnings == []
    assert any("考察" in w for w in by_name["久未考察"].warnings)
    assert by_name["未到期"].due == development.add_months(TODAY - dt.timedelta(days=30), 12)


async def test_secretary_cannot_advance_self_or_sibling(database: object) -> None:
    tree = await make_tree()
    sec_user = await make_person(
        tree.branch_a, "probationary", role="secretary", probation_at=TODAY - dt.timedelta(days=400)
    )
    sec = await viewer_of(sec_user)
    own = await Member.get(user_id=sec_user.id).prefetch_related("org")
    with pytest.raises(Forbidden):
        await development.advance_member(sec, own, "full", on=TODAY, vote_id=1)
    other = await _loaded(
        await make_member(
            tree.branch_b, "probationary", probation_at=TODAY - dt.timedelta(days=400)
        )
    )
    with pytest.raises(Forbidden):
        await development.advance_member(sec, other, "full", on=TODAY, vote_id=1)


async def test_floating_outflow_makes_member_a_guest_in_host(database: object) -> None:
    tree = await make_tree()
    home = await viewer_of(await make_person(tree.branch_a, role="secretary"))
    user = await make_person(tree.branch_a, "full", username="traveller")
    member = await Member.get(user_id=user.id).prefetch_related("org")
    with pytest.raises(ActionError, match="活动证"):
        await floating.register_outflow(
            home, member, "", tree.branch_x, "", "2026-01-01", "2026-06-01"
        )
    record = await floating.register_outflow(
        home, member, "LD-2026-001", tree.branch_x, "", "2026-01-01", "2026-06-01"
    )
    stored = await Member.get(id=member.id)
    assert stored.floating and stored.host_org_id == tree.branch_x.id
    viewer = await viewer_of(user)
    assert not can_vote_in(viewer, tree.branch_x) and can_vote_in(viewer, tree.branch_a)
    assert await AuditEntry.filter(action="floating.outflow_registered").count() == 1
    host = await viewer_of(await make_person(tree.branch_x, role="secretary"))
    lists = await floating.floating_lists(host)
    assert [r.id for r in lists["incoming"]] == [record.id]
    await floating.end_floating(host, record.id)
    assert not (await Member.get(id=member.id)).floating


async def test_floating_inflow_by_id_number(client: Client) -> None:
    tree = await make_tree()
    await make_member(tree.branch_a, "full", name="流入者", id_number="34052419800101001X")
    await make_person(tree.branch_x, role="secretary", username="hostsec")
    await client.login("hostsec")
    response = await client.post_form(
        "/members/floating/inflow",
        {
            "host_org_id": str(tree.branch_x.id),
            "id_number": "34052419800101001x",
            "certificate_number": "LR-1",
            "starts_on": "2026-01-01",
            "ends_on": "2026-03-01",
        },
    )
    assert response.status_code == 303
    page = await client.get("/members/floating")
    assert "流入者" in page.text and "LR-1" in page.text
    stored = await Member.get(name="流入者")
    assert stored.floating and stored.host_org_id == tree.branch_x.id
    bad = await client.post_form(
        "/members/floating/inflow",
        {
            "host_org_id": str(tree.branch_x.id),
            "id_number": "340524198001010019",
            "certificate_number": "LR-2",
            "starts_on": "2026-01-01",
            "ends_on": "2026-03-01",
        },
    )
    assert bad.status_code == 400 and "校验位" in bad.text


async def test_record_page_offers_workflows_to_admins(client: Client) -> None:
    tree = await make_tree()
    member = await make_member(
        tree.branch_a,
        "activist",
        name="积极分子甲",
        applied_at=TODAY - dt.timedelta(days=500),
        activist_at=TODAY - dt.timedelta(days=400),
    )
    await make_person(tree.branch_a, role="secretary", username="sec")
    await client.login("sec")
    page = await client.get(f"/members/{member.id}")
    assert "确定为发展对象" in page.text and "申请组织关系转接" in page.text
    response = await client.post_form(
        f"/members/{member.id}/advance",
        {
            "target": "development_target",
            "on": TODAY.isoformat(),
        },
    )
    assert response.status_code == 303
    page = await client.get(f"/members/{member.id}")
    assert "确定为发展对象" in page.text  # now on the timeline
    assert (await Member.get(id=member.id)).status == "development_target"


async def test_home_lists_due_conversions_for_admins(client: Client) -> None:
    tree = await make_tree()
    await make_member(
        tree.branch_a, "probationary", name="该转正了", probation_at=TODAY - dt.timedelta(days=370)
    )
    await make_member(
        tree.branch_a, "probationary", name="还早", probation_at=TODAY - dt.timedelta(days=100)
    )
    await make_member(
        tree.branch_b, "probationary", name="别的支部", probation_at=TODAY - dt.timedelta(days=370)
    )
    await make_person(tree.branch_a, role="secretary", username="sec")
    await client.login("sec")
    page = await client.get("/")
    assert "该转正了" in page.text and "已到期" in page.text
    assert "还早" not in page.text and "别的支部" not in page.text


async def test_development_page_lists_next_steps(client: Client) -> None:
    tree = await make_tree()
    await make_member(
        tree.branch_a, "probationary", name="预备甲", probation_at=TODAY - dt.timedelta(days=370)
    )
    await make_member(
        tree.branch_a,
        "activist",
        name="积极乙",
        applied_at=TODAY - dt.timedelta(days=500),
        activist_at=TODAY - dt.timedelta(days=100),
    )
    await make_person(tree.branch_a, role="secretary", username="sec")
    await client.login("sec")
    page = await client.get("/members/development")
    assert page.status_code == 200, page.text[-2000:]
    assert "预备甲" in page.text and "转为正式党员" in page.text and "届满" in page.text
    assert "积极乙" in page.text and "确定为发展对象" in page.text


async def test_probation_extension_once_moves_conversion_date(
    tree: Tree, branch_secretary: Viewer
) -> None:
    start = TODAY - dt.timedelta(days=380)
    member = await _loaded(await make_member(tree.branch_a, "probationary", probation_at=start))
    with pytest.raises(ActionError, match="6 至 12"):
        await development.extend_probation(branch_secretary, member, months=3, on=TODAY, vote_id=5)
    with pytest.raises(ActionError, match="表决"):
        await development.extend_probation(
            branch_secretary, member, months=6, on=TODAY, vote_id=None
        )
    await development.extend_probation(branch_secretary, member, months=6, on=TODAY, vote_id=5)
    with pytest.raises(ActionError, match="一次"):
        await development.extend_probation(branch_secretary, member, months=6, on=TODAY, vote_id=6)
    # Conversion now waits for the extended probation to end.
    with pytest.raises(ActionError, match="满 18 个月"):
        await development.advance_member(branch_secretary, member, "full", on=TODAY, vote_id=7)
    items = await development.due_list(tree.branch_a.path)
    assert items[0].due == development.add_months(start, 18) and items[0].warnings == []
    assert await AuditEntry.filter(action="member.probation_extended").count() == 1


async def test_vote_numbers_must_be_plain_positive_whole_numbers(client: Client) -> None:
    """str.isdigit() takes superscripts ("⁰⁴⁵") that int() refuses: that was a 500. Numbers
    past the 32-bit column were a 500 on PostgreSQL."""
    tree = await make_tree()
    member = await make_member(
        tree.branch_a, "probationary", probation_at=TODAY - dt.timedelta(days=400)
    )
    await make_person(tree.branch_a, role="secretary", username="sec")
    await client.login("sec")
    for bad in ("⁰⁴⁵", "١٢", "１２", "0", "08", "-1", "2147483648", "9" * 40):
        for url, extra in (
            (f"/members/{member.id}/advance", {"target": "full"}),
            (f"/members/{member.id}/extend", {"months": "6"}),
        ):
            data = {**extra, "on": TODAY.isoformat(), "vote_id": bad}
            response = await client.post_form(url, data)
            assert response.status_code == 400 and "表决编号须" in response.text, bad
    response = await client.post_form(
        f"/members/{member.id}/extend", {"months": "⁶", "on": TODAY.isoformat(), "vote_id": "3"}
    )
    assert response.status_code == 400 and "延长月数" in response.text
    assert not await MemberChange.filter(member_id=member.id).exists()
    response = await client.post_form(
        f"/members/{member.id}/advance",
        {"target": "full", "on": TODAY.isoformat(), "vote_id": " 2147483647 "},
    )
    assert response.status_code == 303
    assert (await MemberChange.get(member_id=member.id)).vote_id == 2147483647


async def test_extension_reason_is_kept_whole_or_refused(client: Client) -> None:
    """The reason used to be cut to 80 characters in the record history."""
    tree = await make_tree()
    member = await make_member(
        tree.branch_a, "probationary", probation_at=TODAY - dt.timedelta(days=400)
    )
    await make_person(tree.branch_a, role="secretary", username="sec")
    await client.login("sec")
    url = f"/members/{member.id}/extend"
    data = {"months": "12", "on": TODAY.isoformat(), "vote_id": "9"}
    response = await client.post_form(url, {**data, "reason": "长" * 181})
    assert response.status_code == 400 and "不能超过 180 个字符" in response.text
    response = await client.post_form(url, {**data, "reason": "长" * 180})
    assert response.status_code == 303
    change = await MemberChange.get(member_id=member.id, kind="status")
    assert change.summary == "延长预备期 12 个月：" + "长" * 180


async def test_certificate_number_keeps_its_spaces(client: Client) -> None:
    """Runs of whitespace collapse to one space (they used to be dropped: "LD2026001")."""
    tree = await make_tree()
    member = await make_member(tree.branch_a, "full")
    await make_person(tree.branch_a, role="secretary", username="sec")
    await client.login("sec")
    data = {
        "host_place": "深圳",
        "starts_on": TODAY.isoformat(),
        "ends_on": (TODAY + dt.timedelta(days=30)).isoformat(),
    }
    url = f"/members/{member.id}/floating"
    response = await client.post_form(url, {**data, "certificate_number": " LD  2026\t001 "})
    assert response.status_code == 303
    record = await FloatingRecord.get(member_id=member.id)
    assert record.certificate_number == "LD 2026 001"
