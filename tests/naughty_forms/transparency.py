"""Transparency (党务公开): drafting, review, correction, feedback and catalogue forms."""

from __future__ import annotations

from tests.naughty import (
    Form,
    fresh_feedback,
    fresh_proposed,
    fresh_published,
    latest,
    serial,
    transparency_models,
)

FORMS: dict[str, Form] = {
    "transparency: draft": Form(
        "publisher",
        lambda w: "/disclosures/new",
        {
            "title": lambda: latest(transparency_models().Disclosure, "title"),
            "body": lambda: latest(transparency_models().Disclosure, "body_raw"),
        },
        lambda w: {
            "org": str(w.ids["branch"]),
            "title": "语料草稿",
            "body": "正文",
            "category": str(w.ids["category"]),
            "scope": "public",
        },
    ),
    "transparency: feedback": Form(
        "full_member",
        lambda w: f"/disclosures/{w.ids['published']}/feedback",
        {"body": lambda: latest(transparency_models().Feedback, "body_raw")},
    ),
    "transparency: correct": Form(
        "publisher",
        lambda w: f"/disclosures/{w.ids['correctable']}/correct",
        {
            "title": lambda: latest(transparency_models().DisclosureRevision, "title"),
            "body": lambda: latest(transparency_models().DisclosureRevision, "body_raw"),
            "note": lambda: latest(transparency_models().DisclosureRevision, "note"),
        },
        lambda w: {
            "title": f"更正后的标题 {next(serial)}",
            "body": f"更正后的正文 {next(serial)}",
            "note": "更正说明",
        },
    ),
    "transparency: answer feedback": Form(
        "publisher",
        lambda w: f"/disclosures/{w.ids['correctable']}/feedback/{w.ids['feedback']}/answer",
        {"answer": lambda: latest(transparency_models().Feedback, "answer_raw")},
        lambda w: {"public": "1"},
        fresh=fresh_feedback,
    ),
    "transparency: review": Form(
        "secretary",
        lambda w: f"/disclosures/{w.ids['stepped']}/review",
        {"note": lambda: latest(transparency_models().DisclosureReview, "note")},
        lambda w: {"checklist": [key for key, _ in transparency_models().REVIEW_CHECKLIST]},
        fresh=fresh_proposed,
    ),
    "transparency: reject": Form(
        "secretary",
        lambda w: f"/disclosures/{w.ids['stepped']}/reject",
        {"reason": lambda: latest(transparency_models().Disclosure, "reject_reason")},
        fresh=fresh_proposed,
    ),
    "transparency: withdraw": Form(
        "secretary",
        lambda w: f"/disclosures/{w.ids['stepped']}/withdraw",
        {"reason": lambda: latest(transparency_models().Disclosure, "withdraw_reason")},
        fresh=fresh_published,
    ),
    "transparency: search": Form("-", lambda w: "/disclosures", {"q": None}, method="GET"),
}
