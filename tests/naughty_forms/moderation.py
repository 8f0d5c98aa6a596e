"""Moderation: flags, review queue, sanctions, topic tools and the word list."""

from __future__ import annotations

from tests.naughty import (
    Form,
    fresh_post,
    fresh_review_item,
    fresh_sanction,
    latest,
    moderation_models,
    serial,
)

FORMS: dict[str, Form] = {
    "moderation: flag": Form(
        "full_member",
        lambda w: "/moderation/flags",
        {"text": lambda: latest(moderation_models().Flag, "text")},
        lambda w: {"kind": "post", "target_id": w.ids["fresh_post"], "reason": "other"},
        fresh=fresh_post,
    ),
    "moderation: sanction": Form(
        "moderator",
        lambda w: "/moderation/sanctions",
        {"reason": lambda: latest(moderation_models().Sanction, "reason")},
        lambda w: {"username": "floating", "kind": "warn"},
    ),
    "moderation: lift": Form(
        "moderator",
        lambda w: f"/moderation/sanctions/{w.ids['sanction']}/lift",
        {
            "reason": lambda: latest(
                moderation_models().Sanction, "lift_reason", lifted_at__isnull=False
            )
        },
        fresh=fresh_sanction,
    ),
    "moderation: review": Form(
        "moderator",
        lambda w: f"/moderation/queue/{w.ids['review_item']}",
        {"reason": None},
        lambda w: {"decision": "dismiss"},
        fresh=fresh_review_item,
    ),
    # Last: an accepted word changes how every later text is screened.
    "moderation: word list": Form(
        "admin",
        lambda w: "/moderation/words",
        {
            "word": lambda: latest(moderation_models().WatchedWord, "word"),
            "category": lambda: latest(moderation_models().WatchedWord, "category"),
        },
        lambda w: {"word": f"语料词{next(serial)}", "action": "review", "category": "测试"},
    ),
}
