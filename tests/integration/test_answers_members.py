"""Every action answers, in the member part: success messages after the redirect, refused
forms back in place with their input and the message at the field, and confirmation before
the steps that cannot be taken back (through real forms, without JS)."""

from __future__ import annotations

import datetime as dt
import re

from forum.answers import KeptForm
from forum.clock import today
from forum.members import actions
from forum.members.models import (
    FloatingRecord,
    MemberChange,
    ProbationExtension,
    StatusDecision,
    Transfer,
)
from forum.models import Member
from tests.factories import Tree, make_member, make_person, make_plenary_vote
from tests.helpers import Client

BASE = "http://testserver"
VALID_ID = "34052419800101001X"
TODAY = today()


def _flash_region(page: str) -> str:
    match = re.search(r'<div class="flashes" data-flashes>(.*?)</div>\s*</div>', page, re.S)
    assert match, "every page has the flash regions"
    return match.group(1)


def _record_form(tree: Tree, **overrides: str) -> dict[str, str]:
    data = {
        "name": "张三丰",
        "id_number": VALID_ID,
        "status": "full",
        "org_id": str(tree.branch_a.id),
        "applied_at": "2000-01-01",
        "activist_at": "2000-06-01",
        "development_target_at": "2001-07-01",
        "probation_at": "2002-01-01",
        "full_at": "2003-01-01",
        "ethnicity": "汉族",
        "workplace": "县农业局",
        "phone": "13800000000",
    }
    data.update(overrides)
    return data


async def _secretary(client: Client, tree: Tree) -> None:
    await make_person(tree.branch_a, role="secretary", username="sec")
    await client.login("sec")


async def _recorded(client: Client, tree: Tree) -> Member:
    created = await client.post_form("/members/new", _record_form(tree))
    assert created.status_code == 303
    page = (await client.get(created.headers["location"])).text
    assert "已录入党员「张三丰」。" in _flash_region(page)
    return await Member.get(name="张三丰")


async def test_record_edit_answers_with_a_message_once(client: Client, tree: Tree) -> None:
    await _secretary(client, tree)
    member = await _recorded(client, tree)
    saved = await client.post_form(
        f"/members/{member.id}/edit",
        _record_form(tree, id_number="", workplace="县水利局"),
        headers={"referer": f"{BASE}/members/{member.id}/edit"},
    )
    assert saved.status_code == 303 and saved.headers["location"] == f"/members/{member.id}"
    page = (await client.get(saved.headers["location"])).text
    assert "已保存「张三丰」的档案。" in _flash_region(page)
    assert "县水利局" in page
    assert "已保存" not in _flash_region((await client.get(f"/members/{member.id}")).text)


async def test_a_bad_date_on_the_record_form_comes_back_with_the_input(
    client: Client, tree: Tree
) -> None:
    await _secretary(client, tree)
    member = await _recorded(client, tree)
    url = f"/members/{member.id}/edit"
    refused = await client.post_form(
        url,
        _record_form(tree, id_number="", birth_date="1980-13-45", workplace="县水利局<b>"),
        headers={"referer": BASE + url},
    )
    # The same form at once (it carries an ID number: nothing is kept server-side).
    assert refused.status_code == 400
    assert await KeptForm.all().count() == 0
    page = refused.text
    assert 'value="1980-13-45"' in page and 'value="县水利局&lt;b&gt;"' in page
    assert '<p class="field-error" id="birth_date-error">' in page
    assert "出生日期「1980-13-45」不是有效日期" in page
    assert 'id="birth_date" aria-invalid="true" aria-describedby="birth_date-error"' in page
    assert '<a href="#birth_date">' in _flash_region(page)
    assert (await Member.get(id=member.id)).workplace == "县农业局"
    assert not await MemberChange.filter(member_id=member.id, kind="updated").exists()


async def test_a_bad_id_number_comes_back_at_its_field_with_all_other_input(
    client: Client, tree: Tree
) -> None:
    await _secretary(client, tree)
    member = await _recorded(client, tree)
    url = f"/members/{member.id}/edit"
    bad = "340524198001010019"
    refused = await client.post_form(
        url,
        _record_form(tree, id_number=bad, name="张三丰改", phone="13900000000"),
        headers={"referer": BASE + url},
    )
    assert refused.status_code == 400
    page = refused.text
    assert (
        '<p class="field-error" id="id_number-error">身份证号校验位不正确，请核对后重新输入</p>'
        in page
    )
    assert f'value="{bad}"' in page  # the number as typed, to correct it
    assert 'value="张三丰改"' in page and 'value="13900000000"' in page
    assert f'<option value="{tree.branch_a.id}" selected>' in page
    assert await KeptForm.all().count() == 0
    stored = await Member.get(id=member.id)
    assert stored.name == "张三丰" and actions.stored_id_number(stored) == VALID_ID
    # The same input with the number fixed is saved.
    fixed = await client.post_form(
        url, _record_form(tree, id_number=VALID_ID, name="张三丰改", phone="13900000000")
    )
    assert fixed.status_code == 303
    assert "已保存「张三丰改」的档案。" in (await client.get(fixed.headers["location"])).text


