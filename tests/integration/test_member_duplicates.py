"""Duplicate ID numbers (重复档案核查): a create or import never tells the creator that a
number is registered in a record it may not see; the org above both records resolves it."""

from __future__ import annotations

import re
from typing import Any

import httpx

from forum import crypto
from forum.auditlog import AuditEntry
from forum.members import duplicates
from forum.members.models import DuplicateCase, MemberChange
from forum.models import Member
from forum.notifications import Notification
from tests.factories import make_member, make_person, make_tree, viewer_of
from tests.helpers import Client

TAKEN = "110101199001010015"  # registered in branch A (甲支部)
TAKEN_API = "110101199106060019"
TAKEN_IMPORT = "110101199207070013"
FRESH = ("110101199002020012", "110101199004040017", "110101199005050014", "11010119900303001X")


def _form(org_id: int, number: str) -> dict[str, str]:
    return {"name": "张三丰", "id_number": number, "status": "applicant", "org_id": str(org_id)}


def _shape(response: httpx.Response) -> str:
    """The page with every digit dropped (ids, masked numbers, birth dates, times)."""
    text = re.sub(r"\d", "", response.text)
    return re.sub(r'name="csrf_token" value="[^"]*"', "", text)


def _json_shape(data: dict[str, Any]) -> dict[str, Any]:
    drop = {
        "id",
        "id_number",
        "id_number_masked",
        "birth_date",
        "sex",
        "age",
        "created_at",
        "updated_at",
    }
    return {k: v for k, v in data.items() if k not in drop}


def _csv(name: str, number: str) -> bytes:
    return f"\ufeff姓名,身份证号,状态\n{name},{number},入党申请人\n".encode()


async def _upload(client: Client, org_id: int, name: str, number: str) -> httpx.Response:
    files = {"file": ("m.csv", _csv(name, number), "text/csv")}
    token = await client.csrf()
    return await client.http.post(
        "/members/import", data={"csrf_token": token, "org_id": str(org_id)}, files=files
    )


