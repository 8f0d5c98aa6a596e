"""The one search (`/search`, a kernel page): every filter is a GET field."""

from __future__ import annotations

from tests.naughty import Form

FORMS: dict[str, Form] = {
    "search: the one search": Form(
        "full_member",
        lambda w: "/search",
        {"q": None, "author": None, "from": None, "to": None},
        method="GET",
    ),
}
