"""Every action answers (forum.answers), through real forms: a success message that survives
the redirect once, a refused form back in place with its input and the message at the field,
and a confirmation before an irreversible step, without JS."""

from __future__ import annotations

import io
import re

from starlette.datastructures import FormData, UploadFile

from forum import answers
from forum.answers import KeptForm
from forum.models import Org, OrgRole
from tests.factories import Tree, make_member, make_person
from tests.helpers import Client

BASE = "http://testserver"


async def _admin(client: Client, org: Org) -> None:
    await make_person(org, "full", username="orgadmin", role="org_admin")
    await client.login("orgadmin")


def _flash_region(page: str) -> str:
    match = re.search(r'<div class="flashes" data-flashes>(.*?)</div>\s*</div>', page, re.S)
    assert match, "every page has the flash regions"
    return match.group(1)


async def test_a_success_message_is_shown_once_after_the_redirect(
    client: Client, tree: Tree
) -> None:
    await _admin(client, tree.branch_a)
    renamed = await client.post_form(
        f"/orgs/{tree.branch_a.id}/rename", {"name": "第一党支部（新）"}
    )
    assert renamed.status_code == 303
    page = (await client.get(renamed.headers["location"])).text
    region = _flash_region(page)
    assert "已更名为「第一党支部（新）」" in region
    assert 'role="status" aria-live="polite"' in page
    again = (await client.get(renamed.headers["location"])).text
    assert "已更名为" not in _flash_region(again)


async def test_a_refused_form_comes_back_with_its_input_and_the_message_at_the_field(
    client: Client, tree: Tree
) -> None:
    await _admin(client, tree.branch_a)
    admin_page = f"/orgs/{tree.branch_a.id}/admin"
    refused = await client.post_form(
        f"/orgs/{tree.branch_a.id}/roles",
        {"username": "nobody-<b>", "role": "publisher"},
        headers={"referer": BASE + admin_page},
    )
    # A browser's form post goes back to its page: no full-page 400.
    assert refused.status_code == 303 and refused.headers["location"] == admin_page
    assert await KeptForm.all().count() == 1
    page = (await client.get(admin_page)).text
    # The input is kept (escaped), the message is at the field and in the summary.
    assert 'value="nobody-&lt;b&gt;"' in page
    assert '<p class="field-error" id="username-error">找不到该用户名</p>' in page
    assert 'aria-invalid="true" aria-describedby="username-error"' in page
    assert '<option value="publisher" selected>' in page
    assert '<a href="#username">找不到该用户名</a>' in _flash_region(page)
    # Shown once: the kept input is gone afterwards, and nothing was granted.
    assert await KeptForm.all().count() == 0
    assert "nobody-&lt;b&gt;" not in (await client.get(admin_page)).text
    assert not await OrgRole.filter(role="publisher").exists()


async def test_several_forms_on_one_page_keep_only_the_refused_ones_input(
    client: Client, tree: Tree
) -> None:
    await _admin(client, tree.branch_a)
    admin_page = f"/orgs/{tree.branch_a.id}/admin"
    too_long = "长" * 201
    refused = await client.post_form(
        f"/orgs/{tree.branch_a.id}/children",
        {"_form": "children", "name": too_long, "kind": "group"},
        headers={"referer": BASE + admin_page},
    )
    assert refused.status_code == 303
    page = (await client.get(admin_page)).text
    assert page.count(too_long) == 1  # in the new-child form, not in the rename form
    assert f'value="{tree.branch_a.name}"' in page  # the rename form keeps its own default


async def test_without_a_referer_or_from_another_site_the_error_page_answers(
    client: Client, tree: Tree
) -> None:
    await _admin(client, tree.branch_a)
    plain = await client.post_form(f"/orgs/{tree.branch_a.id}/roles", {"username": "ghost"})
    assert plain.status_code == 400 and "找不到该用户名" in plain.text
    foreign = await client.post_form(
        f"/orgs/{tree.branch_a.id}/roles",
        {"username": "ghost"},
        headers={"referer": "https://evil.example/orgs/1/admin"},
    )
    assert foreign.status_code == 400
    assert await KeptForm.all().count() == 0
    # The JSON API keeps its JSON errors, whatever the Referer says.
    api = await client.post_json(
        "/api/v1/orgs",
        {"parent_id": tree.branch_a.id, "name": "", "kind": "group"},
        headers={"referer": BASE + f"/orgs/{tree.branch_a.id}/admin"},
    )
    assert api.status_code == 400 and api.headers["content-type"].startswith("application/json")
    assert "error" in api.json()


def test_kept_input_never_holds_passwords_tokens_or_files() -> None:
    form = FormData(
        [
            ("csrf_token", "t"),
            ("current_password", "secret-1"),
            ("password", "secret-2"),
            ("confirmed", "1"),
            ("file", UploadFile(io.BytesIO(b"x"), filename="a.png")),
            ("tags", "a"),
            ("tags", "b"),
            ("title", "标题"),
        ]
    )
    assert answers._keepable(form) == {"tags": ["a", "b"], "title": "标题"}


async def test_a_kept_form_is_shown_on_its_own_page_only(client: Client, tree: Tree) -> None:
    await _admin(client, tree.branch_a)
    # A kept form is shown on its own page only.
    await client.post_form(
        f"/orgs/{tree.branch_a.id}/roles",
        {"username": "ghost-elsewhere"},
        headers={"referer": BASE + f"/orgs/{tree.branch_a.id}/admin"},
    )
    other = (await client.get(f"/orgs/{tree.branch_a.id}")).text
    assert "ghost-elsewhere" not in other
    assert "ghost-elsewhere" not in (await client.get(f"/orgs/{tree.branch_a.id}/admin")).text


async def test_an_irreversible_step_asks_first_and_the_confirm_page_reposts_the_form(
    client: Client, tree: Tree
) -> None:
    await _admin(client, tree.branch_a)
    empty = await Org.create(name="空小组", kind="group", parent=tree.branch_a, path="/", depth=3)
    empty.path = f"{tree.branch_a.path}{empty.id}/"
    await empty.save()
    asked = await client.post_form(f"/orgs/{empty.id}/deactivate", {"reason": "合并"})
    assert asked.status_code == 200
    assert "确定撤销" in asked.text and 'class="button button-danger"' in asked.text
    assert f'action="/orgs/{empty.id}/deactivate"' in asked.text
    assert '<input type="hidden" name="reason" value="合并">' in asked.text
    assert '<input type="hidden" name="confirmed" value="1">' in asked.text
    assert (await Org.get(id=empty.id)).is_active
    confirmed = await client.post_form(
        f"/orgs/{empty.id}/deactivate", {"reason": "合并", "confirmed": "1"}
    )
    assert confirmed.status_code == 303
    assert not (await Org.get(id=empty.id)).is_active
    assert "已撤销组织「空小组」" in (await client.get(confirmed.headers["location"])).text


async def test_a_step_that_would_be_refused_is_refused_before_it_asks(
    client: Client, tree: Tree
) -> None:
    await _admin(client, tree.branch_a)
    # group_a1 still has members: no confirm page for a step that cannot happen.
    await make_member(tree.group_a1, "full")
    refused = await client.post_form(f"/orgs/{tree.group_a1.id}/deactivate", {"reason": "合并"})
    assert refused.status_code == 400 and "仍有党员" in refused.text
    assert 'name="confirmed"' not in refused.text
