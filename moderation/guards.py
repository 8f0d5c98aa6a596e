"""What moderation adds to every account: sanction facts on the viewer, the suspension
login guard, the sensitive-word check of display names and their review."""

from __future__ import annotations

import dataclasses

from forum.clock import utcnow
from forum.errors import Forbidden
from forum.identity import LoginGuard, NameCheck, NameSaved
from forum.models import User
from forum.policy import Viewer
from forum.viewer import ViewerFacts
from moderation.hooks import check_display_name, display_name_saved
from moderation.models import SanctionKind
from moderation.sanctions import active_sanctions, local_time


def sanction_column(postgres: bool) -> str:
    """The account's running sanctions as bits (1 a silence, 2 a suspension), riding in the
    viewer's statement (`ViewerFacts.column`): the same filter as `active_sanctions`."""
    return (
        "SELECT COALESCE(SUM(DISTINCT CASE WHEN sa.kind = ? THEN 1 ELSE 2 END), 0) "
        "FROM moderation_sanctions sa WHERE sa.user_id = u.id AND sa.kind IN (?, ?) "
        "AND sa.lifted_at IS NULL AND sa.starts_at <= ? AND sa.ends_at > ?"
    )


def sanction_params() -> list[object]:
    now = utcnow()
    silence, suspend = SanctionKind.silence.value, SanctionKind.suspend.value
    return [silence, silence, suspend, now, now]


def apply_sanctions(viewer: Viewer, value: object) -> Viewer:
    bits = int(str(value or 0))
    if not bits:
        return viewer
    return dataclasses.replace(
        viewer,
        silenced=viewer.silenced or bool(bits & 1),
        suspended=viewer.suspended or bool(bits & 2),
    )


async def sanction_facts(viewer: Viewer) -> Viewer:
    """`Viewer.silenced` / `Viewer.suspended` from running sanctions (one query)."""
    if viewer.user_id is None:
        return viewer
    kinds = {str(s.kind) for s in await active_sanctions(viewer.user_id)}
    if not kinds:
        return viewer
    return dataclasses.replace(
        viewer,
        silenced=viewer.silenced or SanctionKind.silence in kinds,
        suspended=viewer.suspended or SanctionKind.suspend in kinds,
    )


async def suspension_guard(user: User) -> None:
    for sanction in await active_sanctions(user.id):
        if sanction.kind == SanctionKind.suspend:
            raise Forbidden(
                f"您的账号已被封禁至 {local_time(sanction.ends_at)}，原因：{sanction.reason}"
            )


PROVIDES = (
    ViewerFacts(
        "moderation.sanctions",
        sanction_facts,
        column=sanction_column,
        params=sanction_params,
        apply=apply_sanctions,
    ),
    LoginGuard("moderation.suspension", suspension_guard),
    NameCheck("moderation.words", check_display_name),
    NameSaved("moderation.review", display_name_saved),
)
