"""The moderation service's own pages and hooks: the review queue, sanctions, the word list,
the audit log, and what it adds to every account (sanction facts, login guard, name checks)."""

from __future__ import annotations

from forum.db import Models
from forum.parts import Part
from moderation import audit_labels, commands, demo, guards, home, notices, routes

PART = Part(
    name="moderation",
    models=(Models("moderation", ("moderation.models",), "moderation.migrations"),),
    routes=routes.routes,
    provides=(
        routes.MANAGE,
        *home.SECTIONS,
        home.TODO,
        *guards.PROVIDES,
        notices.KIND,
        *audit_labels.PROVIDES,
    ),
    commands=(commands.register,),
    demo=demo.seed,
)
