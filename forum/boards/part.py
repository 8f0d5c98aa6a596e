"""The boards part (论坛): boards, topics, posts, attachments, grants, live topics, and their
moderation: flag targets, topic steering, site-wide pins."""

from __future__ import annotations

from forum.boards import (
    commands,
    demo,
    eventtypes,
    moderation,
    realtime_channels,
    routes,
    site_pins,
)
from forum.db import Models
from forum.parts import Part

PART = Part(
    name="boards",
    models=(Models("boards", ("forum.boards.models",), "forum.boards.migrations"),),
    routes=routes.routes,
    provides=(
        routes.MODERATOR_FACTS,
        routes.COMPOSE_LIMIT,
        routes.UPLOAD_LIMIT,
        routes.HOME,
        routes.HELD,
        site_pins.HOME,
        realtime_channels.TOPIC_CHANNEL,
        *eventtypes.ALL,
        *moderation.PROVIDES,
    ),
    commands=(commands.register,),
    demo=demo.seed,
)
