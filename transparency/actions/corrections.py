"""更正: a published item is never overwritten; a correction adds a revision."""

from __future__ import annotations

from tortoise.transactions import in_transaction

from forum import audit, markup
from forum.clock import utcnow
from forum.errors import ActionError, Conflict
from forum.policy import Viewer, can_correct_disclosure, ensure
from transparency.actions._common import (
    MAX_BODY,
    MAX_REASON,
    MAX_TITLE,
    STALE,
    _search_text,
    clean_text,
)
from transparency.models import Disclosure, DisclosureRevision, State


async def correct_disclosure(
    actor: Viewer, d: Disclosure, title: str, body: str, note: str
) -> DisclosureRevision:
    """更正: a new revision with a visible note. The old revisions are never changed."""
    ensure(can_correct_disclosure(actor, d))
    title = clean_text(title, "标题", "title", max_length=MAX_TITLE, min_length=2)
    body = clean_text(body, "正文", "body", max_length=MAX_BODY)
    note = clean_text(note, "更正说明", "note", max_length=MAX_REASON, min_length=2)
    if title == d.title and body == d.body_raw:
        raise ActionError("内容没有变化，无需更正", field="body")
    html = markup.render(body)
    number = d.revision_count + 1
    before = d.snapshot()
    async with in_transaction():
        updated = await Disclosure.filter(
            id=d.id, state=State.published, revision_count=d.revision_count
        ).update(
            title=title,
            body_raw=body,
            body_html=html,
            render_version=markup.VERSION,
            search_text=_search_text(title, body),
            revision_count=number,
            updated_at=utcnow(),
        )
        if not updated:  # SQLite counts FTS trigger rows too: test for zero
            raise Conflict(STALE)
        revision = await DisclosureRevision.create(
            disclosure_id=d.id,
            number=number,
            title=title,
            body_raw=body,
            body_html=html,
            render_version=markup.VERSION,
            note=note,
            author_id=actor.user_id,
        )
        await audit.record(
            actor,
            "disclosure.corrected",
            "disclosure",
            d.id,
            org_path=d.org.path,
            before=before,
            after={**before, "title": title, "revision": number},
            reason=note,
        )
    return revision