async def test_a_refused_workflow_form_comes_back_to_the_record_page_with_its_input(
    client: Client, tree: Tree
) -> None:
    await _secretary(client, tree)
    member = await make_member(
        tree.branch_a,
        "activist",
        name="积极分子乙",
        applied_at=TODAY - dt.timedelta(days=500),
        activist_at=TODAY - dt.timedelta(days=400),
    )
    record = f"/members/{member.id}"
    tomorrow = (TODAY + dt.timedelta(days=1)).isoformat()
    refused = await client.post_form(
        f"{record}/advance",
        {"_form": "advance", "target": "development_target", "on": tomorrow, "note": "支委会"},
        headers={"referer": BASE + record},
    )
    assert refused.status_code == 303 and refused.headers["location"] == record
    page = (await client.get(record)).text
    assert '<p class="field-error" id="on-error">日期不能晚于今天</p>' in page
    assert f'value="{tomorrow}" id="on" aria-invalid="true"' in page
    assert 'value="支委会"' in page
    # Only the refused form of the seven takes the input; the review form's date stays empty.
    assert page.count(f'value="{tomorrow}"') == 1
    assert 'name="reviewed_on" required value=""' in page
    assert (await Member.get(id=member.id)).status == "activist"


async def test_development_and_transfer_steps_answer_with_a_message(
    client: Client, tree: Tree
) -> None:
    await _secretary(client, tree)
    member = await make_member(
        tree.branch_a,
        "activist",
        name="积极分子丙",
        applied_at=TODAY - dt.timedelta(days=500),
        activist_at=TODAY - dt.timedelta(days=400),
    )
    reviewed = await client.post_form(
        f"/members/{member.id}/reviews", {"reviewed_on": TODAY.isoformat(), "summary": "表现良好"}
    )
    assert reviewed.status_code == 303
    assert reviewed.headers["location"] == f"/members/{member.id}#timeline"
    assert "已记录考察意见。" in _flash_region((await client.get(f"/members/{member.id}")).text)
    requested = await client.post_form(
        f"/members/{member.id}/transfers", {"to_org_id": str(tree.branch_x.id), "reason": "调动"}
    )
    slip = requested.headers["location"]
    assert "已提交组织关系转接申请：甲支部 → 外单位支部。" in (await client.get(slip)).text
    approved = await client.post_form(f"{slip}/approve")
    assert approved.status_code == 303
    assert "已同意积极分子丙的组织关系转出。" in _flash_region((await client.get(slip)).text)
    issued = await client.post_form(f"{slip}/issue_letter")
    letter = (await Transfer.get(member_id=member.id)).letter_number
    assert f"已开具介绍信，编号 {letter}。" in (await client.get(issued.headers["location"])).text


async def test_rejecting_a_transfer_asks_first_and_changes_nothing_until_confirmed(
    client: Client, tree: Tree
) -> None:
    await _secretary(client, tree)
    member = await make_member(tree.branch_a, name="转出人")
    requested = await client.post_form(
        f"/members/{member.id}/transfers", {"to_org_id": str(tree.branch_x.id)}
    )
    slip = requested.headers["location"]
    page = (await client.get(slip)).text
    assert 'data-confirm="退回后本转接单即终止' in page
    assert 'class="button button-danger" type="submit">退回</button>' in page
    asked = await client.post_form(f"{slip}/reject", {"reason": "材料不全"})
    assert asked.status_code == 200 and "确定退回？" in asked.text
    assert '<input type="hidden" name="reason" value="材料不全">' in asked.text
    assert '<input type="hidden" name="confirmed" value="1">' in asked.text
    assert (await Transfer.get(member_id=member.id)).state == "requested"
    # A step that would be refused is refused before it asks.
    empty = await client.post_form(f"{slip}/reject", {"reason": ""})
    assert empty.status_code == 400 and "退回时须填写原因" in empty.text
    assert 'name="confirmed"' not in empty.text
    done = await client.post_form(f"{slip}/reject", {"reason": "材料不全", "confirmed": "1"})
    assert done.status_code == 303
    transfer = await Transfer.get(member_id=member.id)
    assert transfer.state == "rejected" and transfer.rejection_reason == "材料不全"
    assert "已退回该转接申请。" in _flash_region((await client.get(slip)).text)


