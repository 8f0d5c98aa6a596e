"""Kinds of content that can be flagged and moderated, registered by the parts that own them.

Each part lists its kinds as `FlagTarget` provisions in its `Part` (boards: `post`, `topic`;
meetings: `meeting_message`; disclosures: `disclosure_feedback`; accounts: `display_name`):

    FlagTarget(
        "post", label="回帖", load=load_post_info, hide=hide_post, restore=restore_post,
        delete=delete_post, edit=edit_post, visible_to=lambda viewer, info: ...,
    )

`load(id)` returns a `TargetInfo` (author, org/board scope, excerpt, url, state) or None.
`places(ids)` (optional) tells the review queue where a batch of items sit: one bounded
query set for a whole page, returning `{id: Place(label, url)}` (e.g. 党建交流 › 主题标题,
with a link to the item in context). Items it leaves out are shown without a place.
The callbacks change the part's own rows and run INSIDE moderation's transaction (which
also writes the audit row); they return the realtime events they appended, and moderation
publishes them after commit. `delete` is soft: `restore` brings a hidden or deleted item back.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field

from forum.errors import NotFound
from forum.events import ChannelEvent
from forum.parts import Registry
from forum.policy import ContentRef, Viewer


@dataclass(frozen=True)
class TargetInfo:
    kind: str
    id: int
    author_id: int | None
    org_path: str = ""
    board_id: int | None = None
    excerpt: str = ""
    url: str = ""
    hidden: bool = False
    deleted: bool = False
    # The owning part's own object (e.g. a topic with its board access) for `visible_to`.
    context: object = field(default=None, compare=False, repr=False)

    @property
    def ref(self) -> ContentRef:
        return ContentRef(author_id=self.author_id, org_path=self.org_path, board_id=self.board_id)


@dataclass(frozen=True)
class Place:
    """Where an item sits, for the moderator: a label such as 「党建交流 › 主题标题」 and the
    link to the item in its context (the post in its topic, the message in its meeting)."""

    label: str
    url: str


Loader = Callable[[int], Awaitable[TargetInfo | None]]
# (target ids) -> {id: Place}; a bounded number of queries for any number of ids
PlaceLoader = Callable[[Sequence[int]], Awaitable[Mapping[int, Place]]]
# (target id, acting moderator, reason) -> events to publish after commit
Callback = Callable[[int, Viewer, str], Awaitable[Sequence[ChannelEvent]]]
# (target id, acting moderator, new raw text, reason) -> events to publish after commit
EditCallback = Callable[[int, Viewer, str, str], Awaitable[Sequence[ChannelEvent]]]
Visibility = Callable[[Viewer, TargetInfo], bool]


def _always(viewer: Viewer, info: TargetInfo) -> bool:
    return True


@dataclass(frozen=True)
class FlagTarget:
    kind: str
    label: str
    load: Loader
    hide: Callback
    restore: Callback
    delete: Callback
    edit: EditCallback | None = None
    visible_to: Visibility = _always
    places: PlaceLoader | None = None

    def install(self) -> None:
        TARGETS.add(self.kind, self)


TARGETS: Registry[FlagTarget] = Registry("flag targets")


def target_kind(kind: str) -> FlagTarget:
    target = TARGETS.get(kind)
    if target is None:
        raise NotFound()
    return target


def kinds() -> dict[str, FlagTarget]:
    return {target.kind: target for target in TARGETS}


async def load_target(kind: str, target_id: int) -> tuple[FlagTarget, TargetInfo]:
    target = target_kind(kind)
    info = await target.load(target_id)
    if info is None:
        raise NotFound()
    return target, info
