"""Member records: ID validation, encryption at rest, masking, reveal audit, scoping, history."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from tortoise import Tortoise

from forum import crypto
from forum.auditlog import AuditEntry
from forum.errors import ActionError
from forum.members import actions
from forum.members.fields import clean_record
from forum.members.models import MemberChange
from forum.models import Member
from tests.conftest import BACKEND, DATABASE_URL
from tests.factories import make_member, make_person, make_tree, viewer_of
from tests.helpers import Client

VALID_ID = "34052419800101001X"


def record_data(**overrides: str) -> dict[str, str]:
    data = {
        "name": "张三丰",
        "id_number": VALID_ID,
        "status": "full",
        "applied_at": "2000-01-01",
        "activist_at": "2000-06-01",
        "development_target_at": "2001-07-01",
        "probation_at": "2002-01-01",
        "full_at": "2003-01-01",
        "ethnicity": "汉族",
        "education": "本科",
    }
    data.update(overrides)
    return data


def test_id_validation_accepts_valid_and_lowercase_x() -> None:
    record = clean_record(record_data(id_number="34052419800101001x"))
    assert record.id_number.value == VALID_ID
    assert record.id_number.sex == "M"
    assert record.id_number.birth_date.isoformat() == "1980-01-01"


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("340524198001010019", "校验位"),
        ("340524198002300013", "出生日期"),
        ("3405241980010100", "18 位"),
    ],
)
def test_id_validation_errors_name_the_problem(raw: str, message: str) -> None:
    with pytest.raises(ActionError) as info:
        clean_record(record_data(id_number=raw))
    assert message in info.value.message
    assert info.value.field == "id_number"


def test_sex_and_birth_date_cross_checked() -> None:
    with pytest.raises(ActionError, match="性别与身份证号不一致"):
        clean_record(record_data(sex="F"))
    with pytest.raises(ActionError, match="出生日期与身份证号不一致"):
        clean_record(record_data(birth_date="1980-01-02"))
    clean_record(record_data(sex="M", birth_date="1980-01-01"))


def test_milestone_order_and_status_checked() -> None:
    with pytest.raises(ActionError, match="不能早于"):
        clean_record(record_data(activist_at="1999-01-01"))
    with pytest.raises(ActionError, match="须填写转正日期"):
        clean_record(record_data(full_at=""))
    with pytest.raises(ActionError, match="年满 18"):
        clean_record(
            record_data(
                applied_at="1997-01-01",
                activist_at="",
                status="applicant",
                development_target_at="",
                probation_at="",
                full_at="",
            )
        )


async def test_create_member_encrypts_masks_and_audits(database: object) -> None:
    tree = await make_tree()
    admin = await make_person(tree.gb1, role="org_admin")
    viewer = await viewer_of(admin)
    member = await actions.create_member(
        viewer, tree.branch_a, record_data(id_number="34052419800101001x")
    )
    stored = await Member.get(id=member.id)
    assert stored.id_number_hint == "340524********001X"
    assert stored.id_number_encrypted and VALID_ID not in stored.id_number_encrypted
    assert crypto.decrypt(stored.id_number_encrypted) == VALID_ID
    assert stored.sex == "M" and str(stored.birth_date) == "1980-01-01"
    assert await AuditEntry.filter(action="member.created", target_id=str(member.id)).count() == 1
    change = await MemberChange.get(member_id=member.id)
    assert change.kind == "created" and VALID_ID not in str(change.after)
    # Uniqueness via the keyed hash, whatever the case of the X.
    with pytest.raises(ActionError, match="已登记"):
        await actions.create_member(viewer, tree.branch_b, record_data(name="李四"))


async def test_raw_id_never_stored_in_plaintext(database: object) -> None:
    tree = await make_tree()
    admin = await make_person(tree.committee, role="org_admin")
    viewer = await viewer_of(admin)
    member = await actions.create_member(viewer, tree.branch_a, record_data())
    await actions.update_member(viewer, member, {**record_data(), "phone": "13800000000"})
    await actions.reveal_id_number(
        viewer, await Member.get(id=member.id).prefetch_related("org"), "核对"
    )
    if BACKEND == "sqlite":
        # The bytes of the database file (and its WAL), not just what the ORM returns. Read
        # by another process: closing a file descriptor on the database in this process
        # would drop the test connection's POSIX locks, and a later CLI subprocess would
        # then checkpoint and delete the WAL under it (later writes lost to other processes).
        path = Path(DATABASE_URL.removeprefix("sqlite://"))
        files = sorted(str(p) for p in path.parent.glob(path.name + "*"))
        blob = subprocess.run(["cat", *files], capture_output=True, check=True).stdout
    else:
        conn = Tortoise.get_connection("default")
        dumped = []
        for table in ("members", "member_changes", "audit_entries"):
            _, rows = await conn.execute_query(f"SELECT * FROM {table}")  # noqa: S608
            dumped.append(repr([dict(r) for r in rows]))
        blob = "".join(dumped).encode()
    assert b"340524" in blob  # the masked hint is there: the check would see the number
    assert VALID_ID.encode() not in blob
    assert b"19800101001X" not in blob


async def test_update_member_keeps_history_before_after(database: object) -> None:
    tree = await make_tree()
    admin = await make_person(tree.branch_a, role="secretary")
    viewer = await viewer_of(admin)
    member = await actions.create_member(viewer, tree.branch_a, record_data())
    member = await Member.get(id=member.id).prefetch_related("org", "group")
    await actions.update_member(viewer, member, {**record_data(), "workplace": "县农业局"})
    change = await MemberChange.filter(member_id=member.id, kind="updated").get()
    assert change.before == {"workplace": ""}
    assert change.after == {"workplace": "县农业局"}
    assert change.actor_id == admin.id
    audit = await AuditEntry.get(action="member.updated", target_id=str(member.id))
    assert audit.after == {"workplace": "县农业局"}


async def test_record_page_fields_by_policy_and_sibling_404(client: Client) -> None:
    tree = await make_tree()
    target = await make_member(tree.branch_a, name="王五", phone="13912345678", id_number=VALID_ID)
    await make_person(tree.branch_a, username="colleague")
    await make_person(tree.branch_b, username="sibling")
    await make_person(tree.gb1, role="org_admin", username="gbadmin")
    await make_person(tree.branch_b, role="secretary", username="sibsec")

    await client.login("colleague")
    page = await client.get(f"/members/{target.id}")
    assert page.status_code == 200
    assert "王五" in page.text and "甲支部" in page.text
    assert "13912345678" not in page.text and "340524" not in page.text

    await client.login("sibling")
    assert (await client.get(f"/members/{target.id}")).status_code == 404
    await client.login("sibsec")
    assert (await client.get(f"/members/{target.id}")).status_code == 404
    response = await client.post_form(f"/members/{target.id}/reveal", {"reason": "核对"})
    assert response.status_code == 404
    assert await AuditEntry.filter(action="member.id_revealed").count() == 0

    await client.login("gbadmin")
    page = await client.get(f"/members/{target.id}")
    assert "13912345678" in page.text
    assert "340524********001X" in page.text and VALID_ID not in page.text
    revealed = await client.post_form(f"/members/{target.id}/reveal", {"reason": "核对"})
    assert revealed.status_code == 200 and VALID_ID in revealed.text
    await client.post_form(f"/members/{target.id}/reveal", {"reason": "再次核对"})
    entries = await AuditEntry.filter(action="member.id_revealed").order_by("id")
    assert [e.target_id for e in entries] == [str(target.id)] * 2
    assert entries[0].reason == "核对" and entries[0].actor_name == "gbadmin"
    assert VALID_ID not in str(entries[0].after)


async def test_member_cannot_reveal_own_id(client: Client) -> None:
    tree = await make_tree()
    user = await make_person(tree.branch_a, username="self", id_number=VALID_ID)
    member = await Member.get(user_id=user.id)
    await client.login("self")
    page = await client.get(f"/members/{member.id}")
    assert "340524********001X" in page.text and "查看完整号码" not in page.text
    response = await client.post_form(f"/members/{member.id}/reveal", {"reason": "看看"})
    assert response.status_code == 403


async def test_create_member_form_shows_chinese_error(client: Client) -> None:
    tree = await make_tree()
    await make_person(tree.branch_a, role="secretary", username="sec")
    await client.login("sec")
    data = {**record_data(id_number="340524198001010019"), "org_id": str(tree.branch_a.id)}
    response = await client.post_form("/members/new", data)
    assert response.status_code == 400
    assert "身份证号校验位不正确" in response.text
    assert await Member.filter(name="张三丰").count() == 0
    data["id_number"] = VALID_ID
    response = await client.post_form("/members/new", data)
    assert response.status_code == 303
    member = await Member.get(name="张三丰")
    assert re.search(rf"/members/{member.id}", response.headers["location"])
    # Outside the secretary's scope: the sibling branch.
    data.update(org_id=str(tree.branch_b.id), id_number="110101199001010015", name="赵六")
    response = await client.post_form("/members/new", data)
    assert response.status_code in {403, 400}
    assert await Member.filter(name="赵六").count() == 0


async def test_edit_form_refuses_with_the_form_and_checks_birth_date(client: Client) -> None:
    """A refused edit shows the form again (it used to be a 500: the page needs the status),
    and a birth date given with the ID number left blank is checked against the stored
    number instead of being silently dropped."""
    tree = await make_tree()
    await make_person(tree.branch_a, role="secretary", username="sec")
    await client.login("sec")
    data = {**record_data(), "org_id": str(tree.branch_a.id)}
    assert (await client.post_form("/members/new", data)).status_code == 303
    member = await Member.get(name="张三丰")
    url = f"/members/{member.id}/edit"
    edit = {**data, "id_number": "", "sex": "", "birth_date": ""}
    response = await client.post_form(url, {**edit, "name": "张" * 33})
    assert response.status_code == 400 and "姓名不能超过 32 个字符" in response.text
    response = await client.post_form(url, {**edit, "birth_date": "1980-01-02"})
    assert response.status_code == 400 and "出生日期与身份证号不一致" in response.text
    assert await MemberChange.filter(member_id=member.id, kind="updated").count() == 0
    kept = {**edit, "id_number": " ", "birth_date": "1980-01-01", "workplace": "县农业局"}
    assert (await client.post_form(url, kept)).status_code == 303
    stored = await Member.get(id=member.id)
    assert stored.workplace == "县农业局" and str(stored.birth_date) == "1980-01-01"
    assert actions.stored_id_number(stored) == VALID_ID


async def test_a_member_changes_branch_only_through_a_transfer(client: Client) -> None:
    """An admin over both branches cannot move a member with the edit form (no letter, no
    record on either side); moving to a 党小组 of the same branch stays an edit."""
    tree = await make_tree()
    await make_person(tree.gb1, role="org_admin", username="gb_admin")
    await client.login("gb_admin")
    data = {**record_data(), "org_id": str(tree.branch_a.id)}
    assert (await client.post_form("/members/new", data)).status_code == 303
    member = await Member.get(name="张三丰")
    url = f"/members/{member.id}/edit"
    keep_id = {**data, "id_number": "", "sex": "", "birth_date": ""}
    moved = await client.post_form(url, {**keep_id, "org_id": str(tree.branch_b.id)})
    assert moved.status_code == 400 and "组织关系接转" in moved.text
    stored = await Member.get(id=member.id)
    assert stored.org_id == tree.branch_a.id
    assert await MemberChange.filter(member_id=member.id, kind="updated").count() == 0
    assert not await AuditEntry.filter(action="member.updated").exists()
    grouped = await client.post_form(url, {**keep_id, "group_id": str(tree.group_a1.id)})
    assert grouped.status_code == 303
    stored = await Member.get(id=member.id)
    assert stored.org_id == tree.branch_a.id and stored.group_id == tree.group_a1.id