async def test_ending_floating_status_asks_first(client: Client, tree: Tree) -> None:
    await _secretary(client, tree)
    member = await make_member(tree.branch_a, name="外出人", floating=True)
    record = await FloatingRecord.create(
        member_id=member.id,
        direction="outflow",
        certificate_number="LD-1",
        host_place="深圳",
        starts_on=TODAY,
        ends_on=TODAY + dt.timedelta(days=90),
    )
    listing = (await client.get("/members/floating")).text
    assert 'data-confirm="结束后外出人不再作为流动党员' in listing
    asked = await client.post_form(f"/members/floating/{record.id}/end")
    assert asked.status_code == 200 and "确定结束流动？" in asked.text
    assert (await FloatingRecord.get(id=record.id)).ended_at is None
    assert (await Member.get(id=member.id)).floating
    ended = await client.post_form(f"/members/floating/{record.id}/end", {"confirmed": "1"})
    assert ended.status_code == 303 and ended.headers["location"] == "/members/floating"
    assert (await FloatingRecord.get(id=record.id)).ended_at is not None
    assert not (await Member.get(id=member.id)).floating
    assert "已结束外出人的流动党员登记。" in (await client.get("/members/floating")).text
    # Gone: no confirmation for a step that cannot happen.
    again = await client.post_form(f"/members/floating/{record.id}/end")
    assert again.status_code == 404


async def test_extending_probation_asks_only_when_it_can_go_ahead(
    client: Client, tree: Tree
) -> None:
    await _secretary(client, tree)
    member = await make_member(
        tree.branch_a, "probationary", name="预备丁", probation_at=TODAY - dt.timedelta(days=400)
    )
    url = f"/members/{member.id}/extend"
    vote = await make_plenary_vote(tree.branch_a, "extension", member)
    step = {"months": "6", "vote_id": str(vote), "reason": "需继续考察"}
    novote = await client.post_form(url, {**step, "vote_id": ""})
    assert novote.status_code == 400 and 'name="confirmed"' not in novote.text
    asked = await client.post_form(url, step)
    assert asked.status_code == 200 and "确定报批" in asked.text
    assert not await StatusDecision.filter(member_id=member.id).exists()
    reported = await client.post_form(url, {**step, "confirmed": "1"})
    assert reported.status_code == 303
    # Reported, not yet extended: the superior committee approves.
    assert await StatusDecision.filter(member_id=member.id, months=6, state="pending").exists()
    assert not await ProbationExtension.filter(member_id=member.id).exists()
    page = (await client.get(f"/members/{member.id}")).text
    assert "预备丁：延长预备期已报" in _flash_region(page)


async def test_inflow_with_a_bad_id_number_comes_back_in_place(client: Client, tree: Tree) -> None:
    await _secretary(client, tree)
    form = {
        "host_org_id": str(tree.branch_a.id),
        "id_number": "11010119900101001",
        "certificate_number": "LR-9",
        "starts_on": TODAY.isoformat(),
        "ends_on": (TODAY + dt.timedelta(days=30)).isoformat(),
    }
    refused = await client.post_form(
        "/members/floating/inflow", form, headers={"referer": BASE + "/members/floating"}
    )
    assert refused.status_code == 400
    assert await KeptForm.all().count() == 0  # the ID number is never stored
    assert '<p class="field-error" id="id_number-error">身份证号应为 18 位，当前为 17 位</p>' in (
        refused.text
    )
    assert 'value="11010119900101001"' in refused.text and 'value="LR-9"' in refused.text
    assert not await FloatingRecord.filter(certificate_number="LR-9").exists()


async def test_revealing_an_id_number_says_it_was_logged(client: Client, tree: Tree) -> None:
    await _secretary(client, tree)
    member = await make_member(tree.branch_a, name="被查看")
    revealed = await client.post_form(f"/members/{member.id}/reveal", {"reason": "核对"})
    assert revealed.status_code == 200
    assert "已显示完整身份证号，本次查看已记入操作日志。" in _flash_region(revealed.text)
