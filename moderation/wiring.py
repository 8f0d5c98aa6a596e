"""Hooks this part installs into the core: viewer facts, login guard, display-name check."""

from __future__ import annotations

import dataclasses

from forum.accounts import actions as accounts
from forum.errors import Forbidden
from forum.models import User
from forum.policy import Viewer
from forum.viewer import register_viewer_extension
from moderation.hooks import check_display_name, display_name_saved
from moderation.models import SanctionKind
from moderation.sanctions import active_sanctions, local_time


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


def install() -> None:
    from moderation import (
        accounts_targets,
        boards_targets,
        meetings_targets,
        steering,
        transparency_targets,
    )

    accounts_targets.install()
    boards_targets.install()
    meetings_targets.install()
    transparency_targets.install()
    steering.install()
    register_viewer_extension(sanction_facts)
    if suspension_guard not in accounts.login_guards:
        accounts.login_guards.append(suspension_guard)
    if check_display_name not in accounts.display_name_checks:
        accounts.display_name_checks.append(check_display_name)
    if display_name_saved not in accounts.display_name_hooks:
        accounts.display_name_hooks.append(display_name_saved)
