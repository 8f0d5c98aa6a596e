"""Accounts and the organization tree: profile, password, registration, org admin."""

from __future__ import annotations

from tests.naughty import (
    Form,
)

FORMS: dict[str, Form] = {
    "accounts: password": Form(
        "full_member",
        lambda w: "/me/password",
        {"current_password": None, "password": None, "password_confirm": None},
        lambda w: {"current_password": "wrong", "password": "x", "password_confirm": "y"},
    ),
    # Last: an accepted word changes how every later text is screened.
}
