"""The organization tree through HTML and API: create, rename, move, deactivate, roles, scope."""

from __future__ import annotations

import pytest

from forum.auditlog import AuditEntry
from forum.models import Org, OrgRole
from tests.factories import Tree, make_member, make_person, make_user
from tests.helpers import Client


async def _admin(
    client: Client, org: Org, role: str = "org_admin", username: str = "orgadmin"
) -> None:
    await make_person(org, "full", username=username, role=role)
    await client.login(username)


async def test_admin_creates_child_org_with_path_and_audit(client: Client, tree: Tree) -> None:
    await _admin(client, tree.branch_a)
    response = await client.post_form(
        f"/orgs/{tree.branch_a.id}/children", {"name": "甲二小组", "kind": "group"}
    )
    assert response.status_code == 303
    child = await Org.get(name="甲二小组")
    assert (
        child.path == f"{tree.branch_a.path}{child.id}/" and child.depth == tree.branch_a.depth + 1
    )
    entry = await AuditEntry.get(action="org.created")
    assert entry.target_id == str(child.id) and entry.actor_name == "orgadmin"
    assert entry.after == {"name": "甲二小组", "kind": "group", "parent_id": tree.branch_a.id}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": "", "kind": "group"}, "请填写组织名称"),
        ({"name": "名" * 65, "kind": "group"}, "64"),
        ({"name": "x", "kind": "committee"}, "不能设立"),
        ({"name": "x", "kind": "planet"}, "未知的组织类型"),
        ({"name": "甲一小组", "kind": "group"}, "同名"),
    ],
)
async def test_create_child_bad_input_400_writes_nothing(
    client: Client, tree: Tree, data: dict[str, str], message: str
) -> None:
    await _admin(client, tree.branch_a)
    before = await Org.all().count()
    response = await client.post_form(f"/orgs/{tree.branch_a.id}/children", data)
    assert response.status_code == 400 and message in response.text
    assert await Org.all().count() == before
    assert await AuditEntry.all().count() == 0


async def test_move_reparents_whole_subtree_in_one_transaction(client: Client, tree: Tree) -> None:
    await _admin(client, tree.committee, username="cadmin")
    response = await client.post_form(
        f"/orgs/{tree.branch_a.id}/move", {"parent_id": str(tree.gb2.id)}
    )
    assert response.status_code == 303
    branch = await Org.get(id=tree.branch_a.id)
    group = await Org.get(id=tree.group_a1.id)
    assert branch.parent_id == tree.gb2.id
    assert branch.path == f"{tree.gb2.path}{branch.id}/"
    assert group.path == f"{branch.path}{group.id}/" and group.depth == branch.depth + 1
    entry = await AuditEntry.get(action="org.moved")
    assert entry.before == {"parent_id": tree.gb1.id, "path": tree.branch_a.path}


async def test_move_under_own_descendant_is_400_and_changes_nothing(
    client: Client, tree: Tree
) -> None:
    await _admin(client, tree.committee, username="cadmin")
    paths = dict(await Org.all().values_list("id", "path"))
    response = await client.post_form(
        f"/orgs/{tree.gb1.id}/move", {"parent_id": str(tree.branch_a.id)}
    )
    assert response.status_code == 400
    assert "下级组织" in response.text
    assert dict(await Org.all().values_list("id", "path")) == paths
    api = await client.post_json(f"/api/v1/orgs/{tree.gb1.id}/move", {"parent_id": tree.gb1.id})
    assert api.status_code == 400 and "下级" in api.json()["error"]
    assert dict(await Org.all().values_list("id", "path")) == paths
    assert await AuditEntry.filter(action="org.moved").count() == 0


async def test_move_to_incompatible_kind_is_400(client: Client, tree: Tree) -> None:
    await _admin(client, tree.committee, username="cadmin")
    response = await client.post_form(
        f"/orgs/{tree.group_a1.id}/move", {"parent_id": str(tree.gb2.id)}
    )
    assert response.status_code == 400 and "不能设立" in response.text


async def test_move_with_malformed_parent_is_400(client: Client, tree: Tree) -> None:
    await _admin(client, tree.committee, username="cadmin")
    for value in ["", "abc", "-1", "99999999999", "9999999"]:
        response = await client.post_form(f"/orgs/{tree.branch_a.id}/move", {"parent_id": value})
        assert response.status_code == 400, value
        assert "上级组织" in response.text