async def test_create_and_import_answer_alike_and_the_committee_resolves(
    client: Client, other_client: Client
) -> None:
    tree = await make_tree()
    existing = await make_member(tree.branch_a, id_number=TAKEN, name="原档案")
    existing_api = await make_member(tree.branch_a, id_number=TAKEN_API, name="原档案二")
    existing_import = await make_member(tree.branch_a, id_number=TAKEN_IMPORT, name="原档案三")
    await make_person(tree.branch_b, role="secretary", username="sibsec")
    await make_person(tree.branch_a, role="secretary", username="asec")
    gb1_leader = await make_person(tree.gb1, role="secretary", username="gbsec")
    await make_person(tree.committee, role="org_admin", username="cadmin")
    await client.login("sibsec")
    await client.get("/members")  # the welcome flash

    # (a) a fresh number, (b) the number registered in branch A: the same answers.
    fresh = await client.post_form("/members/new", _form(tree.branch_b.id, FRESH[0]))
    page_fresh = await client.get(fresh.headers["location"])
    taken = await client.post_form("/members/new", _form(tree.branch_b.id, TAKEN))
    page_taken = await client.get(taken.headers["location"])
    assert fresh.status_code == taken.status_code == 303
    assert re.sub(r"\d+", "", fresh.headers["location"]) == re.sub(
        r"\d+", "", taken.headers["location"]
    )
    assert page_fresh.status_code == page_taken.status_code == 200
    assert _shape(page_fresh) == _shape(page_taken)
    for hint in ("已登记", "重复", "其他党员档案"):
        assert hint not in page_taken.text

    api_fresh = await client.post_json(
        "/api/v1/members",
        {"name": "李四", "id_number": FRESH[1], "status": "applicant", "org_id": tree.branch_b.id},
    )
    api_taken = await client.post_json(
        "/api/v1/members",
        {"name": "李四", "id_number": TAKEN_API, "status": "applicant", "org_id": tree.branch_b.id},
    )
    assert api_fresh.status_code == api_taken.status_code == 201, api_taken.text
    assert _json_shape(api_fresh.json()) == _json_shape(api_taken.json())

    up_fresh = await _upload(client, tree.branch_b.id, "王五", FRESH[2])
    report_fresh = await client.get(up_fresh.headers["location"])
    up_taken = await _upload(client, tree.branch_b.id, "王五", TAKEN_IMPORT)
    report_taken = await client.get(up_taken.headers["location"])
    assert up_fresh.status_code == up_taken.status_code == 303
    assert _shape(report_fresh) == _shape(report_taken)
    ran_fresh = await client.post_form(up_fresh.headers["location"] + "/run")
    done_fresh = await client.get(up_fresh.headers["location"])
    ran_taken = await client.post_form(up_taken.headers["location"] + "/run")
    done_taken = await client.get(up_taken.headers["location"])
    assert ran_fresh.status_code == ran_taken.status_code == 303
    assert _shape(done_fresh) == _shape(done_taken)
    for number, names in ((TAKEN, ["原档案", "张三丰"]), (TAKEN_API, ["原档案二", "李四"])):
        holders = await Member.filter(id_number_hash=crypto.lookup_hash(number)).order_by("id")
        assert [m.name for m in holders] == names
    holders = await Member.filter(id_number_hash=crypto.lookup_hash(TAKEN_IMPORT)).order_by("id")
    assert [m.name for m in holders] == ["原档案三", "王五"]

    # Three cases, at the lowest org above both records (第一党总支), seen only there.
    ids = [existing.id, existing_api.id, existing_import.id]
    cases = await DuplicateCase.filter(existing_id__in=ids).order_by("id")
    assert [c.existing_id for c in cases] == ids
    assert len(cases) == 3 and {c.org_id for c in cases} == {tree.gb1.id}
    assert await Notification.filter(user_id=gb1_leader.id, kind="member.duplicate").count() == 3
    gb1_viewer = await viewer_of(gb1_leader)
    assert (await duplicates.load_todo(gb1_viewer, 10)).count == 3
    for who in ("sibsec", "asec"):
        await client.login(who)
        assert (await client.get("/members/duplicates")).status_code in {200, 404}
        assert "原档案" not in (await client.get("/members/duplicates")).text
        assert (await client.get(f"/members/duplicates/{cases[0].id}")).status_code == 404
        refused = await client.post_form(
            f"/members/duplicates/{cases[0].id}/merge", {"keep": str(existing.id), "confirmed": "1"}
        )
        assert refused.status_code == 404
        assert (await client.get("/api/v1/members/duplicates")).status_code in {200, 404}
    assert await DuplicateCase.filter(state="open").count() >= 3

    # The committee (above 第一党总支) resolves: merge by HTML (with a confirmation)...
    await other_client.login("cadmin")
    listing = await other_client.get("/members/duplicates")
    assert listing.status_code == 200 and "原档案" in listing.text
    assert (await other_client.get(f"/members/duplicates/{cases[0].id}")).status_code == 200
    no_keep = await other_client.post_form(
        f"/members/duplicates/{cases[0].id}/merge", {"keep": "", "_form": "merge"}
    )
    assert no_keep.status_code == 400 and "请选择要保留的档案" in no_keep.text
    ask = await other_client.post_form(
        f"/members/duplicates/{cases[0].id}/merge", {"keep": str(existing.id)}
    )
    assert ask.status_code == 200 and "确定合并" in ask.text
    assert await Member.filter(id=cases[0].member_id, duplicate_of_id__isnull=False).count() == 0
    merged = await other_client.post_form(
        f"/members/duplicates/{cases[0].id}/merge", {"keep": str(existing.id), "confirmed": "1"}
    )
    assert merged.status_code == 303
    marked = await Member.get(id=cases[0].member_id)
    assert marked.duplicate_of_id == existing.id  # kept, marked 重复档案, nothing deleted
    assert await MemberChange.filter(member_id=marked.id, kind="duplicate").count() == 1
    assert await MemberChange.filter(member_id=existing.id, kind="duplicate").count() == 1
    paths = set(
        await AuditEntry.filter(
            action="member.duplicate_merged", target_id=str(cases[0].id)
        ).values_list("org_path", flat=True)
    )
    assert {tree.branch_a.path, tree.branch_b.path} <= paths
    again = await other_client.post_form(
        f"/members/duplicates/{cases[0].id}/merge", {"keep": str(existing.id), "confirmed": "1"}
    )
    assert again.status_code == 400 and "已处理" in again.text

    # ... and dismiss by JSON (a note is required).
    url = f"/api/v1/members/duplicates/{cases[1].id}/dismiss"
    bare = await other_client.post_json(url, {"note": " "})
    assert bare.status_code == 400 and bare.json()["field"] == "note"
    ok = await other_client.post_json(url, {"note": "核对户籍：两人，录入方号码有误"})
    assert ok.status_code == 200 and ok.json()["state"] == "dismissed"
    listed = await other_client.get("/api/v1/members/duplicates")
    assert [c["id"] for c in listed.json()["items"]] == [cases[2].id]
    merge_api = await other_client.post_json(
        f"/api/v1/members/duplicates/{cases[2].id}/merge", {"keep": cases[2].member_id}
    )
    assert merge_api.status_code == 200 and merge_api.json()["kept_id"] == cases[2].member_id
    assert (await Member.get(id=existing_import.id)).duplicate_of_id == cases[2].member_id
    assert (await duplicates.load_todo(gb1_viewer, 10)).count == 0

    # A number stands for the first record not marked 重复档案 (floating inflows).
    holder = await duplicates.holder_of(crypto.lookup_hash(TAKEN))
    assert holder is not None and holder.id == existing.id
    holder = await duplicates.holder_of(crypto.lookup_hash(TAKEN_IMPORT))
    assert holder is not None and holder.name == "王五"


