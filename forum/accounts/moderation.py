"""Display names in the moderation tools: a name with "review" or "flag" words becomes a
`display_name` review item referencing the account (`moderation.hooks.display_name_saved`).

The name stays in use while it waits: hiding or deleting it resets the display name to the
username (the moderator can then sanction the account if needed); restoring, approving or
dismissing keeps the current name. Only the word filter queues names, nobody flags them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from forum.events import ChannelEvent
from forum.models import Member, User
from forum.policy import Viewer, can_moderate_scope
from moderation.registry import FlagTarget, Place, TargetInfo

KIND = "display_name"


async def load_name(user_id: int) -> TargetInfo | None:
    user = await User.get_or_none(id=user_id)
    if user is None:
        return None
    member = await Member.filter(user_id=user.id).select_related("org").first()
    return TargetInfo(
        kind=KIND,
        id=user.id,
        author_id=user.id,
        org_path=member.org.path if member is not None else "",
        excerpt=f"{user.display_name}（用户名 {user.username}）",
        url=f"/moderation/sanctions?username={user.username}",
    )


def name_visible(viewer: Viewer, info: TargetInfo) -> bool:
    return can_moderate_scope(viewer, info.org_path)  # site moderators: everywhere


async def reset_name(user_id: int, actor: Viewer, reason: str) -> Sequence[ChannelEvent]:
    user = await User.get(id=user_id)
    await User.filter(id=user.id).update(display_name=user.username)
    return []


async def keep_name(user_id: int, actor: Viewer, reason: str) -> Sequence[ChannelEvent]:
    return []


async def name_places(user_ids: Sequence[int]) -> Mapping[int, Place]:
    """A display name sits on the account itself: one query."""
    rows = await User.filter(id__in=list(user_ids)).values_list("id", "username")
    return {
        int(uid): Place(f"账号：{name}", f"/moderation/sanctions?username={name}")
        for uid, name in rows
    }


FLAG_TARGET = FlagTarget(
    KIND,
    label="显示名称",
    load=load_name,
    hide=reset_name,
    restore=keep_name,
    delete=reset_name,
    visible_to=name_visible,
    places=name_places,
)
