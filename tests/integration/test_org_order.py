"""Orgs keep an explicit order among their siblings: by kind, then creation, by default;
the parent's admins move them up and down (audited)."""

from __future__ import annotations

import importlib
import re
from types import SimpleNamespace

from tortoise import Tortoise

from forum.auditlog import AuditEntry
from forum.models import Org
from forum.orgs.actions import do_create_org
from tests.factories import make_person
from tests.helpers import Client

LINK_RE = re.compile(r'class="org-link[^"]*"><span class="kind[^"]*">[^<]*</span>([^<]+)</a>')


async def _committee() -> tuple[Org, Org, list[Org]]:
    committee = await do_create_org(None, "示范党委", "committee")
    # Created before the general branch, yet listed after it (a branch ranks after it).
    await do_create_org(committee, "机关党支部", "branch")
    gb = await do_create_org(committee, "第一党总支", "general_branch")
    # Code-point order would be 第一, 第三, 第二 (一 U+4E00 < 三 U+4E09 < 二 U+4E8C).
    branches = [
        await do_create_org(gb, name, "branch")
        for name in ("第一党支部", "第二党支部", "第三党支部")
    ]
    return committee, gb, branches


async def test_tree_lists_orgs_by_kind_then_creation(client: Client) -> None:
    committee, _, branches = await _committee()
    await do_create_org(branches[0], "第一第三党小组", "group")
    await do_create_org(branches[0], "第一第一党小组", "group")
    names = LINK_RE.findall((await client.get("/orgs")).text)
    assert names == [
        "示范党委",
        "第一党总支",
        "第一党支部",
        "第一第三党小组",
        "第一第一党小组",
        "第二党支部",
        "第三党支部",
        "机关党支部",
    ]
    page = (await client.get(f"/orgs/{committee.id}")).text
    assert page.index("第一党总支") < page.index("机关党支部")


async def test_new_general_branch_goes_before_existing_branches(client: Client) -> None:
    committee, _, _ = await _committee()
    late = await do_create_org(committee, "第二党总支", "general_branch")
    children = await Org.filter(parent_id=committee.id).order_by("sort_order", "id")
    assert [c.name for c in children] == ["第一党总支", "第二党总支", "机关党支部"]
    assert [c.sort_order for c in children] == [0, 1, 2]
    assert late.sort_order == 1


async def test_parent_admin_moves_a_branch_up_with_audit_and_message(client: Client) -> None:
    _, gb, branches = await _committee()
    await make_person(gb, role="secretary", username="gb_sec")
    await client.login("gb_sec")
    admin_page = (await client.get(f"/orgs/{gb.id}/admin")).text
    assert f'action="/orgs/{branches[2].id}/reorder"' in admin_page
    response = await client.post_form(f"/orgs/{branches[2].id}/reorder", {"direction": "up"})
    assert response.status_code == 303
    assert response.headers["location"] == f"/orgs/{gb.id}/admin#children"
    page = (await client.get(response.headers["location"])).text
    assert "已调整「第三党支部」的排列顺序" in page
    # The message answers that step once, not every later visit.
    assert "已调整「第三党支部」的排列顺序" not in (await client.get(f"/orgs/{gb.id}/admin")).text
    names = LINK_RE.findall((await client.get("/orgs")).text)
    assert names.index("第三党支部") < names.index("第二党支部")
    assert names.index("第一党支部") < names.index("第三党支部")
    entry = await AuditEntry.get(action="org.reordered")
    assert entry.target_id == str(branches[2].id)
    assert entry.before == {"place": 3} and entry.after == {"place": 2, "direction": "up"}
    # The first cannot move further up: a clear 400, nothing changes.
    refused = await client.post_form(f"/orgs/{branches[0].id}/reorder", {"direction": "up"})
    assert refused.status_code == 400 and "已经排在最前" in refused.text
    bad = await client.post_form(f"/orgs/{branches[0].id}/reorder", {"direction": "sideways"})
    assert bad.status_code == 400
    assert await AuditEntry.filter(action="org.reordered").count() == 1


async def test_branch_secretary_cannot_reorder_own_branch(client: Client) -> None:
    _, gb, branches = await _committee()
    await make_person(branches[1], role="secretary", username="branch_sec")
    await client.login("branch_sec")
    response = await client.post_form(f"/orgs/{branches[1].id}/reorder", {"direction": "up"})
    assert response.status_code == 403
    before = [o.id for o in await Org.filter(parent_id=gb.id).order_by("sort_order", "id")]
    assert before == [b.id for b in branches]


async def test_migration_numbers_existing_siblings_by_kind_then_id(client: Client) -> None:
    committee, gb, _ = await _committee()
    await Org.all().update(sort_order=0)
    migration = importlib.import_module("forum.migrations.0002_org_sort_order")
    await migration.number_siblings(
        None, SimpleNamespace(client=Tortoise.get_connection("default"))
    )
    under_committee = await Org.filter(parent_id=committee.id).order_by("sort_order")
    assert [o.name for o in under_committee] == ["第一党总支", "机关党支部"]
    under_gb = await Org.filter(parent_id=gb.id).order_by("sort_order")
    assert [(o.name, o.sort_order) for o in under_gb] == [
        ("第一党支部", 0),
        ("第二党支部", 1),
        ("第三党支部", 2),
    ]
