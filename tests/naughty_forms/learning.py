"""在线学习: the resource and course drafting forms, lessons, questions, assignments and the
dashboard filter."""

from __future__ import annotations

import datetime as dt
from typing import Any

from tests.naughty import Form, World, latest


def _models() -> Any:
    from forum.learning import models

    return models


def _resource(attribute: str) -> Any:
    async def read() -> str | None:
        return await latest(_models().Resource, attribute)

    return read


def _course(attribute: str) -> Any:
    async def read() -> str | None:
        return await latest(_models().Course, attribute)

    return read


async def _question_text() -> str | None:
    return await latest(_models().Question, "text")


async def _fresh_course(world: World) -> None:
    """A new draft course of the demo branch (lessons and questions go only to drafts)."""
    course = await _models().Course.create(
        org_id=world.ids["branch"],
        org_path=(await _branch(world)).path,
        title="语料课程",
        created_by_id=world.ids["publisher_user"],
    )
    world.ids["learning_course"] = course.id
    article = await _models().Resource.filter(state="published", org_id=world.ids["branch"]).first()
    assert article is not None, "the demo has published resources in its branch"
    world.ids["learning_article"] = article.id


async def _branch(world: World) -> Any:
    from forum.models import Org

    return await Org.get(id=world.ids["branch"])


async def _fresh_assignable(world: World) -> None:
    course = await _models().Course.filter(state="published").order_by("id").first()
    assert course is not None, "the demo has a published course"
    world.ids["learning_published_course"] = course.id


def _article(w: World) -> dict[str, Any]:
    return {"org_id": str(w.ids["branch"]), "kind": "article", "title": "语料文章", "body": "正文"}


def _new_course(w: World) -> dict[str, Any]:
    return {"org_id": str(w.ids["branch"]), "title": "语料课程"}


def _later() -> str:
    return (dt.datetime.now(dt.UTC) + dt.timedelta(days=10)).date().isoformat()


FORMS: dict[str, Form] = {
    "learning_resource": Form(
        "publisher",
        lambda w: "/learning/new",
        {
            "title": _resource("title"),
            "summary": _resource("summary"),
            "body": _resource("body_raw"),
            "author": _resource("author"),
            "source": _resource("source"),
            "url": _resource("url"),
            "tags": None,  # split on commas into a list
            "duration_minutes": None,  # stored as seconds
            "pages": None,  # a number
        },
        base=_article,
    ),
    "learning_course": Form(
        "publisher",
        lambda w: "/learning/courses/new",
        {
            "title": _course("title"),
            "description": _course("description"),
            "pass_mark": None,
            "max_attempts": None,
            "paper_size": None,
        },
        base=_new_course,
    ),
    "learning_lesson": Form(
        "publisher",
        lambda w: f"/learning/c/{w.ids['learning_course']}/lessons",
        {"hours_tenths": None},
        base=lambda w: {"resource_id": str(w.ids.get("learning_article", 0)), "hours_tenths": "10"},
        fresh=_fresh_course,
    ),
    "learning_question": Form(
        "publisher",
        lambda w: f"/learning/c/{w.ids['learning_course']}/questions",
        {"text": _question_text, "options": None, "answer": None},
        base=lambda w: {"kind": "single", "text": "语料题目", "options": "甲\n乙", "answer": "A"},
        fresh=_fresh_course,
    ),
    "learning_assign": Form(
        "secretary",
        lambda w: "/learning/assign",
        {"usernames": None, "deadline": None},
        base=lambda w: {
            "org_id": str(w.ids["branch"]),
            "target": f"c:{w.ids.get('learning_published_course', 0)}",
            "scope": "named",
            "usernames": "full_member",
            "deadline": _later(),
        },
        fresh=_fresh_assignable,
    ),
    "learning_dashboard": Form(
        "secretary",
        lambda w: f"/learning/dashboard?org={w.ids['branch']}",
        {"year": None},
        method="GET",
    ),
}
