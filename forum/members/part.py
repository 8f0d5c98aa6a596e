"""The members part (党员管理): records, statistics, transfers, floating members, development."""

from __future__ import annotations

from forum.db import Models
from forum.members import commands, demo, home, routes
from forum.parts import Part

PART = Part(
    name="members",
    models=(Models("directory", ("forum.members.models",), "forum.members.migrations"),),
    routes=routes.routes,
    provides=(home.DUE,),
    commands=(commands.register,),
    demo=demo.seed,
)
