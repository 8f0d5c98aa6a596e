"""What other parts call before they accept user text (STUB until the moderation issue lands).

- `screen_text` runs the sensitive-word filter: it raises ActionError for a "block" word,
  returns the text with "replace" words masked, and says whether the item needs review or
  should be flagged.
- `check_post_rate` enforces the per-account posting cooldown (and slow mode when
  `slow_mode_seconds` is given), raising RateLimited with Retry-After.
- `needs_premoderation` is True for new accounts whose posts go to the review queue first.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from forum.policy import Viewer


@dataclass(frozen=True)
class Screened:
    text: str
    needs_review: bool = False
    flag_reasons: tuple[str, ...] = field(default_factory=tuple)


async def screen_text(actor: Viewer, text: str, *, field: str) -> Screened:
    return Screened(text=text)


async def check_post_rate(actor: Viewer, *, scope: str, slow_mode_seconds: int = 0) -> None:
    return None


async def needs_premoderation(actor: Viewer) -> bool:
    return False
