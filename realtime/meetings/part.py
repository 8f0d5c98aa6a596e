"""The meetings part (三会一课): scheduling, the live room, votes, attendance and minutes."""

from __future__ import annotations

from forum.db import Models
from forum.parts import Part
from realtime.meetings import channel, demo, eventtypes, moderation, routes

PART = Part(
    name="meetings",
    models=(Models("meetings", ("realtime.meetings.models",), "realtime.meetings.migrations"),),
    routes=routes.routes,
    provides=(routes.HOME, channel.MEETING_CHANNEL, *eventtypes.ALL, moderation.FLAG_TARGET),
    demo=demo.seed,
)
