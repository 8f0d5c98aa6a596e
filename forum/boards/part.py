"""The boards part (论坛): boards, topics, posts, attachments, grants, live topics, and their
moderation: flag targets, topic steering, site-wide pins."""

from __future__ import annotations

from forum.boards import (
    audit_labels,
    commands,
    demo,
    eventtypes,
    moderation,
    notice_kinds,
    people,
    realtime_channels,
    routes,
    search_source,
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
        *routes.CACHEABLE,
        routes.COMPOSE_LIMIT,
        routes.UPLOAD_LIMIT,
        routes.HOME,
        routes.HELD,
        routes.DRAFTS,
        site_pins.HOME,
        search_source.SOURCE,
        realtime_channels.TOPIC_CHANNEL,
        *eventtypes.ALL,
        *moderation.PROVIDES,
        *notice_kinds.KINDS,
        *audit_labels.PROVIDES,
        *commands.REBAKE,
        *people.PROVIDES,
    ),
    commands=(commands.register,),
    demo=demo.seed,
)
