"""Reads for disclosures: visibility is applied in SQL (never fetch-then-drop), lists are
keyset-paginated on (publish_from, id), and pages get their relations prefetched.

Search (Chinese, no word breaks): `search_text` holds title + current body.
- SQLite: queries of 3+ characters look ids up in the FTS5 trigram table
  `transparency_search` (bounded to SEARCH_LIMIT ids), then apply the visibility filter.
  Shorter queries (1-2 characters, too short for trigrams) use LIKE on the column.
- PostgreSQL: `search_text LIKE '%q%'` served by the pg_trgm GIN index (see migration 0002).
"""

from __future__ import annotations

import datetime as dt
import difflib
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from tortoise.connection import get_connection
from tortoise.expressions import Q, Subquery
from tortoise.queryset import QuerySet

from forum.clock import utcnow
from forum.errors import NotFound
from forum.models import Member, Org, in_tree_order
from forum.policy import (
    LISTED_STATES,
    MEMBER_SCOPES,
    NOTHING,
    Viewer,
    can_answer_feedback,
    can_moderate_scope,
    can_see_disclosure,
    disclosure_draft_orgs,
    disclosure_visibility,
    disclosure_work_filters,
    ensure_visible,
)
from forum.settings import get_settings
from transparency.models import (
    Disclosure,
    DisclosureCategory,
    DisclosureReview,
    DisclosureRevision,
    DisclosureTarget,
    Feedback,
    ReadReceipt,
)

PAGE_SIZE = 20
SEARCH_LIMIT = 500
MAX_QUERY = 50
WORK_LIMIT = 50
PAGE_RELATIONS = ("org", "category")


@dataclass
class BoardFilter:
    org: Org | None = None
    category_id: int | None = None
    year: int | None = None
    q: str = ""
    archive: bool = False
    members_only: bool = False  # the members' view: items not open to the public
    cursor: tuple[dt.datetime, int] | None = None


@dataclass
class Page:
    items: list[Disclosure]
    next_cursor: str | None
    filters: BoardFilter = field(default_factory=BoardFilter)


EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
MICROSECOND = dt.timedelta(microseconds=1)


def encode_cursor(d: Disclosure) -> str:
    """`<microseconds since epoch>_<id>`: exact integers, no float rounding."""
    return f"{(d.publish_from - EPOCH) // MICROSECOND}_{d.id}"


def decode_cursor(raw: str | None) -> tuple[dt.datetime, int] | None:
    if not raw:
        return None
    try:
        micros, ident = raw.split("_", 1)
        when = EPOCH + int(micros) * MICROSECOND
        return when, int(ident)
    except (ValueError, OverflowError, OSError):
        return None


def visible_disclosures(viewer: Viewer, now: dt.datetime | None = None) -> QuerySet[Disclosure]:
    """Listed items (published or withdrawn, from publish_from on) this viewer may read."""
    now = now or utcnow()
    facts = disclosure_visibility(viewer)
    base = Disclosure.filter(state__in=sorted(LISTED_STATES), publish_from__lte=now)
    if facts.everything:
        return base
    audience = Q(scope__in=sorted(facts.scopes_everywhere))
    if facts.subtree_ancestor_ids:
        audience |= Q(scope="org_subtree", org_id__in=list(facts.subtree_ancestor_ids))
    targets: Q | None = None
    if facts.target_org_ids:
        targets = Q(org_id__in=list(facts.target_org_ids))
    if facts.user_id is not None:
        mine = Q(user_id=facts.user_id)
        targets = mine if targets is None else targets | mine
    if targets is not None:
        named = DisclosureTarget.filter(targets).values("disclosure_id")
        audience |= Q(scope="targeted", id__in=Subquery(named))
    for path in facts.staff_paths:
        audience |= Q(org__path__startswith=path)
    query = base.filter(audience)
    return query


async def _search_ids(q: str) -> list[int] | None:
    """Ids from the SQLite FTS5 trigram index, or None when LIKE should be used."""
    if not get_settings().is_sqlite or len(q) < 3:
        return None
    phrase = '"' + q.replace('"', '""') + '"'
    conn = get_connection("default")
    rows = await conn.execute_query_dict(
        "SELECT rowid AS id FROM transparency_search WHERE transparency_search MATCH ? "
        "ORDER BY rowid DESC LIMIT ?",
        [phrase, SEARCH_LIMIT],
    )
    return [int(r["id"]) for r in rows]


def _year_bounds(year: int) -> tuple[dt.datetime, dt.datetime]:
    tz = ZoneInfo(get_settings().timezone)
    start = dt.datetime(year, 1, 1, tzinfo=tz).astimezone(dt.UTC)
    end = dt.datetime(year + 1, 1, 1, tzinfo=tz).astimezone(dt.UTC)
    return start, end


