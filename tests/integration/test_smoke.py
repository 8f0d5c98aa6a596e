from __future__ import annotations

from tests.factories import make_person, make_tree
from tests.helpers import Client


async def test_login_then_profile_shows_member_org(client: Client) -> None:
    tree = await make_tree()
    await make_person(tree.branch_a, "full", username="zhang")
    await client.login("zhang")
    response = await client.get("/me")
    assert response.status_code == 200
    assert "甲支部" in response.text
