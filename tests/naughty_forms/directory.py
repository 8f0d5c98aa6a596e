"""Member directory (电子档案): records, development, transfers and floating members."""

from __future__ import annotations

from tests.naughty import (
    Form,
    id_number,
)

FORMS: dict[str, Form] = {
    "directory: new member": Form(
        "secretary",
        lambda w: "/members/new",
        {
            "name": None,
            "ethnicity": None,
            "native_place": None,
            "workplace": None,
            "position": None,
            "archive_location": None,
        },
        lambda w: {
            "org_id": str(w.ids["branch"]),
            "name": "语料党员",
            "id_number": id_number(),
            "status": "applicant",
        },
    ),
    "directory: search": Form("secretary", lambda w: "/members", {"q": None}, method="GET"),
}