async def test_who_may_see_the_existing_record_is_refused_at_the_field(client: Client) -> None:
    tree = await make_tree()
    await make_member(tree.branch_a, id_number=TAKEN)
    await make_person(tree.gb1, role="org_admin", username="gbadmin2", status=None)
    await client.login("gbadmin2")
    response = await client.post_form("/members/new", _form(tree.branch_b.id, TAKEN))
    assert response.status_code == 400 and "已登记在其他党员档案中" in response.text
    api = await client.post_json(
        "/api/v1/members",
        {"name": "李四", "id_number": TAKEN, "status": "applicant", "org_id": tree.branch_b.id},
    )
    assert api.status_code == 400 and api.json()["field"] == "id_number"
    upload = await _upload(client, tree.branch_b.id, "王五", TAKEN)
    report = await client.get(upload.headers["location"])
    assert "已登记" in report.text
    assert await Member.filter(id_number_hash=crypto.lookup_hash(TAKEN)).count() == 1
    assert await DuplicateCase.all().count() >= 0


async def test_no_common_org_goes_to_the_site_admin(client: Client) -> None:
    tree = await make_tree()
    existing = await make_member(tree.branch_x, id_number=FRESH[3])
    await make_person(tree.branch_b, role="secretary", username="sibsec3")
    await client.login("sibsec3")
    assert (
        await client.post_form("/members/new", _form(tree.branch_b.id, FRESH[3]))
    ).status_code == 303
    case = await DuplicateCase.get(existing_id=existing.id)
    assert case.org_id is None
    admin = await viewer_of(await make_person(None, None, role="site_admin"))
    assert [c.id for c in await duplicates.cases_for(admin)] >= [case.id]


async def test_a_merged_duplicate_is_counted_once_in_statistics_and_on_the_roll(
    database: object,
) -> None:
    """A record marked 重复档案 is the same person as the kept one: the statistics and the
    meeting roll (应到) count that person once."""
    from forum.members import stats
    from realtime.meetings import queries
    from tests.integration.meetings_fixtures import live_plenary, make_branch

    branch = await make_branch(voters=3)
    kept = await Member.get(user_id=branch.voters[1].id)
    copy = await make_member(branch.tree.branch_a, "full", name=kept.name)
    before = await stats.compute(branch.tree.committee)
    headline = await stats.headline(branch.tree.branch_a)
    assert (await queries.attendance(await live_plenary(branch))).expected_voters == 4
    await Member.filter(id=copy.id).update(duplicate_of_id=kept.id)
    after = await stats.compute(branch.tree.committee)
    assert after.total == before.total - 1
    assert (await stats.headline(branch.tree.branch_a)).members == headline.members - 1
    assert (await queries.attendance(await live_plenary(branch))).expected_voters == 3
