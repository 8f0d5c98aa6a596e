"""What a moderator needs beside each review item: where it sits, who wrote it, the flags.

One page of the queue is loaded in a bounded number of queries whatever its size: one per
flag-target kind for the places and for the flags, and one each for the authors, their
member orgs, their approved items (per counter), their earlier flagged items and their
sanctions. Parts say where their items sit through `FlagTarget.places` (moderation stays
part-agnostic); the excerpt is rendered through `forum.markup` (sanitized HTML).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from markupsafe import Markup
from tortoise.functions import Count

from forum import markup
from forum.clock import utcnow
from forum.models import Member, User
from forum.policy import SanctionTargetRef, Viewer, can_moderate_content, can_sanction_user
from moderation.models import FLAG_REASON_LABELS, Flag, ReviewItem, ReviewSource, Sanction
from moderation.newmembers import approved_items_of
from moderation.registry import Place, TargetInfo, kinds

# Silence periods offered as one-click buttons on each item (days).
SILENCE_DAYS = (1, 3, 7, 30)
SUSPEND_DAYS = 30


@dataclass(frozen=True)
class FlagLine:
    reason: str  # Chinese label
    text: str
    by: str  # the flagger's display name
    at: dt.datetime


@dataclass
class AuthorFacts:
    id: int
    username: str
    display_name: str
    org_name: str
    org_path: str
    joined_at: dt.datetime
    approved_items: int = 0
    earlier_flagged: int = 0  # earlier review items of their content that came from flags
    sanctions: dict[str, int] = field(default_factory=dict)  # kind -> how many, ever
    active: list[Sanction] = field(default_factory=list)  # running silences/suspensions
    can_sanction: bool = False

    @property
    def account_days(self) -> int:
        return max(0, (utcnow() - self.joined_at).days)


@dataclass(frozen=True)
class QueueEntry:
    item: ReviewItem
    label: str  # the kind's label (回帖, 主题 ...)
    excerpt_html: Markup
    place: Place | None
    author: AuthorFacts | None
    flags: list[FlagLine]
    can_decide: bool
    default_reason: str


def _excerpt(raw: str) -> Markup:
    # Rendered and sanitized like the content itself: never the raw Markdown.
    return Markup(markup.render(raw))  # noqa: S704 - markup.render sanitizes (nh3)


def _default_reason(item: ReviewItem) -> str:
    if item.reasons:
        return "；".join(item.reasons)[:200]
    return "违反社区规范"


async def _places(items: Sequence[ReviewItem]) -> dict[tuple[str, int], Place]:
    by_kind: dict[str, list[int]] = defaultdict(list)
    for item in items:
        by_kind[item.target_kind].append(item.target_id)
    targets = kinds()
    found: dict[tuple[str, int], Place] = {}
    for kind, ids in by_kind.items():
        target = targets.get(kind)
        if target is None or target.places is None:
            continue
        for target_id, place in (await target.places(ids)).items():
            found[(kind, target_id)] = place
    return found


async def _flags(items: Sequence[ReviewItem]) -> dict[tuple[str, int], list[FlagLine]]:
    by_kind: dict[str, list[int]] = defaultdict(list)
    for item in items:
        if item.flag_count or item.source == ReviewSource.flags:
            by_kind[item.target_kind].append(item.target_id)
    lines: dict[tuple[str, int], list[FlagLine]] = defaultdict(list)
    for kind, ids in by_kind.items():
        rows = (
            await Flag.filter(target_kind=kind, target_id__in=ids, dismissed_at__isnull=True)
            .select_related("user")
            .order_by("id")
        )
        for flag in rows:
            lines[(kind, flag.target_id)].append(
                FlagLine(
                    reason=FLAG_REASON_LABELS.get(str(flag.reason), str(flag.reason)),
                    text=flag.text,
                    by=flag.user.display_name,  # type: ignore[attr-defined]
                    at=flag.created_at,
                )
            )
    return lines


async def _authors(viewer: Viewer, items: Sequence[ReviewItem]) -> dict[int, AuthorFacts]:
    ids = sorted({item.author_id for item in items if item.author_id is not None})
    if not ids:
        return {}
    users = await User.filter(id__in=ids).only("id", "username", "display_name", "created_at")
    members = await Member.filter(user_id__in=ids).select_related("org")
    orgs = {m.user_id: m.org for m in members if m.user_id is not None}
    facts = {
        u.id: AuthorFacts(
            id=u.id,
            username=u.username,
            display_name=u.display_name,
            org_name=orgs[u.id].name if u.id in orgs else "",
            org_path=orgs[u.id].path if u.id in orgs else "",
            joined_at=u.created_at,
        )
        for u in users
    }
    for uid, n in (await approved_items_of(list(facts))).items():
        if uid in facts:
            facts[uid].approved_items = n
    open_ids = [item.id for item in items]
    flagged = (
        await ReviewItem.filter(author_id__in=ids, source=ReviewSource.flags)
        .exclude(id__in=open_ids)
        .annotate(n=Count("id"))
        .group_by("author_id")
        .values_list("author_id", "n")
    )
    for uid, n in flagged:
        if uid in facts:
            facts[int(uid)].earlier_flagged = int(n)
    now = utcnow()
    for sanction in await Sanction.filter(user_id__in=ids).order_by("-id").limit(500):
        fact = facts.get(sanction.user_id)
        if fact is None:
            continue
        kind = str(sanction.kind)
        fact.sanctions[kind] = fact.sanctions.get(kind, 0) + 1
        running = sanction.lifted_at is None and sanction.ends_at is not None
        if running and sanction.ends_at > now:  # type: ignore[operator]
            fact.active.append(sanction)
    for fact in facts.values():
        target = SanctionTargetRef(user_id=fact.id, org_path=fact.org_path)
        fact.can_sanction = bool(can_sanction_user(viewer, target))
    return facts


async def queue_entries(viewer: Viewer, items: Sequence[ReviewItem]) -> list[QueueEntry]:
    """The page's items with their place, author facts and flags (bounded queries)."""
    labels = {k: t.label for k, t in kinds().items()}
    places = await _places(items)
    flags = await _flags(items)
    authors = await _authors(viewer, items)
    entries: list[QueueEntry] = []
    for item in items:
        key = (item.target_kind, item.target_id)
        ref = TargetInfo(
            kind=item.target_kind,
            id=item.target_id,
            author_id=item.author_id,
            org_path=item.org_path,
            board_id=item.board_id,
        ).ref
        entries.append(
            QueueEntry(
                item=item,
                label=labels.get(item.target_kind, item.target_kind),
                excerpt_html=_excerpt(item.excerpt),
                place=places.get(key),
                author=authors.get(item.author_id) if item.author_id is not None else None,
                flags=flags.get(key, []),
                can_decide=bool(can_moderate_content(viewer, ref)),
                default_reason=_default_reason(item),
            )
        )
    return entries
