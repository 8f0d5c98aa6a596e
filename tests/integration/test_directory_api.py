"""JSON API of the directory: strict input, field-level output, audited reveal."""

from __future__ import annotations

from forum.auditlog import AuditEntry
from tests.factories import make_member, make_person, make_tree
from tests.helpers import Client

VALID_ID = "34052419800101001X"


async def test_api_create_search_record_reveal(client: Client) -> None:
    tree = await make_tree()
    await make_person(tree.branch_a, role="secretary", username="sec")
    await make_person(tree.branch_a, username="peer")
    await client.login("sec")
    body = {
        "org_id": tree.branch_a.id,
        "name": "接口党员",
        "id_number": VALID_ID.lower(),
        "status": "applicant",
        "applied_at": "2020-01-01",
        "phone": "13800000000",
    }
    assert (await client.post_json("/api/v1/members", {**body, "extra": 1})).status_code == 400
    assert (await client.post_json("/api/v1/members", {**body, "org_id": "1"})).status_code == 400
    bad = await client.post_json("/api/v1/members", {**body, "id_number": "340524198001010019"})
    assert bad.status_code == 400 and "校验位" in bad.json()["error"]
    created = await client.post_json("/api/v1/members", body)
    assert created.status_code == 201, created.text
    member_id = created.json()["id"]
    assert created.json()["id_number_masked"] == "340524********001X"
    found = await client.get("/api/v1/members", params={"q": "接口"})
    assert [m["id"] for m in found.json()["items"]] == [member_id]
    assert (await client.get("/api/v1/members", params={"status": "nope"})).status_code == 400
    assert (await client.get("/api/v1/members", params={"bogus": "1"})).status_code == 400
    assert (await client.get("/api/v1/members", params={"limit": "201"})).status_code == 400
    assert (await client.get("/api/v1/members?org=")).status_code == 400
    revealed = await client.post_json(f"/api/v1/members/{member_id}/reveal", {"reason": "核对"})
    assert revealed.json() == {"id_number": VALID_ID}
    assert await AuditEntry.filter(action="member.id_revealed").count() == 1
    stats = await client.get("/api/v1/members/stats", params={"org": tree.branch_a.id})
    assert stats.json()["dimensions"]["status"]["applicant"] == 1

    await client.login("peer")
    record = (await client.get(f"/api/v1/members/{member_id}")).json()
    assert (
        record["name"] == "接口党员" and "phone" not in record and "id_number_masked" not in record
    )
    assert (await client.post_json(f"/api/v1/members/{member_id}/reveal", {})).status_code == 403
    assert (await client.get("/api/v1/members/stats")).status_code == 404


async def test_api_sibling_record_is_404(client: Client) -> None:
    tree = await make_tree()
    target = await make_member(tree.branch_a)
    await make_person(tree.branch_b, role="secretary", username="sib")
    await client.login("sib")
    assert (await client.get(f"/api/v1/members/{target.id}")).status_code == 404
    search = await client.get("/api/v1/members")
    assert target.id not in [m["id"] for m in search.json()["items"]]
