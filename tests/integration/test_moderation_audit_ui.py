"""Audit log UI: scoped by org subtree, filters, keyset pagination, CSV export, JSON API."""

from __future__ import annotations

import csv
import io

from tortoise.transactions import in_transaction

from forum import audit
from forum.policy import Viewer
from moderation import audit_queries
from tests.factories import make_person, make_tree, viewer_of
from tests.helpers import Client


async def _seed() -> tuple[object, Viewer]:
    tree = await make_tree()
    actor_user = await make_person(None, None, username="auditor_actor")
    actor = await viewer_of(actor_user)
    async with in_transaction():
        await audit.record(
            actor,
            "org.rename",
            "org",
            tree.branch_a.id,
            org_path=tree.branch_a.path,
            reason="甲改名",
        )
        await audit.record(
            actor, "member.status", "member", 7, org_path=tree.group_a1.path, reason="转正"
        )
        await audit.record(
            actor,
            "org.rename",
            "org",
            tree.branch_b.id,
            org_path=tree.branch_b.path,
            reason="乙改名",
        )
        await audit.record(actor, "settings.change", "site", "", org_path="", reason="全站设置=1")
    return tree, actor


async def test_org_admin_sees_only_own_subtree(database, services, client: Client) -> None:  # type: ignore[no-untyped-def]
    tree, _ = await _seed()
    admin = await make_person(tree.branch_a, username="sec_a", role="secretary")
    await client.login(admin.username)
    page = await client.get("/moderation/audit")
    assert page.status_code == 200
    assert "甲改名" in page.text and "转正" in page.text
    assert "乙改名" not in page.text and "全站设置" not in page.text
    # The org filter offers the viewer's subtree only.
    assert f'value="{tree.group_a1.path}"' in page.text
    assert f'value="{tree.branch_b.path}"' not in page.text
    api = await client.get("/api/v1/moderation/audit")
    assert sorted(e["reason"] for e in api.json()["entries"]) == ["甲改名", "转正"]
    # Asking for a sibling's path does not widen the scope.
    api = await client.get("/api/v1/moderation/audit", params={"org": tree.branch_b.path})
    assert api.json()["entries"] == []


async def test_site_admin_sees_all_and_filters(database, services, client: Client) -> None:  # type: ignore[no-untyped-def]
    tree, _ = await _seed()
    admin = await make_person(None, None, username="root_admin", role="site_admin")
    await client.login(admin.username)
    entries = (await client.get("/api/v1/moderation/audit")).json()["entries"]
    assert len(entries) == 4
    by_action = (
        await client.get("/api/v1/moderation/audit", params={"action": "org.rename"})
    ).json()
    assert {e["reason"] for e in by_action["entries"]} == {"甲改名", "乙改名"}
    by_org = (await client.get("/api/v1/moderation/audit", params={"org": tree.gb1.path})).json()
    assert len(by_org["entries"]) == 3
    by_actor = (await client.get("/api/v1/moderation/audit", params={"actor": "nobody"})).json()
    assert by_actor["entries"] == []
    by_q = (await client.get("/api/v1/moderation/audit", params={"q": "转正"})).json()
    assert [e["reason"] for e in by_q["entries"]] == ["转正"]
    future = (await client.get("/api/v1/moderation/audit", params={"from": "2999-01-01"})).json()
    assert future["entries"] == []
    today = (
        await client.get(
            "/api/v1/moderation/audit", params={"from": "2000-01-01", "to": "2999-12-31"}
        )
    ).json()
    assert len(today["entries"]) == 4
    assert (
        await client.get("/api/v1/moderation/audit", params={"from": "昨天"})
    ).status_code == 400
    assert (await client.get("/manage/audit")).status_code == 200


async def test_member_cannot_see_audit(database, services, client: Client) -> None:  # type: ignore[no-untyped-def]
    tree, _ = await _seed()
    member = await make_person(tree.branch_a, username="plain_member")
    await client.login(member.username)
    assert (await client.get("/moderation/audit")).status_code == 404
    assert (await client.get("/moderation/audit.csv")).status_code == 404
    assert (await client.get("/api/v1/moderation/audit")).status_code == 404


async def test_keyset_pagination_walks_every_entry_once(site_admin, services, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    await _seed()
    monkeypatch.setattr(audit_queries, "PAGE_SIZE", 3)
    first, cursor = await audit_queries.search(site_admin, audit_queries.AuditFilter())
    assert len(first) == 3 and cursor == first[-1].id
    second, cursor2 = await audit_queries.search(
        site_admin, audit_queries.AuditFilter(), before=cursor
    )
    assert len(second) == 1 and cursor2 is None
    ids = [e.id for e in first + second]
    assert ids == sorted(ids, reverse=True) and len(set(ids)) == 4


async def test_csv_export_is_scoped_and_neutralises_formulas(
    database, services, client: Client
) -> None:  # type: ignore[no-untyped-def]
    tree, actor = await _seed()
    async with in_transaction():
        await audit.record(
            actor, "org.rename", "org", 1, org_path=tree.branch_a.path, reason="=HYPERLINK(1)"
        )
    admin = await make_person(tree.branch_a, username="sec_csv", role="secretary")
    await client.login(admin.username)
    response = await client.get("/moderation/audit.csv", params={"action": "org.rename"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    text = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][0] == "id" and rows[0][3] == "操作"
    reasons = sorted(r[7] for r in rows[1:])
    assert reasons == ["'=HYPERLINK(1)", "甲改名"]


async def test_dates_at_the_ends_of_the_calendar_are_refused_not_500(
    database, services, client: Client
) -> None:  # type: ignore[no-untyped-def]
    """The last day has no next day and the first has no UTC midnight: 400, not an overflow."""
    admin = await make_person(None, None, username="root_admin", role="site_admin")
    await client.login(admin.username)
    for params in ({"to": "9999-12-31"}, {"from": "9999-12-31"}, {"from": "0001-01-01"}):
        for url in ("/moderation/audit", "/api/v1/moderation/audit", "/moderation/audit.csv"):
            response = await client.get(url, params=params)
            assert response.status_code == 400 and "超出范围" in response.text, (url, params)
    ok = await client.get("/moderation/audit", params={"from": "0001-01-02", "to": "9999-12-30"})
    assert ok.status_code == 200
