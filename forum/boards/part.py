"""The boards part (论坛): boards, topics, posts, attachments, grants, live topics."""

from __future__ import annotations

from forum.boards import commands, demo, eventtypes, realtime_channels, routes
from forum.db import Models
from forum.parts import Part
from moderation import boards_targets, steering

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
        realtime_channels.TOPIC_CHANNEL,
        *eventtypes.ALL,
        *boards_targets.PROVIDES,
        steering.DUE_CLOSER,
    ),
    commands=(commands.register,),
    demo=demo.seed,
)
