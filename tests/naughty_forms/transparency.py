"""Transparency (党务公开): drafting, review, correction, feedback and catalogue forms."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from httpx import Response

from tests.helpers import Client
from tests.naughty import (
    Form,
    World,
    fresh_draft,
    fresh_feedback,
    fresh_proposed,
    fresh_published,
    latest,
    serial,
    transparency_models,
)

# --- Readers of the newest disclosure's fields that are not one plain column ----------------


async def _newest() -> Any:
    return await transparency_models().Disclosure.all().order_by("-id").first()


async def _attachments() -> str | None:
    """The attachment lines as typed: `名称 | 地址`, or the bare address when it named none."""
    d = await _newest()
    if d is None:
        return None
    return "\n".join(
        a["url"] if a["title"] == a["url"] else f"{a['title']} | {a['url']}" for a in d.attachments
    )


def _time(attribute: str) -> Callable[[], Awaitable[str | None]]:
    """A time as the datetime-local input writes it (Beijing time)."""

    async def read() -> str | None:
        from transparency.forms import local_input

        d = await _newest()
        return None if d is None else local_input(getattr(d, attribute)) or None

    return read


async def _target_usernames() -> str | None:
    """The people the newest disclosure targets, by username (a set: in username order)."""
    from forum.models import User

    d = await _newest()
    if d is None:
        return None
    targets = transparency_models().DisclosureTarget.filter(
        disclosure_id=d.id, user_id__isnull=False
    )
    ids = await targets.values_list("user_id", flat=True)
    names = (
        await User.filter(id__in=list(ids)).order_by("username").values_list("username", flat=True)
    )
    return " ".join(str(n) for n in names) or None


async def _category(attribute: str) -> str | None:
    return await latest(transparency_models().DisclosureCategory, attribute)


def _draft(w: World) -> dict[str, Any]:
    return {
        "org": str(w.ids["branch"]),
        "title": "语料草稿",
        "body": "正文",
        "category": str(w.ids["category"]),
        "scope": "public",
    }


# The draft form's fields with their readers (new drafts and edited ones alike). Times are
# parsed strictly (no naughty string is a time); attachment lines need an http(s):// or
# site-relative address, so few naughty lines are one (the names are swept on their own).
DRAFT_READERS: dict[str, Callable[[], Awaitable[str | None]] | None] = {
    "title": lambda: latest(transparency_models().Disclosure, "title"),
    "body": lambda: latest(transparency_models().Disclosure, "body_raw"),
    "attachments": _attachments,
    "publish_from": _time("publish_from"),
    "until": _time("until"),
}


async def _send_attachment_name(client: Client, w: World, field: str, value: str) -> Response:
    """The naughty string as an attachment's name, in front of a valid address."""
    data = {**_draft(w), field: f"{value} | /disclosures"}
    return await client.post_form("/disclosures/new", data)


async def _attachment_name() -> str | None:
    d = await _newest()
    return None if d is None or not d.attachments else str(d.attachments[-1]["title"])


FORMS: dict[str, Form] = {
    "transparency: draft": Form("publisher", lambda w: "/disclosures/new", DRAFT_READERS, _draft),
    "transparency: draft attachment name": Form(
        "publisher",
        lambda w: "/disclosures/new",
        {"attachments": _attachment_name},
        _draft,
        send=_send_attachment_name,
    ),
    # Targeted at people: usernames that must exist (no naughty string names a demo user).
    "transparency: targeted draft": Form(
        "publisher",
        lambda w: "/disclosures/new",
        {"target_usernames": _target_usernames},
        lambda w: {**_draft(w), "scope": "targeted"},
    ),
    "transparency: edit draft": Form(
        "publisher",
        lambda w: f"/disclosures/{w.ids['draft']}/edit",
        {**DRAFT_READERS, "target_usernames": _target_usernames},
        lambda w: {**_draft(w), "scope": "targeted", "target_usernames": "publicity"},
        fresh=fresh_draft,
    ),
    # Site administrators keep the catalogue; each try adds a category under a new key.
    "transparency: catalogue": Form(
        "admin",
        lambda w: "/disclosures/catalogue",
        {
            "key": lambda: _category("key"),
            "name": lambda: _category("name"),
            # A plain integer (blank is 0): strictly validated.
            "sort_order": lambda: _category("sort_order"),
        },
        lambda w: {
            "key": f"naughty_{next(serial)}",
            "name": "语料类别",
            "sort_order": "200",
            "is_active": "1",
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
        lambda w: {"confirmed": "1"},  # 撤回 asks first: confirmed, the sweep measures the field
        fresh=fresh_published,
    ),
    "transparency: search": Form("-", lambda w: "/disclosures", {"q": None}, method="GET"),
}
