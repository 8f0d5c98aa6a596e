"""Boards: compose, edit and board administration forms (the search is tests/naughty_forms/search.py)."""

from __future__ import annotations

from tests.naughty import (
    Form,
    boards_models,
    latest,
    serial,
)

FORMS: dict[str, Form] = {
    "boards: new topic": Form(
        "publicity",
        lambda w: f"/forum/b/{w.ids['board']}/new",
        {
            "title": lambda: latest(boards_models().Topic, "title"),
            "body": lambda: latest(boards_models().Post, "body_raw"),
        },
        lambda w: {"title": "语料标题", "body": "语料正文"},
    ),
    "boards: reply": Form(
        "publicity",
        lambda w: f"/t/{w.ids['topic']}/reply",
        {"body": lambda: latest(boards_models().Post, "body_raw")},
    ),
    "boards: edit post": Form(
        "publicity",
        lambda w: f"/t/{w.ids['post_topic']}/{w.ids['post_number']}/edit",
        {
            "body": lambda: latest(boards_models().PostRevision, "body_after"),
            "reason": lambda: latest(boards_models().PostRevision, "reason"),
        },
        lambda w: {"body": f"修改 {next(serial)}", "reason": "修改原因"},
    ),
    "boards: new board": Form(
        "admin",
        lambda w: "/forum/boards/new",
        {
            "name": lambda: latest(boards_models().Board, "name"),
            "description": lambda: latest(boards_models().Board, "description"),
        },
        lambda w: {"name": f"语料版块 {next(serial)}", "kind": "discussion", "description": ""},
    ),
    # Usernames are looked up, not stored: a naughty one is "not found" (400), never a 500.
    "boards: board moderator": Form(
        "admin",
        lambda w: f"/forum/b/{w.ids['board']}/moderators",
        {"username": None},
    ),
}
