"""@mention suggestions for the composer: people the viewer may see in the member directory
(`visible_members`) whose username starts with, or whose display name contains, what was
typed; in a topic only those who may read it (a mention there notifies them), on a board's
new-topic form only those who may read the board."""

from __future__ import annotations

from dataclasses import dataclass

from tortoise.expressions import Q

from forum.boards.models import Board, Topic
from forum.models import Member, User
from forum.policy import (
    NOTHING,
    Viewer,
    can_compose,
    can_read_board,
    can_read_topic,
    can_see_member_field,
    ensure,
    visible_members,
)

SUGGEST_LIMIT = 8
# Candidates read per request: enough for SUGGEST_LIMIT after the readers' check, each of
# which builds the candidate's viewer (one indexed statement plus the viewer facts).
CANDIDATES = 2 * SUGGEST_LIMIT
QUERY_MAX = 32  # a username or display name is at most 32 characters


@dataclass(frozen=True)
class Suggestion:
    username: str
    display_name: str
    org: str  # "" when the viewer may not see it


def _ranked(q: str, people: list[tuple[Member, User]]) -> list[tuple[Member, User]]:
    """Exact and prefix matches first, then the rest by display name."""
    low = q.lower()

    def rank(pair: tuple[Member, User]) -> tuple[int, str]:
        name, display = pair[1].username.lower(), pair[1].display_name.lower()
        if low in (name, display):
            return 0, display
        if name.startswith(low) or display.startswith(low):
            return 1, display
        return 2, display

    return sorted(people, key=rank)


async def _may_read(user: User, topic: Topic | None, board: Board | None) -> bool:
    from forum.viewer import viewer_for_user  # the kernel's viewer builder (import cycle)

    if topic is None and board is None:
        return True
    other = await viewer_for_user(user.id)
    if topic is not None:
        return can_read_topic(other, topic)
    return board is not None and can_read_board(other, board.access)


async def suggest_mentions(
    viewer: Viewer, q: str, *, topic: Topic | None = None, board: Board | None = None
) -> list[Suggestion]:
    """At most SUGGEST_LIMIT people; the query runs inside the viewer's directory scope (the
    members' org index, the users' primary key) and reads at most CANDIDATES rows."""
    ensure(can_compose(viewer))
    text = q.strip().lstrip("@")[:QUERY_MAX]
    scope = visible_members(viewer)
    if not text or scope is NOTHING:
        return []
    matches = Q(user__username__istartswith=text) | Q(user__display_name__icontains=text)
    members = (
        await Member.filter(scope, matches, user__is_active=True)
        .exclude(user_id=viewer.user_id)
        .order_by("user__display_name", "id")
        .limit(CANDIDATES)
        .select_related("user", "org")
    )
    people = [(m, m.user) for m in members if m.user is not None]
    found: list[Suggestion] = []
    for member, user in _ranked(text, people):
        if not await _may_read(user, topic, board):
            continue
        org = member.org.name if can_see_member_field(viewer, member, "org") else ""
        found.append(Suggestion(user.username, user.display_name, org))
        if len(found) == SUGGEST_LIMIT:
            break
    return found
