"""The learning part (在线学习): library, courses, assignments, quizzes, honest study records."""

from __future__ import annotations

from forum.db import Models
from forum.learning import actions, audit_labels, commands, demo, routes, search, todo, training
from forum.learning.models import Resource
from forum.parts import Part
from forum.rebake import Rebake

PART = Part(
    name="learning",
    models=(Models("learning", ("forum.learning.models",), "forum.learning.migrations"),),
    routes=routes.routes,
    provides=(
        routes.HOME,
        routes.MANAGE,
        routes.UPLOAD_LIMIT,
        search.SOURCE,
        training.SOURCE,
        todo.SOURCE,
        Rebake("learning.resources", "学习资源", Resource),
        *actions.NOTIFICATION_KINDS,
        *audit_labels.PROVIDES,
    ),
    commands=(commands.register,),
    demo=demo.seed,
)
