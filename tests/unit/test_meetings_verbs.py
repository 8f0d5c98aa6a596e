"""The meeting part's one verb table: every form of the room posts a verb of the table, and a
verb's arguments read the same from a form as from JSON."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from starlette.datastructures import FormData

from forum.errors import ActionError, NotFound
from realtime.meetings import verbs

TEMPLATES = Path(__file__).parents[2] / "realtime" / "templates" / "meetings"
FORM_ACTION = re.compile(r'action="/meetings/\{\{ meeting\.id \}\}/([^"]+)"')


def test_every_meeting_form_posts_a_verb_of_the_table() -> None:
    posted = {
        verb
        for template in TEMPLATES.rglob("*.html")
        for verb in FORM_ACTION.findall(template.read_text(encoding="utf-8"))
    }
    assert posted - {"checkin/qr"} <= set(verbs.VERBS), sorted(posted - set(verbs.VERBS))
    assert {"cast_ballot", "create_vote", "update_minutes", "raise_hand"} <= posted


def test_unknown_and_old_spellings_are_not_found() -> None:
    for name in ("teleport", "checkin", "hand", "record-attendance", "votes", "minutes"):
        with pytest.raises(NotFound):
            verbs.get_verb(name)


@pytest.mark.parametrize(
    ("name", "form", "data"),
    [
        (
            "record_in_person_count",
            [("vote_id", "7"), ("yes", "3"), ("no", ""), ("abstain", "1")],
            {"vote_id": 7, "yes": 3, "no": 0, "abstain": 1},
        ),
        (
            "cast_ballot",
            [("vote_id", "7"), ("selected", "4"), ("selected", "5")],
            {"vote_id": 7, "selected": [4, 5]},
        ),
        ("lock", [("locked", "1")], {"locked": True}),
        ("mute", [("user_id", "9")], {"user_id": 9}),
        (
            "create_vote",
            [("kind", "motion"), ("title", "议题"), ("candidate_id", ""), ("csrf_token", "t")],
            {"kind": "motion", "title": "议题"},
        ),
    ],
)
def test_a_form_and_json_give_the_same_arguments(
    name: str, form: list[tuple[str, str]], data: dict[str, object]
) -> None:
    verb = verbs.VERBS[name]
    assert verbs.from_form(verb, FormData(form)) == verbs.from_data(verb, data)


def test_json_arguments_are_strict() -> None:
    count = verbs.VERBS["record_in_person_count"]
    for data, field in (
        ({"vote_id": 7, "yes": 1, "no": 0}, "abstain"),  # required over JSON
        ({"vote_id": 7, "yes": True, "no": 0, "abstain": 0}, "yes"),  # a bool is no number
        ({"vote_id": 7, "yes": 100_001, "no": 0, "abstain": 0}, "yes"),  # over the limit
        ({"vote_id": 0, "yes": 1, "no": 0, "abstain": 0}, "vote_id"),
        ({"vote_id": 7, "yes": 1, "no": 0, "abstain": 0, "extra": 1}, "extra"),
    ):
        with pytest.raises(ActionError) as refused:
            verbs.from_data(count, data)
        assert refused.value.field == field, data
    with pytest.raises(ActionError) as refused:
        verbs.from_form(verbs.VERBS["message"], FormData([]))
    assert refused.value.field == "body"
