"""What other parts call before they accept user text (the moderation contract).

- `screen_text` runs the sensitive-word filter: it raises ActionError for a "block" word
  (naming the word's category and the offending text), returns the text with "replace"
  words masked, and says whether the item needs review or should be flagged. For new
  accounts it also enforces the link and mention caps (not on display names or titles).
- `check_post_rate` refuses silenced/suspended accounts (403) and enforces the per-account
  posting cooldown (and slow mode when `slow_mode_seconds` is given), raising RateLimited
  (429) with Retry-After. Scopes `meeting:{id}` (live chat) get a burst limit instead of the
  posting cooldown (5 messages per 10 s per account and meeting).
- `needs_premoderation` is True for new accounts whose posts go to the review queue first:
  the part stores the item held back, then calls `enqueue_review(kind, id,
  source="premoderation", hidden=True)`; approving it calls the part's `restore`.
- `enqueue_review` also takes word-filter hits (`source="word_filter"`, reasons from
  `Screened.flag_reasons`). Declare the item kind first with
  a `moderation.registry.FlagTarget` in the part's `provides`; count approved items for the
  "new account" rule with a `moderation.newmembers.ApprovedCounter`, and declare what
  approving a held item must still send (notifications) with a `moderation.review.Release`.
- Who counts as new is the policy's `is_exempt_from_new_member_rules` plus the account's
  age and approved items (`moderation.newmembers.is_new_account`): members whose record an
  org confirmed are not premoderated while `FORUM_TRUST_CONFIRMED_MEMBERS` is on.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from contextvars import ContextVar
from dataclasses import dataclass, field

from forum.errors import ActionError
from forum.policy import Viewer
from moderation import newmembers, ratelimit, review, words
from moderation.models import ReviewItem
from moderation.wordfilter import mask

__all__ = [
    "Screened",
    "check_post_rate",
    "enqueue_review",
    "hold_back",
    "needs_premoderation",
    "route_review",
    "screen_text",
    "seeding",
]

# Set while scripts seed data (`forum demo`): no cooldowns, caps or premoderation.
_seeding: ContextVar[bool] = ContextVar("moderation_seeding", default=False)


@contextlib.contextmanager
def seeding() -> Iterator[None]:
    """Seed data through the real actions without new-member rules and posting cooldowns
    (the word filter still applies)."""
    token = _seeding.set(True)
    try:
        yield
    finally:
        _seeding.reset(token)


# Fields that are names or titles: no link/mention caps there.
_NAME_FIELDS = frozenset({"display_name", "title", "name", "username"})


@dataclass(frozen=True)
class Screened:
    text: str
    needs_review: bool = False
    flag_reasons: tuple[str, ...] = field(default_factory=tuple)


async def screen_text(actor: Viewer, text: str, *, field: str) -> Screened:
    matcher = await words.matcher()
    matches = matcher.find(text)
    blocked = [m for m in matches if m.entry.action == "block"]
    if blocked:
        first = blocked[0]
        raise ActionError(
            f"内容包含不允许发布的{first.entry.category}词语“{first.original(text)}”，请修改后再提交",
            field=field,
        )
    if (
        field not in _NAME_FIELDS
        and actor.user_id is not None
        and not _seeding.get()
        and await newmembers.is_new_account(actor)
    ):
        newmembers.check_caps(text, field)
    replaced = mask(text, [m for m in matches if m.entry.action == "replace"])
    reasons = tuple(
        dict.fromkeys(
            f"{m.entry.category}：{m.entry.word}"
            for m in matches
            if m.entry.action in ("review", "flag")
        )
    )
    return Screened(
        text=replaced,
        needs_review=any(m.entry.action == "review" for m in matches),
        flag_reasons=reasons,
    )


async def check_post_rate(actor: Viewer, *, scope: str, slow_mode_seconds: int = 0) -> None:
    if _seeding.get():
        return
    await ratelimit.check_post_rate(actor, scope=scope, slow_mode_seconds=slow_mode_seconds)


async def needs_premoderation(actor: Viewer) -> bool:
    return not _seeding.get() and await newmembers.is_new_account(actor)


async def enqueue_review(
    kind: str, target_id: int, *, source: str, reasons: Sequence[str] = (), hidden: bool = False
) -> ReviewItem:
    return await review.enqueue_review(
        kind, target_id, source=source, reasons=reasons, hidden=hidden
    )


PREMODERATION_REASON = "新成员发布，待审核"


async def hold_back(actor: Viewer, *screened: Screened, premoderate: bool = True) -> bool:
    """Whether a new item must be stored held back (not visible) until a moderator approves
    it: a "review" word in any of its screened texts, or (with `premoderate`) a new account."""
    if any(s.needs_review for s in screened):
        return True
    return premoderate and await needs_premoderation(actor)


async def route_review(kind: str, target_id: int, *screened: Screened, held: bool) -> None:
    """After the item is committed: put it in its scope's review queue when needed.

    - held back (`hold_back` said so): queued hidden, approving it restores it; the source
      is the word filter for "review" words, premoderation otherwise;
    - visible but with "flag" words: a system flag (sensitive content, the matched words)
      queues it for a look while it stays published.
    """
    reasons = list(dict.fromkeys(r for s in screened for r in s.flag_reasons))
    if held:
        word = any(s.needs_review for s in screened)
        await enqueue_review(
            kind,
            target_id,
            source="word_filter" if word else "premoderation",
            reasons=reasons if word else [PREMODERATION_REASON, *reasons],
            hidden=True,
        )
    elif reasons:
        await enqueue_review(kind, target_id, source="word_filter", reasons=reasons)


async def check_display_name(name: str, field_name: str) -> str:
    """Registered in `forum.accounts.actions.display_name_checks`: block words refuse,
    replace words are masked; names with review/flag words are accepted and queued for a
    look after they are saved (`display_name_saved`)."""
    return (await screen_text(Viewer(), name, field=field_name)).text


async def display_name_saved(user_id: int, name: str) -> None:
    """Registered in `forum.accounts.actions.display_name_hooks`: a name with "review" or
    "flag" words becomes a `display_name` review item referencing the account (hiding it
    resets the name to the username)."""
    screened = await screen_text(Viewer(), name, field="display_name")
    if screened.flag_reasons:
        await enqueue_review(
            "display_name", user_id, source="word_filter", reasons=screened.flag_reasons
        )
