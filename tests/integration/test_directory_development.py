"""Member development (interval rules, introducers, votes) and floating members."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from forum import clock, idcard
from forum.auditlog import AuditEntry
from forum.errors import ActionError, Forbidden
from forum.members import approvals, development, floating
from forum.members.models import (
    FloatingInflow,
    FloatingRecord,
    MemberChange,
    ProbationExtension,
)
from forum.models import Member, Org
from forum.policy import Viewer, can_vote_in
from tests.factories import (
    Tree,
    make_member,
    make_person,
    make_plenary_vote,
    make_tree,
    viewer_of,
)
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


async def test_admission_needs_two_full_introducers_and_a_passed_vote(
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
    vote = await make_plenary_vote(tree.branch_a, "admission", target, closed_on=TODAY)
    with pytest.raises(ActionError, match="2 名正式党员"):
        await approvals.propose(branch_secretary, target, "admission", vote_id=vote)
    await development.add_contact(branch_secretary, target, await _loaded(intro2), "introducer")
    # The secretary alone cannot take the step: the plenary votes, the committee approves.
    with pytest.raises(ActionError, match="上级党委审批"):
        await development.advance_member(branch_secretary, target, "probationary", on=TODAY)
    with pytest.raises(ActionError, match="表决"):
        await approvals.propose(branch_secretary, target, "admission", vote_id=None)
    decision = await approvals.propose(branch_secretary, target, "admission", vote_id=vote)
    assert decision.state == "pending"
    assert (await Member.get(id=target.id)).status == "development_target"
    change = await MemberChange.get(member_id=target.id, kind="status")
    assert change.vote_id == vote and change.effective_on == TODAY


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


async def test_secretary_cannot_report_for_self_or_sibling(database: object) -> None:
    tree = await make_tree()
    sec_user = await make_person(
        tree.branch_a, "probationary", role="secretary", probation_at=TODAY - dt.timedelta(days=400)
    )
    sec = await viewer_of(sec_user)
    own = await Member.get(user_id=sec_user.id).prefetch_related("org")
    vote = await make_plenary_vote(tree.branch_a, "conversion", own)
    with pytest.raises(Forbidden):
        await approvals.propose(sec, own, "conversion", vote_id=vote)
    other = await _loaded(
        await make_member(
            tree.branch_b, "probationary", probation_at=TODAY - dt.timedelta(days=400)
        )
    )
    vote = await make_plenary_vote(tree.branch_b, "conversion", other)
    with pytest.raises(Forbidden):
        await approvals.propose(sec, other, "conversion", vote_id=vote)


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


INFLOW = {
    "certificate_number": "LR-1",
    "starts_on": "2026-01-01",
    "ends_on": "2026-03-01",
}


def _inflow(host: Org, id_number: str, **extra: str) -> dict[str, str]:
    return {"host_org_id": str(host.id), "id_number": id_number, **INFLOW, **extra}


def _without_tokens(page: str) -> str:
    return re.sub(r'(csrf[-_]token" (?:content|value)=")[^"]+', r"\1", page)


async def test_floating_inflow_is_a_request_the_home_branch_confirms(
    client: Client, other_client: Client
) -> None:
    tree = await make_tree()
    known = "34052419800101001X"
    await make_member(tree.branch_a, "full", name="流入者", id_number=known)
    await make_person(tree.branch_x, role="secretary", username="hostsec")
    await make_person(tree.branch_a, role="secretary", username="homesec")
    await client.login("hostsec")
    sent = await client.post_form(
        "/members/floating/inflow", _inflow(tree.branch_x, "34052419800101001x")
    )
    assert sent.status_code == 303
    page = (await client.get(sent.headers["location"])).text
    # Until the home side confirms, the host learns nothing: the masked number it typed.
    assert "待党员所在党组织确认" in page and "340524********001X" in page
    assert "流入者" not in page and tree.branch_a.name not in page
    stored = await Member.get(name="流入者")
    assert not stored.floating and stored.host_org_id is None
    assert await MemberChange.filter(member_id=stored.id, kind="floating").count() == 0
    # Each side's log has the step: the host's names only its request.
    host_entry = await AuditEntry.get(
        action="floating.inflow_requested", target_type="floating_inflow"
    )
    assert host_entry.org_path == tree.branch_x.path and "member" not in str(host_entry.after)
    home_entry = await AuditEntry.get(action="floating.inflow_requested", target_type="member")
    assert home_entry.org_path == tree.branch_a.path and home_entry.target_id == str(stored.id)
    # The home side sees the request with the name and confirms it.
    await other_client.login("homesec")
    home_page = (await other_client.get("/members/floating")).text
    assert "待本组织确认的流入登记" in home_page and "流入者" in home_page
    request_id = (await FloatingInflow.get(member_id=stored.id)).id
    # Nobody else may decide it: the host, a sibling branch (404 like a missing request).
    assert (
        await client.post_form(f"/members/floating/inflows/{request_id}/confirm")
    ).status_code == 404
    confirmed = await other_client.post_form(f"/members/floating/inflows/{request_id}/confirm")
    assert confirmed.status_code == 303
    stored = await Member.get(name="流入者")
    assert stored.floating and stored.host_org_id == tree.branch_x.id
    assert await MemberChange.filter(member_id=stored.id, kind="floating").count() == 1
    assert await AuditEntry.filter(action="floating.inflow_confirmed").count() == 1
    # Now the host sees whom it hosts.
    assert "流入者" in (await client.get("/members/floating")).text
    # A bad number is a format error for anyone, registered or not.
    bad = await client.post_form(
        "/members/floating/inflow", _inflow(tree.branch_x, "340524198001010019")
    )
    assert bad.status_code == 400 and "校验位" in bad.text


async def test_a_sibling_probing_inflow_gets_identical_answers_and_writes_nothing(
    client: Client,
) -> None:
    tree = await make_tree()
    known = "34052419800101001X"
    first17 = "11010119900101002"
    unknown = first17 + idcard.check_char(first17)
    await make_member(tree.branch_a, "full", name="第一支部党员", id_number=known)
    await make_person(tree.branch_b, role="secretary", username="sibling_sec")
    await client.login("sibling_sec")
    await client.get("/")  # the page after logging in shows (and spends) its welcome
    answers = []
    for number in (known, unknown):
        response = await client.post_form(
            "/members/floating/inflow", _inflow(tree.branch_b, number)
        )
        assert response.status_code == 303
        page = (await client.get(response.headers["location"])).text
        answers.append((response.headers["location"], page))
    assert answers[0][0] == answers[1][0]
    flashes = [re.findall(r'<p class="flash[^"]*">([^<]*)</p>', page) for _, page in answers]
    assert flashes[0] == flashes[1] == ["已提交流入登记，待党员所在党组织确认后生效。"]
    last = _without_tokens(answers[1][1])
    assert "第一支部党员" not in last and tree.branch_a.name not in last
    # Both rows read the same to the host: masked number, certificate, period, state.
    assert last.count("待流出地确认") == 2
    stored = await Member.get(name="第一支部党员")
    assert not stored.floating and stored.host_org_id is None
    assert not await MemberChange.filter(member_id=stored.id).exists()


async def test_the_home_side_declines_with_a_reason_and_the_host_may_withdraw(
    client: Client, other_client: Client
) -> None:
    tree = await make_tree()
    await make_member(tree.branch_a, "full", name="甲", id_number="34052419800101001X")
    await make_person(tree.branch_x, role="secretary", username="hostsec")
    await make_person(tree.branch_a, role="secretary", username="homesec")
    await client.login("hostsec")
    await client.post_form("/members/floating/inflow", _inflow(tree.branch_x, "34052419800101001X"))
    request = await FloatingInflow.get()
    await other_client.login("homesec")
    blank = await other_client.post_form(
        f"/members/floating/inflows/{request.id}/decline", {"reason": " "}
    )
    assert blank.status_code == 400 and "退回原因" in blank.text
    declined = await other_client.post_form(
        f"/members/floating/inflows/{request.id}/decline", {"reason": "未签发该活动证"}
    )
    assert declined.status_code == 303
    host_page = (await client.get("/members/floating")).text
    assert (
        "已退回：未签发该活动证" in host_page
        and "甲" not in host_page.split("本组织提交的流入登记")[1][:400]
    )
    assert not (await Member.get(name="甲")).floating
    assert await AuditEntry.filter(action="floating.inflow_declined").count() == 2  # both sides
    await client.post_form(
        "/members/floating/inflow",
        _inflow(tree.branch_x, "34052419800101001X", certificate_number="LR-9"),
    )
    again = await FloatingInflow.get(certificate_number="LR-9")
    assert (
        await other_client.post_form(f"/members/floating/inflows/{again.id}/withdraw")
    ).status_code == 404
    withdrawn = await client.post_form(f"/members/floating/inflows/{again.id}/withdraw")
    assert withdrawn.status_code == 303
    assert (await FloatingInflow.get(id=again.id)).state == "withdrawn"


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
    step = {"target": "development_target", "on": TODAY.isoformat()}
    # A status change cannot be taken back: the page asks first and changes nothing.
    asked = await client.post_form(f"/members/{member.id}/advance", step)
    assert asked.status_code == 200 and "不能撤回" in asked.text
    assert (await Member.get(id=member.id)).status == "activist"
    response = await client.post_form(f"/members/{member.id}/advance", {**step, "confirmed": "1"})
    assert response.status_code == 303
    page = await client.get(response.headers["location"])
    assert "积极分子甲：已确定为发展对象。" in page.text
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
    tree: Tree, branch_secretary: Viewer, org_admin: Viewer
) -> None:
    start = TODAY - dt.timedelta(days=380)
    member = await _loaded(await make_member(tree.branch_a, "probationary", probation_at=start))
    vote = await make_plenary_vote(tree.branch_a, "extension", member, closed_on=TODAY)
    with pytest.raises(ActionError, match="6 至 12"):
        await approvals.propose(branch_secretary, member, "extension", vote_id=vote, months=5)
    with pytest.raises(ActionError, match="6 至 12"):
        await approvals.propose(branch_secretary, member, "extension", vote_id=vote, months=13)
    with pytest.raises(ActionError, match="表决"):
        await approvals.propose(branch_secretary, member, "extension", vote_id=None, months=6)
    decision = await approvals.propose(
        branch_secretary, member, "extension", vote_id=vote, months=6
    )
    assert not await ProbationExtension.filter(member_id=member.id).exists()  # pending only
    decision, m, committee = await approvals.get_decision_for(org_admin, decision.id)
    await approvals.decide(org_admin, decision, m, committee, approve=True, on=TODAY)
    again = await make_plenary_vote(tree.branch_a, "extension", member, closed_on=TODAY)
    with pytest.raises(ActionError, match="一次"):
        await approvals.propose(branch_secretary, member, "extension", vote_id=again, months=6)
    # Conversion now waits for the extended probation to end.
    conversion = await make_plenary_vote(tree.branch_a, "conversion", member, closed_on=TODAY)
    with pytest.raises(ActionError, match="预备期满"):
        await approvals.propose(branch_secretary, member, "conversion", vote_id=conversion)
    items = await development.due_list(tree.branch_a.path)
    assert items[0].due == development.add_months(start, 18) and items[0].warnings == []
    assert await AuditEntry.filter(action="member.status_approved").count() == 1


async def test_vote_numbers_must_be_plain_positive_whole_numbers(client: Client) -> None:
    """str.isdigit() takes superscripts ("⁰⁴⁵") that int() refuses: that was a 500. Numbers
    past the 32-bit column were a 500 on PostgreSQL. A well-formed number of no vote is
    refused too (it used to convert the member)."""
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
            data = {**extra, "vote_id": bad}
            response = await client.post_form(url, data)
            assert response.status_code == 400 and "表决编号须" in response.text, bad
    response = await client.post_form(
        f"/members/{member.id}/extend", {"months": "⁶", "vote_id": "3"}
    )
    assert response.status_code == 400 and "延长月数" in response.text
    response = await client.post_form(
        f"/members/{member.id}/advance",
        {"target": "full", "vote_id": " 2147483647 ", "confirmed": "1"},
    )
    assert response.status_code == 400 and "找不到本支部党员大会的该项表决" in response.text
    assert not await MemberChange.filter(member_id=member.id).exists()
    assert (await Member.get(id=member.id)).status == "probationary"


async def test_extension_reason_is_kept_whole_or_refused(client: Client) -> None:
    """The reason used to be cut to 80 characters in the record history."""
    tree = await make_tree()
    member = await make_member(
        tree.branch_a, "probationary", probation_at=TODAY - dt.timedelta(days=400)
    )
    await make_person(tree.branch_a, role="secretary", username="sec")
    await client.login("sec")
    vote = await make_plenary_vote(tree.branch_a, "extension", member)
    url = f"/members/{member.id}/extend"
    data = {"months": "12", "vote_id": str(vote)}
    response = await client.post_form(url, {**data, "reason": "长" * 181})
    assert response.status_code == 400 and "不能超过 180 个字符" in response.text
    response = await client.post_form(url, {**data, "reason": "长" * 180, "confirmed": "1"})
    assert response.status_code == 303
    change = await MemberChange.get(member_id=member.id, kind="status")
    assert change.summary == "延长预备期报上级党委审批：" + "长" * 180


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
