"""Kinds of content that can be flagged and moderated, registered by the parts that own them.

`moderation.wiring` registers `post`, `topic`, `meeting_message`, `disclosure_feedback` and
`display_name` (modules `moderation/*_targets.py`):

    register_flag_target(
        "post", label="回帖", load=load_post_info, hide=hide_post, restore=restore_post,
        delete=delete_post, edit=edit_post, visible_to=lambda viewer, info: ...,
    )

`load(id)` returns a `TargetInfo` (author, org/board scope, excerpt, url, state) or None.
The callbacks change the part's own rows and run INSIDE moderation's transaction (which
also writes the audit row); they return the realtime events they appended, and moderation
publishes them after commit. `delete` is soft: `restore` brings a hidden or deleted item back.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field

from forum.errors import NotFound
from forum.events import ChannelEvent
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


Loader = Callable[[int], Awaitable[TargetInfo | None]]
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


_targets: dict[str, FlagTarget] = {}


def register_flag_target(
    kind: str,
    *,
    label: str,
    load: Loader,
    hide: Callback,
    restore: Callback,
    delete: Callback,
    edit: EditCallback | None = None,
    visible_to: Visibility = _always,
) -> None:
    _targets[kind] = FlagTarget(kind, label, load, hide, restore, delete, edit, visible_to)


def unregister_flag_target(kind: str) -> None:
    _targets.pop(kind, None)


def target_kind(kind: str) -> FlagTarget:
    target = _targets.get(kind)
    if target is None:
        raise NotFound()
    return target


def kinds() -> dict[str, FlagTarget]:
    return dict(_targets)


async def load_target(kind: str, target_id: int) -> tuple[FlagTarget, TargetInfo]:
    target = target_kind(kind)
    info = await target.load(target_id)
    if info is None:
        raise NotFound()
    return target, info
