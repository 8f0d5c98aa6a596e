"""Revealing an ID number asks why: the reason is required (HTML form and JSON API), a
missing or too long one is refused at the field (400, never a 500, nothing revealed or
audited), and the audit entry keeps it whole."""

from __future__ import annotations

from forum.auditlog import AuditEntry
from tests.factories import make_member, make_person, make_tree
from tests.helpers import Client


async def test_reveal_form_needs_a_reason(database, services, client: Client) -> None:  # type: ignore[no-untyped-def]
    tree = await make_tree()
    member = await make_member(tree.branch_a, name="李四")
    await make_person(tree.branch_a, username="sec", role="secretary")
    await client.login("sec")
    page = await client.get(f"/members/{member.id}")
    assert 'name="reason" required maxlength="200"' in page.text
    for reason in ("", "   "):
        refused = await client.post_form(f"/members/{member.id}/reveal", {"reason": reason})
        assert refused.status_code == 400
        assert "请填写查看原因" in refused.text and 'id="reveal-error"' in refused.text
        assert member.id_number_hint in refused.text  # still masked
    too_long = await client.post_form(f"/members/{member.id}/reveal", {"reason": "长" * 201})
    assert too_long.status_code == 400 and "不能超过 200 个字" in too_long.text
    assert "长" * 200 in too_long.text  # the typed text is kept
    assert not await AuditEntry.filter(action="member.id_revealed").exists()
    ok = await client.post_form(f"/members/{member.id}/reveal", {"reason": "长" * 200})
    assert ok.status_code == 200 and 'class="id-number revealed"' in ok.text
    entry = await AuditEntry.get(action="member.id_revealed")
    assert entry.reason == "长" * 200


async def test_reveal_api_needs_a_reason(database, services, client: Client) -> None:  # type: ignore[no-untyped-def]
    tree = await make_tree()
    member = await make_member(tree.branch_a)
    await make_person(tree.branch_a, username="sec", role="secretary")
    await client.login("sec")
    url = f"/api/v1/members/{member.id}/reveal"
    for body in ({}, {"reason": ""}, {"reason": "  "}, {"reason": 5}, {"reason": "长" * 201}):
        response = await client.post_json(url, body)
        assert response.status_code == 400, body
        assert "id_number" not in response.text
    assert not await AuditEntry.filter(action="member.id_revealed").exists()
    ok = await client.post_json(url, {"reason": "核对档案"})
    assert ok.status_code == 200 and "id_number" in ok.json()
    assert (await AuditEntry.get(action="member.id_revealed")).reason == "核对档案"
