"""Meetings: scheduling, the room (messages, votes, leave) and minutes forms."""

from __future__ import annotations

from tests.naughty import (
    Form,
    latest,
    meetings_models,
)

FORMS: dict[str, Form] = {
    "meetings: schedule": Form(
        "secretary",
        lambda w: f"/orgs/{w.ids['branch']}/meetings",
        {
            "title": lambda: latest(meetings_models().Meeting, "title"),
            "description": lambda: latest(meetings_models().Meeting, "description"),
            "location": lambda: latest(meetings_models().Meeting, "location"),
            "agenda": lambda: latest(meetings_models().AgendaItem, "title"),
        },
        lambda w: {
            "type": "branch_plenary",
            "title": "语料会议",
            "scheduled_at": "2099-01-01T09:00",
            "agenda": "议程",
        },
    ),
    "meetings: message": Form(
        "secretary",
        lambda w: f"/meetings/{w.ids['meeting']}/message",
        {"body": lambda: latest(meetings_models().MeetingMessage, "body_raw")},
    ),
}