async def test_sibling_branch_admin_cannot_touch_or_see_admin_page(
    client: Client, tree: Tree
) -> None:
    await _admin(client, tree.branch_b, role="secretary", username="sibsec")
    assert (await client.get(f"/orgs/{tree.branch_a.id}/admin")).status_code == 404
    rename = await client.post_form(f"/orgs/{tree.branch_a.id}/rename", {"name": "被改名"})
    assert rename.status_code == 403
    create = await client.post_form(
        f"/orgs/{tree.branch_a.id}/children", {"name": "x", "kind": "group"}
    )
    assert create.status_code == 403
    assert (await Org.get(id=tree.branch_a.id)).name == "甲支部"
    # Their own branch works.
    assert (await client.get(f"/orgs/{tree.branch_b.id}/admin")).status_code == 200


async def test_member_without_role_cannot_manage(client: Client, tree: Tree) -> None:
    await make_person(tree.branch_a, "full", username="plain")
    await client.login("plain")
    assert (await client.get(f"/orgs/{tree.branch_a.id}/admin")).status_code == 404
    assert (await client.get("/admin")).status_code == 404
    assert (await client.get("/manage")).status_code == 404


async def test_admin_page_lists_only_subtree_members_with_keyset_pages(
    client: Client, tree: Tree
) -> None:
    await _admin(client, tree.branch_a)
    for k in range(55):
        await make_member(tree.group_a1 if k % 2 else tree.branch_a, "full", name=f"甲成员{k:02d}")
    await make_member(tree.branch_b, "full", name="乙成员")
    first = await client.get(f"/orgs/{tree.branch_a.id}/admin")
    assert first.status_code == 200
    assert "乙成员" not in first.text and "甲成员00" in first.text
    assert "after=" in first.text
    cursor = first.text.split("after=")[1].split('"')[0]
    second = await client.get(f"/orgs/{tree.branch_a.id}/admin?after={cursor}")
    assert "甲成员54" in second.text and "甲成员00" not in second.text


async def test_roles_grant_and_end_with_history_and_audit(client: Client, tree: Tree) -> None:
    await _admin(client, tree.branch_a)
    candidate = await make_person(tree.group_a1, "full", username="candidate")
    response = await client.post_form(
        f"/orgs/{tree.branch_a.id}/roles", {"username": "candidate", "role": "secretary"}
    )
    assert response.status_code == 303
    grant = await OrgRole.get(user_id=candidate.id, role="secretary")
    assert grant.ended_at is None and grant.org_id == tree.branch_a.id
    # An irreversible step asks first (without JS: a confirm page that re-posts the form).
    asked = await client.post_form(f"/roles/{grant.id}/end", {"reason": "换届"})
    assert asked.status_code == 200 and "确定让" in asked.text and 'name="confirmed"' in asked.text
    assert 'name="reason" value="换届"' in asked.text
    await grant.refresh_from_db()
    assert grant.ended_at is None
    ended = await client.post_form(f"/roles/{grant.id}/end", {"reason": "换届", "confirmed": "1"})
    assert ended.status_code == 303
    assert "已卸任" in (await client.get(ended.headers["location"])).text
    await grant.refresh_from_db()
    assert grant.ended_at is not None  # kept as history, never deleted
    actions = [e.action for e in await AuditEntry.all().order_by("id")]
    assert actions == ["role.granted", "role.ended"]
    page = await client.get(f"/orgs/{tree.branch_a.id}/admin")
    assert "职务历史" in page.text


async def test_org_roles_only_for_members_of_that_org(client: Client, tree: Tree) -> None:
    await _admin(client, tree.branch_a)
    await make_person(tree.branch_b, "full", username="outsider")
    await make_user("nomember")
    for username in ["outsider", "nomember"]:
        response = await client.post_form(
            f"/orgs/{tree.branch_a.id}/roles", {"username": username, "role": "secretary"}
        )
        assert response.status_code == 400 and "本组织的党员" in response.text
    missing = await client.post_form(
        f"/orgs/{tree.branch_a.id}/roles", {"username": "ghost", "role": "secretary"}
    )
    assert missing.status_code == 400 and "找不到" in missing.text
    site_role = await client.post_form(
        f"/orgs/{tree.branch_a.id}/roles", {"username": "outsider", "role": "site_admin"}
    )
    assert site_role.status_code == 403
    assert await OrgRole.filter(role__in=["secretary", "site_admin"]).count() == 0


