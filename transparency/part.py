"""The disclosures part (党务公开): drafting, review, approval, graded publication, feedback."""

from __future__ import annotations

from forum.db import Models
from forum.parts import Part
from transparency import demo, moderation, routes

PART = Part(
    name="disclosures",
    models=(Models("transparency", ("transparency.models",), "transparency.migrations"),),
    routes=routes.routes,
    provides=(
        routes.MANAGE_WORK,
        routes.MANAGE_CATALOGUE,
        routes.HOME_TODO,
        routes.HOME_LATEST,
        moderation.FLAG_TARGET,
    ),
    demo=demo.seed,
)
