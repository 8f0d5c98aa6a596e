"""The reviews part (民主评议党员, domain.md section 10; docs/reviews.md)."""

from __future__ import annotations

from forum.db import Models
from forum.parts import Part
from forum.reviews import actions, audit_labels, record, routes, todo

PART = Part(
    name="reviews",
    models=(Models("reviews", ("forum.reviews.models",), "forum.reviews.migrations"),),
    routes=routes.routes,
    provides=(todo.SOURCE, actions.NOTIFICATION_KIND, record.FACTS, *audit_labels.PROVIDES),
)
