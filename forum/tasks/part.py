"""The tasks part (任务下达): tasks down the tree, answers, acceptance (docs/tasks.md)."""

from __future__ import annotations

from forum.db import Models
from forum.parts import Part
from forum.rebake import Rebake
from forum.tasks import actions, audit_labels, commands, demo, routes, todo
from forum.tasks.models import Task, TaskAssignment

PART = Part(
    name="tasks",
    models=(Models("tasks", ("forum.tasks.models",), "forum.tasks.migrations"),),
    routes=routes.routes,
    provides=(
        routes.MANAGE,
        routes.UPLOAD_LIMIT,
        todo.TO_ANSWER,
        todo.TO_REVIEW,
        actions.NOTIFICATION_KIND,
        *audit_labels.PROVIDES,
        Rebake("tasks.tasks", "任务", Task),
        Rebake("tasks.answers", "任务办理情况", TaskAssignment, (("answer_raw", "answer_html"),)),
    ),
    commands=(commands.register,),
    demo=demo.seed,
)
