"""The disclosures part (党务公开): drafting, review, approval, graded publication, feedback."""

from __future__ import annotations

from forum.db import Models
from forum.parts import Part
from forum.rebake import Rebake
from transparency import audit_labels, demo, moderation, routes, search, todo
from transparency.actions._common import NOTIFICATION_KINDS
from transparency.models import Disclosure, DisclosureRevision, Feedback

# What `forum rebake` re-renders: items, their revisions, feedback with its answer.
REBAKE = (
    Rebake("disclosures.items", "党务公开", Disclosure),
    Rebake("disclosures.revisions", "公开修订版本", DisclosureRevision),
    Rebake(
        "disclosures.feedback",
        "意见反馈",
        Feedback,
        (("body_raw", "body_html"), ("answer_raw", "answer_html")),
    ),
)

PART = Part(
    name="disclosures",
    models=(Models("transparency", ("transparency.models",), "transparency.migrations"),),
    routes=routes.routes,
    provides=(
        routes.MANAGE_WORK,
        routes.MANAGE_CATALOGUE,
        routes.HOME_TODO,
        routes.HOME_LATEST,
        todo.SOURCE,
        moderation.FLAG_TARGET,
        search.SOURCE,
        *NOTIFICATION_KINDS,
        *audit_labels.PROVIDES,
        *REBAKE,
    ),
    demo=demo.seed,
)