async def board(
    viewer: Viewer, filters: BoardFilter, *, limit: int = PAGE_SIZE, now: dt.datetime | None = None
) -> Page:
    """One page of the board (current items) or the archive (expired and withdrawn)."""
    now = now or utcnow()
    query = visible_disclosures(viewer, now)
    if filters.archive:
        query = query.filter(Q(state="withdrawn") | Q(until__lte=now))
    else:
        query = query.filter(Q(state="published"), Q(until__isnull=True) | Q(until__gt=now))
    if filters.org is not None:
        query = query.filter(org__path__startswith=filters.org.path)
    if filters.category_id is not None:
        query = query.filter(category_id=filters.category_id)
    if filters.members_only:
        query = query.filter(scope__in=sorted(MEMBER_SCOPES))
    if filters.year is not None:
        start, end = _year_bounds(filters.year)
        query = query.filter(publish_from__gte=start, publish_from__lt=end)
    q = "".join(c for c in filters.q if c.isprintable()).strip()[:MAX_QUERY]
    if q:
        ids = await _search_ids(q)
        query = (
            query.filter(id__in=ids) if ids is not None else query.filter(search_text__contains=q)
        )
    if filters.cursor is not None:
        when, ident = filters.cursor
        query = query.filter(Q(publish_from__lt=when) | Q(publish_from=when, id__lt=ident))
    rows = await (
        query.order_by("-publish_from", "-id").limit(limit + 1).prefetch_related(*PAGE_RELATIONS)
    )
    next_cursor = encode_cursor(rows[limit - 1]) if len(rows) > limit else None
    return Page(rows[:limit], next_cursor, filters)


async def latest_for(viewer: Viewer, limit: int = 5) -> list[Disclosure]:
    page = await board(viewer, BoardFilter(), limit=limit)
    return page.items


async def public_feed(limit: int = 30) -> list[Disclosure]:
    """The Atom feed: public items only, whoever asks."""
    now = utcnow()
    return await (
        Disclosure.filter(scope="public", state="published", publish_from__lte=now)
        .order_by("-publish_from", "-id")
        .limit(limit)
        .prefetch_related(*PAGE_RELATIONS)
    )


async def get_disclosure_for(viewer: Viewer, disclosure_id: int) -> Disclosure:
    d = await Disclosure.get_or_none(id=disclosure_id).prefetch_related(
        "org", "approver_org", "category", "targets", "created_by"
    )
    if d is None:
        raise NotFound()
    ensure_visible(can_see_disclosure(viewer, d))
    return d


async def categories(*, active_only: bool = True) -> list[DisclosureCategory]:
    query = DisclosureCategory.all()
    if active_only:
        query = query.filter(is_active=True)
    return await query.order_by("sort_order", "id")


async def years() -> list[int]:
    this_year = utcnow().year
    return list(range(this_year, this_year - 6, -1))


async def org_choices(viewer: Viewer) -> list[Org]:
    return in_tree_order(await Org.filter(is_active=True))


async def draftable_orgs(viewer: Viewer) -> list[Org]:
    clause = disclosure_draft_orgs(viewer)
    return [] if clause is NOTHING else in_tree_order(await Org.filter(clause, is_active=True))


async def get_org(org_id: int) -> Org:
    org = await Org.get_or_none(id=org_id)
    if org is None:
        raise NotFound()
    return org


async def item_context(viewer: Viewer, d: Disclosure) -> dict[str, Any]:
    """Everything the item page shows besides the item itself."""
    revisions = (
        await DisclosureRevision.filter(disclosure_id=d.id)
        .order_by("-number")
        .prefetch_related("author")
    )
    feedback = Feedback.filter(disclosure_id=d.id)
    if not can_moderate_scope(viewer, d.org.path):  # hidden/deleted by moderation
        feedback = feedback.filter(hidden=False, deleted=False)
    if not can_answer_feedback(viewer, d):
        mine = Q(author_id=viewer.user_id) if viewer.user_id is not None else Q(id=-1)
        feedback = feedback.filter(Q(is_public=True) | mine)
    reviews = (
        await DisclosureReview.filter(disclosure_id=d.id)
        .order_by("-id")
        .prefetch_related("reviewer")
    )
    users: dict[int, Any] = {}
    ids = [
        i for i in (d.proposed_by_id, d.reviewed_by_id, d.approved_by_id, d.published_by_id) if i
    ]
    if ids:
        from forum.models import User

        users = {u.id: u for u in await User.filter(id__in=ids)}
    target_orgs = (
        in_tree_order(await Org.filter(id__in=d.target_org_ids)) if d.target_org_ids else []
    )
    return {
        "revisions": revisions,
        "feedback": await feedback.order_by("id")
        .limit(200)
        .prefetch_related("author", "answered_by"),
        "reviews": reviews,
        "people": users,
        "target_orgs": target_orgs,
        "receipt_count": await ReadReceipt.filter(disclosure_id=d.id).count(),
    }


