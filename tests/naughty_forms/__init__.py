"""The HTML forms the naughty-string sweep posts to, one module per part.

Each module holds `FORMS: dict[str, Form]` (see tests/naughty.py for Form). A form field a
template renders but no row lists fails tests/integration/test_naughty_forms.py, so a new
field cannot be added without being swept.
"""

from __future__ import annotations

from tests.naughty import Form
from tests.naughty_forms import (
    accounts,
    boards,
    communication,
    development,
    directory,
    learning,
    meetings,
    moderation,
    reviews,
    search,
    tasks,
    transparency,
)

PARTS: dict[str, dict[str, Form]] = {
    "accounts": accounts.FORMS,
    "boards": boards.FORMS,
    "meetings": meetings.FORMS,
    "directory": directory.FORMS,
    "development": development.FORMS,
    "transparency": transparency.FORMS,
    "moderation": moderation.FORMS,
    "reviews": reviews.FORMS,
    "search": search.FORMS,
    "tasks": tasks.FORMS,
    "communication": communication.FORMS,
    "learning": learning.FORMS,
}

# Every (part, form, field) in a fixed order: a field's position chooses its slice of the list.
ALL_FIELDS: list[tuple[str, str, str]] = [
    (part, name, field)
    for part, forms in PARTS.items()
    for name, form in forms.items()
    for field in form.fields
]
