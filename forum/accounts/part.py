"""The accounts part: register, log in, profile (/me); display names can be flagged."""

from __future__ import annotations

from forum.accounts import audit_labels, commands, moderation, routes
from forum.parts import Part

PART = Part(
    name="accounts",
    routes=routes.routes,
    provides=(moderation.FLAG_TARGET, *audit_labels.PROVIDES),
    commands=(commands.register,),
)