async def get_revision(d: Disclosure, number: int) -> DisclosureRevision:
    rev = await DisclosureRevision.get_or_none(disclosure_id=d.id, number=number)
    if rev is None:
        raise NotFound()
    return rev


@dataclass(frozen=True)
class DiffLine:
    kind: str  # "add", "del", "ctx", "gap"
    text: str


def diff_lines(old: str, new: str) -> list[DiffLine]:
    """What changed between two raw texts, line by line (templates escape the text)."""
    lines: list[DiffLine] = []
    for line in difflib.unified_diff(old.splitlines(), new.splitlines(), lineterm="", n=2):
        if line.startswith(("---", "+++")):
            continue
        if line.startswith("@@"):
            lines.append(DiffLine("gap", ""))
        elif line.startswith("+"):
            lines.append(DiffLine("add", line[1:]))
        elif line.startswith("-"):
            lines.append(DiffLine("del", line[1:]))
        else:
            lines.append(DiffLine("ctx", line[1:]))
    return lines


async def revision_diff(
    d: Disclosure, number: int
) -> tuple[DisclosureRevision, DisclosureRevision, list[DiffLine]]:
    if number < 2:
        raise NotFound()
    revs = {
        r.number: r
        for r in await DisclosureRevision.filter(
            disclosure_id=d.id, number__in=[number - 1, number]
        )
    }
    if len(revs) != 2:
        raise NotFound()
    old, new = revs[number - 1], revs[number]
    text_old = f"# {old.title}\n\n{old.body_raw}"
    text_new = f"# {new.title}\n\n{new.body_raw}"
    return old, new, diff_lines(text_old, text_new)


@dataclass
class WorkQueue:
    drafts: list[Disclosure]
    to_review: list[Disclosure]
    to_approve: list[Disclosure]
    to_publish: list[Disclosure]

    @property
    def total(self) -> int:
        return len(self.to_review) + len(self.to_approve) + len(self.to_publish)


async def work_queue(viewer: Viewer) -> WorkQueue:
    """The publisher's drafts and the review / approval / publication inboxes."""

    async def fetch(states: list[str], q: Q) -> list[Disclosure]:
        if q is NOTHING:
            return []
        return await (
            Disclosure.filter(q, state__in=states)
            .order_by("-updated_at", "-id")
            .limit(WORK_LIMIT)
            .prefetch_related("org", "category", "approver_org")
        )

    inboxes = disclosure_work_filters(viewer)
    to_review = await fetch(["proposed"], inboxes.reviewing)
    if viewer.user_id is not None:
        to_review = [d for d in to_review if d.proposed_by_id != viewer.user_id]
    return WorkQueue(
        drafts=await fetch(["draft", "rejected"], inboxes.publishing),
        to_review=to_review,
        to_approve=await fetch(["reviewed"], inboxes.approving),
        to_publish=await fetch(["approved"], inboxes.publishing),
    )


@dataclass
class Receipts:
    readers: list[ReadReceipt]
    total_read: int
    expected: int | None  # Party members in the audience (None when it is open-ended)


async def receipts(d: Disclosure, limit: int = 500) -> Receipts:
    """Who in the scope has read a member-scope item (shown to the issuing org)."""
    readers = (
        await ReadReceipt.filter(disclosure_id=d.id)
        .order_by("read_at", "id")
        .limit(limit)
        .prefetch_related("user")
    )
    total = await ReadReceipt.filter(disclosure_id=d.id).count()
    expected: int | None = None
    party = ["probationary", "full"]
    if str(d.scope) == "org_subtree":
        expected = await Member.filter(org__path__startswith=d.org.path, status__in=party).count()
    elif str(d.scope) == "targeted":
        q = Q(user_id__in=d.target_user_ids) if d.target_user_ids else Q(id=-1)
        target_orgs = await Org.filter(id__in=d.target_org_ids)
        for org in target_orgs:
            q |= Q(org__path__startswith=org.path, status__in=party)
        expected = await Member.filter(q).distinct().count()
    return Receipts(readers, total, expected)


async def target_usernames(d: Disclosure) -> list[str]:
    if not d.target_user_ids:
        return []
    from forum.models import User

    return [u.username for u in await User.filter(id__in=d.target_user_ids).order_by("username")]


async def get_feedback(d: Disclosure, feedback_id: int) -> Feedback:
    fb = await Feedback.get_or_none(id=feedback_id, disclosure_id=d.id)
    if fb is None:
        raise NotFound()
    return fb


async def get_category(category_id: int) -> DisclosureCategory:
    category = await DisclosureCategory.get_or_none(id=category_id)
    if category is None:
        raise NotFound()
    return category
