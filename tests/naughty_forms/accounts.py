"""Accounts and the organization tree: password, org administration, site administration.

Registration, login and the profile's display name are swept by test_naughty_strings.py."""

from __future__ import annotations

from httpx import Response

from forum.models import Org
from forum.seeding import DEMO_PASSWORD
from tests.helpers import Client
from tests.naughty import Form, World, audit_entry, latest, serial


async def fresh_group(world: World) -> None:
    """A new, empty 党小组, renamed or deactivated once per try. It sits under the second
    branch, so its names never clash with the groups the child-org row adds to the first."""
    parent = await Org.get(name="第二党支部")
    group = await Org.create(
        name=f"语料小组 {next(serial)}", kind="group", parent_id=parent.id, path="/pending/"
    )
    await Org.filter(id=group.id).update(path=f"{parent.path}{group.id}/")
    world.ids["group"] = group.id


async def change_password(client: Client, world: World, field: str, value: str) -> Response:
    """Set the password to `value`; when accepted, logging in with exactly `value` must work."""
    current = world.notes.get("password", DEMO_PASSWORD)
    response = await client.post_form(
        "/me/password", {"current_password": current, field: value, "password_confirm": value}
    )
    if response.status_code == 303:
        client.forget_csrf()  # the token rotates with the password
        world.notes["password"] = value
        probe = Client(world.app)
        login = await probe.login("full_member", value)
        await probe.http.aclose()
        assert login.status_code == 303, ("the new password does not log in", value[:60])
    return response


FORMS: dict[str, Form] = {
    "accounts: new password": Form(
        "full_member", lambda w: "/me/password", {"password": None}, send=change_password
    ),
    # The refusal path: a wrong current password changes nothing, whatever the other fields hold.
    "accounts: wrong current password": Form(
        "full_member",
        lambda w: "/me/password",
        {"current_password": None, "password_confirm": None},
        lambda w: {"current_password": "wrong", "password": "x", "password_confirm": "y"},
    ),
    "accounts: rename org": Form(
        "admin",
        lambda w: f"/orgs/{w.ids['group']}/rename",
        {"name": lambda: latest(Org, "name")},
        fresh=fresh_group,
    ),
    "accounts: deactivate org": Form(
        "admin",
        lambda w: f"/orgs/{w.ids['group']}/deactivate",
        {"reason": lambda: latest(audit_entry(), "reason", action="org.deactivated")},
        base=lambda w: {"confirmed": "1"},  # past the confirm page, to the write
        fresh=fresh_group,
    ),
    "accounts: new committee": Form(
        "admin", lambda w: "/admin/orgs", {"name": lambda: latest(Org, "name")}
    ),
    "accounts: new child org": Form(
        "admin",
        lambda w: f"/orgs/{w.ids['branch']}/children",
        {"name": lambda: latest(Org, "name")},
        lambda w: {"kind": "group"},
    ),
    # Usernames are looked up, not stored: a naughty one is "not found" (400), never a 500.
    "accounts: org role": Form(
        "admin",
        lambda w: f"/orgs/{w.ids['branch']}/roles",
        {"username": None},
        lambda w: {"role": "publisher"},
    ),
    "accounts: site role": Form(
        "admin", lambda w: "/admin/roles", {"username": None}, lambda w: {"role": "moderator"}
    ),
}