async def test_deactivate_refused_while_members_remain(client: Client, tree: Tree) -> None:
    await _admin(client, tree.branch_a)
    await make_member(tree.group_a1, "full")
    refused = await client.post_form(f"/orgs/{tree.group_a1.id}/deactivate", {"reason": "合并"})
    assert refused.status_code == 400 and "仍有党员" in refused.text
    empty = await Org.create(
        name="空小组", kind="group", parent=tree.branch_a, path="/tmp/", depth=3
    )
    empty.path = f"{tree.branch_a.path}{empty.id}/"
    await empty.save()
    asked = await client.post_form(f"/orgs/{empty.id}/deactivate", {"reason": "合并"})
    assert asked.status_code == 200 and "不能恢复" in asked.text
    assert (await Org.get(id=empty.id)).is_active
    ok = await client.post_form(
        f"/orgs/{empty.id}/deactivate", {"reason": "合并", "confirmed": "1"}
    )
    assert ok.status_code == 303
    assert not (await Org.get(id=empty.id)).is_active
    assert await AuditEntry.filter(action="org.deactivated", reason="合并").exists()


async def test_site_admin_creates_committee_and_site_roles(client: Client, tree: Tree) -> None:
    await make_person(None, None, username="root", role="site_admin")
    await client.login("root")
    assert (await client.get("/admin")).status_code == 200
    response = await client.post_form("/admin/orgs", {"name": "新党委"})
    assert response.status_code == 303
    assert (await Org.get(name="新党委")).kind == "committee"
    await make_user("mod")
    assert (
        await client.post_form("/admin/roles", {"username": "mod", "role": "moderator"})
    ).status_code == 303
    assert await OrgRole.filter(role="moderator", org_id__isnull=True).exists()


async def test_org_tree_and_org_page_are_public_with_live_counts(
    client: Client, tree: Tree
) -> None:
    await make_member(tree.branch_a, "full")
    await make_member(tree.group_a1, "probationary")
    await make_member(tree.branch_b, "activist")
    page = await client.get(f"/orgs/{tree.gb1.id}")
    assert page.status_code == 200
    assert "<strong>3</strong>" in page.text
    tree_page = await client.get("/orgs")
    assert "甲一小组" in tree_page.text and "外单位支部" in tree_page.text


async def test_api_org_list_get_create_and_scope(client: Client, tree: Tree) -> None:
    await _admin(client, tree.branch_a)
    listing = (await client.get("/api/v1/orgs")).json()
    by_id = {o["id"]: o for o in listing}
    assert by_id[tree.branch_a.id]["can_manage"] and not by_id[tree.branch_b.id]["can_manage"]
    created = await client.post_json(
        "/api/v1/orgs", {"name": "甲三小组", "kind": "group", "parent_id": tree.branch_a.id}
    )
    assert created.status_code == 201 and created.json()["path"].startswith(tree.branch_a.path)
    denied = await client.post_json(
        "/api/v1/orgs", {"name": "x", "kind": "group", "parent_id": tree.branch_b.id}
    )
    assert denied.status_code == 403
    for bad in [
        {"name": "x"},
        {"name": 1, "kind": "group", "parent_id": tree.branch_a.id},
        {"name": "x", "kind": "group", "parent_id": "1"},
        {"name": "x", "kind": "group", "parent_id": tree.branch_a.id, "extra": 1},
    ]:
        response = await client.post_json("/api/v1/orgs", bad)
        assert response.status_code == 400, bad
        assert "error" in response.json()
    not_json = await client.http.post(
        "/api/v1/orgs",
        content=b"{not json",
        headers={"X-CSRF-Token": await client.csrf(), "content-type": "application/json"},
    )
    assert not_json.status_code == 400


async def test_openapi_documents_the_served_operations(client: Client) -> None:
    spec = (await client.get("/api/v1/openapi.json")).json()
    assert spec["openapi"].startswith("3.")
    assert {"get", "post"} <= set(spec["paths"]["/api/v1/orgs"])
    assert "post" in spec["paths"]["/api/v1/orgs/{org_id}/move"]
