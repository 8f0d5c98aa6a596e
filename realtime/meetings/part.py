"""The meetings part (三会一课): scheduling, the live room, votes, attendance and minutes."""

from __future__ import annotations

from forum.db import Models
from forum.parts import Part
from realtime.meetings import (
    audit_labels,
    channel,
    commands,
    decisions,
    demo,
    eventtypes,
    moderation,
    notices,
    routes,
    search,
    study,
    todo,
)

PART = Part(
    name="meetings",
    models=(Models("meetings", ("realtime.meetings.models",), "realtime.meetings.migrations"),),
    routes=routes.routes,
    provides=(
        routes.HOME,
        todo.VOTES,
        channel.MEETING_CHANNEL,
        *eventtypes.ALL,
        moderation.FLAG_TARGET,
        search.SOURCE,
        decisions.SOURCE,
        study.PARTY_LECTURES,
        *notices.KINDS,
        *audit_labels.PROVIDES,
        *commands.REBAKE,
    ),
    commands=(commands.register,),
    demo=demo.seed,
)
