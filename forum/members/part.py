"""The members part (党员管理): records, statistics, transfers, floating members, development."""

from __future__ import annotations

from forum.db import Models
from forum.members import (
    approvals,
    audit_labels,
    commands,
    demo,
    duplicates,
    exclusions,
    home,
    routes,
    service_requests,
    todo,
    transfers,
)
from forum.parts import Part

PART = Part(
    name="members",
    models=(Models("directory", ("forum.members.models",), "forum.members.migrations"),),
    routes=routes.routes,
    provides=(
        home.DUE,
        todo.APPROVALS,
        todo.TRANSFERS,
        todo.CONVERSIONS,
        duplicates.TODO,
        duplicates.NOTIFICATION_KIND,
        transfers.NOTIFICATION_KIND,
        approvals.NOTIFICATION_KIND,
        exclusions.NOTIFICATION_KIND,
        exclusions.SOURCE,
        service_requests.HANDLER,
        *audit_labels.PROVIDES,
    ),
    commands=(commands.register,),
    demo=demo.seed,
)
