"""New-member safety: who counts as new, and the caps on their links and mentions.

An account is new while it is younger than `new_account_days` or has fewer than
`new_account_min_posts` approved items, unless the policy exempts it
(`forum.policy.is_exempt_from_new_member_rules`: moderators, and members whose record an
org confirmed while `trust_confirmed_members` is on). Items live in other parts (posts in
boards), so each part provides an `ApprovedCounter` of a user's approved items.
Without any counter registered only the account's age counts.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass

from forum.clock import utcnow
from forum.errors import ActionError
from forum.models import User
from forum.parts import Registry
from forum.policy import Viewer, is_exempt_from_new_member_rules
from forum.settings import get_settings


@dataclass(frozen=True)
class ApprovedCounter:
    """Counts a user's approved items of one kind (posts in boards)."""

    key: str
    count: Callable[[int], Awaitable[int]]
    # Several users at once in one query (the review queue's author facts); without it the
    # users are counted one by one.
    count_many: Callable[[Sequence[int]], Awaitable[Mapping[int, int]]] | None = None

    def install(self) -> None:
        COUNTERS.add(self.key, self)


COUNTERS: Registry[ApprovedCounter] = Registry("approved-item counters")

MAX_LINKS_NEW = 2
MAX_MENTIONS_NEW = 3
LINK_RE = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
MENTION_RE = re.compile(r"(?<![\w@])@[\w\u3400-\u9fff.\-]{2,32}")


async def approved_items(user_id: int) -> int:
    total = 0
    for counter in COUNTERS:
        total += await counter.count(user_id)
    return total


async def approved_items_of(user_ids: Sequence[int]) -> dict[int, int]:
    """Approved items per user for a page of users: one query per counter."""
    totals = dict.fromkeys(user_ids, 0)
    for counter in COUNTERS:
        if counter.count_many is not None:
            counts = await counter.count_many(user_ids)
        else:
            counts = {uid: await counter.count(uid) for uid in user_ids}
        for uid, n in counts.items():
            totals[uid] = totals.get(uid, 0) + n
    return totals


async def is_new_account(actor: Viewer) -> bool:
    if actor.user_id is None:
        return True
    settings = get_settings()
    if is_exempt_from_new_member_rules(actor, trust_confirmed=settings.trust_confirmed_members):
        return False
    created = await User.filter(id=actor.user_id).values_list("created_at", flat=True)
    if not created:
        return True
    age = utcnow() - created[0]  # type: ignore[operator]
    if age < dt.timedelta(days=settings.new_account_days):
        return True
    if not len(COUNTERS):
        return False
    return await approved_items(actor.user_id) < settings.new_account_min_posts


def check_caps(text: str, field: str) -> None:
    """Links and mentions allowed to new accounts (raises ActionError naming the cap)."""
    links = len(LINK_RE.findall(text))
    if links > MAX_LINKS_NEW:
        raise ActionError(
            f"新成员每条内容最多包含 {MAX_LINKS_NEW} 个链接（当前 {links} 个），请删减后再提交",
            field=field,
        )
    mentions = len(set(MENTION_RE.findall(text)))
    if mentions > MAX_MENTIONS_NEW:
        raise ActionError(
            f"新成员每条内容最多提及 {MAX_MENTIONS_NEW} 人（当前 {mentions} 人），请删减后再提交",
            field=field,
        )
