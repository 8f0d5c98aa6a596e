"""任务下达: assigning a task, answering it (submit or 办结) and returning an answer."""

from __future__ import annotations

import datetime as dt
from typing import Any

from forum.clock import today
from tests.naughty import Form, World, latest


def tasks_models() -> Any:
    from forum.tasks import models

    return models


def _deadline() -> str:
    return (today() + dt.timedelta(days=7)).isoformat()


async def _task_for_member(world: World, *, requires_submission: bool) -> None:
    """A new task from 第一党支部 to full_member (each answer or decision is one-shot)."""
    from forum.models import Org
    from forum.tasks import actions
    from forum.viewer import viewer_for_user

    secretary = await viewer_for_user(world.ids["secretary_user"])
    task = await actions.assign_task(
        secretary,
        await Org.get(id=world.ids["branch"]),
        actions.TaskInput(
            title="语料任务",
            body="",
            deadline=_deadline(),
            requires_submission=requires_submission,
            target="members",
            usernames="full_member",
        ),
    )
    row = await tasks_models().TaskAssignment.get(task_id=task.id)
    world.ids["task"], world.ids["task_row"] = task.id, row.id
    world.notes["task"] = (task, row)


async def fresh_to_answer(world: World) -> None:
    await _task_for_member(world, requires_submission=True)


async def fresh_to_complete(world: World) -> None:
    await _task_for_member(world, requires_submission=False)


async def fresh_answered(world: World) -> None:
    """A task full_member has answered, for the branch to return."""
    from forum.tasks import actions
    from forum.viewer import viewer_for_user

    await _task_for_member(world, requires_submission=True)
    task, row = world.notes["task"]
    from forum.models import User

    member = await viewer_for_user((await User.get(username="full_member")).id)
    await actions.answer_task(member, task, row, "submit", "已办理")


def _row_url(step: str):  # type: ignore[no-untyped-def]
    return lambda w: f"/tasks/{w.ids['task']}/assignments/{w.ids['task_row']}/{step}"


FORMS: dict[str, Form] = {
    "tasks: assign": Form(
        "secretary",
        lambda w: "/tasks",
        {
            "title": lambda: latest(tasks_models().Task, "title"),
            "body": lambda: latest(tasks_models().Task, "body_raw"),
            # A date, parsed strictly: no naughty string is a date.
            "deadline": lambda: latest(tasks_models().Task, "deadline"),
            # Usernames that must exist: a naughty string names nobody and is refused.
            "usernames": None,
        },
        lambda w: {
            "org_id": str(w.ids["branch"]),
            "title": "语料任务",
            "deadline": _deadline(),
            "target": "members",
            "usernames": "full_member",
            "requires_submission": "1",
        },
    ),
    "tasks: submit": Form(
        "full_member",
        _row_url("submit"),
        {"answer": lambda: latest(tasks_models().TaskAssignment, "answer_raw", state="submitted")},
        fresh=fresh_to_answer,
    ),
    "tasks: complete": Form(
        "full_member",
        _row_url("complete"),
        {"answer": lambda: latest(tasks_models().TaskAssignment, "answer_raw", state="accepted")},
        fresh=fresh_to_complete,
    ),
    "tasks: return": Form(
        "secretary",
        _row_url("return"),
        {
            "reason": lambda: latest(
                tasks_models().TaskAssignment, "return_reason", state="returned"
            )
        },
        fresh=fresh_answered,
    ),
}
