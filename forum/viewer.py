"""Build the policy `Viewer` once per request or websocket connection."""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from tortoise.exceptions import DoesNotExist

from forum.clock import utcnow
from forum.db import is_postgres, raw
from forum.models import User
from forum.parts import Registry
from forum.policy import ANONYMOUS, RoleGrant, Viewer


@dataclass(frozen=True)
class ViewerFacts:
    """Facts a part adds to every viewer (sanctions, board moderator grants).

    Preferably as a `column`: a scalar subquery (constant SQL; `u.id` is the account, `?` its
    `params()`, in order; `column(postgres)` may differ by dialect) that rides in the viewer's
    one statement, its value handed to `apply(viewer, value)`. Otherwise `load` receives the
    viewer built so far and returns an updated one (`dataclasses.replace`): one more
    statement per request."""

    key: str
    load: Callable[[Viewer], Awaitable[Viewer]] | None = None
    column: Callable[[bool], str] | None = None
    params: Callable[[], list[Any]] = list
    apply: Callable[[Viewer, Any], Viewer] | None = None

    def install(self) -> None:
        FACTS.add(self.key, self)


FACTS: Registry[ViewerFacts] = Registry("viewer facts")


# One statement builds the whole viewer: the account, its membership record with both orgs,
# and its current roles (one row per role, or one row with NULL role columns). Every join
# follows a primary key or a unique/indexed foreign key (members.user_id is unique,
# org_roles has (user_id, ended_at)).
_VIEWER_COLUMNS = (
    "SELECT u.id AS user_id, u.username AS username, u.display_name AS display_name, "
    "m.id AS member_id, m.status AS status, m.on_probation_sanction AS on_probation_sanction, "
    "m.membership_suspended AS membership_suspended, m.floating AS floating, "
    "o.id AS org_id, o.path AS org_path, o.kind AS org_kind, o.parent_id AS org_parent_id, "
    "h.path AS host_org_path, r.id AS role_id, r.role AS role, r.org_id AS role_org_id, "
    "ro.path AS role_org_path, "
    # The bell's count rides along: one COUNT on notifications (user_id, read_at).
    "(SELECT COUNT(*) FROM notifications n WHERE n.user_id = u.id AND n.read_at IS NULL) "
    "AS unread_notifications "
)
_VIEWER_JOINS = (
    "LEFT JOIN members m ON m.user_id = u.id "
    "LEFT JOIN orgs o ON o.id = m.org_id "
    "LEFT JOIN orgs h ON h.id = m.host_org_id "
    "LEFT JOIN org_roles r ON r.user_id = u.id AND r.ended_at IS NULL "
    "LEFT JOIN orgs ro ON ro.id = r.org_id "
)
_BY_SESSION = (
    "FROM auth_sessions s JOIN users u ON u.id = s.user_id "
    + _VIEWER_JOINS
    # Only constant fragments are concatenated; values are parameters.
    + "WHERE s.id = ? AND s.revoked_at IS NULL AND s.expires_at > ? AND u.is_active = ? "
    "ORDER BY r.id"
)
_BY_USER = "FROM users u " + _VIEWER_JOINS + "WHERE u.id = ? ORDER BY r.id"


def _with_facts(tail: str) -> tuple[str, list[ViewerFacts]]:
    """The statement: the viewer's columns, every column fact's subquery, then `tail`."""
    columns = [f for f in FACTS if f.column is not None]
    postgres = is_postgres() if columns else False
    extra = "".join(
        f", ({f.column(postgres)}) AS fact_{i} "  # type: ignore[misc]
        for i, f in enumerate(columns)
    )
    return _VIEWER_COLUMNS + extra + tail, columns


async def _load(statement: str, params: list[Any], session_id: str | None) -> Viewer | None:
    sql, columns = _with_facts(statement)
    fact_params = [p for f in columns for p in f.params()]
    rows = await raw(sql, [*fact_params, *params])
    if not rows:
        return None
    viewer = _build(rows, session_id=session_id)
    for i, facts in enumerate(columns):
        if facts.apply is not None:
            viewer = facts.apply(viewer, rows[0][f"fact_{i}"])
    for facts in FACTS:
        if facts.column is None and facts.load is not None:
            viewer = await facts.load(viewer)
    return viewer


async def load_viewer(session_id: str | None) -> Viewer:
    """The viewer behind a session id; anonymous when it is missing, expired or revoked.

    One indexed statement (session primary key), the column facts included, plus one per
    extension that only has a `load`.
    """
    if not session_id:
        return ANONYMOUS
    viewer = await _load(_BY_SESSION, [session_id, utcnow(), True], session_id)
    return ANONYMOUS if viewer is None else viewer


async def viewer_for_user(user_id: int, *, session_id: str | None = None) -> Viewer:
    viewer = await _load(_BY_USER, [user_id], session_id)
    if viewer is None:
        raise DoesNotExist(User)
    return viewer


def _build(rows: list[dict[str, Any]], *, session_id: str | None) -> Viewer:
    first = rows[0]
    grants = tuple(
        RoleGrant(role=str(r["role"]), org_id=r["role_org_id"], org_path=r["role_org_path"])
        for r in rows
        if r["role_id"] is not None
    )
    viewer = Viewer(
        user_id=int(first["user_id"]),
        username=str(first["username"]),
        display_name=str(first["display_name"]),
        session_id=session_id,
        roles=grants,
        unread_notifications=int(first["unread_notifications"] or 0),
    )
    if first["member_id"] is not None:
        org_path = str(first["org_path"])
        # A member's "org tree" for seeing fellow members: their branch (a group's parent).
        home_path = org_path
        if str(first["org_kind"]) == "group" and first["org_parent_id"] is not None:
            home_path = org_path.rstrip("/").rsplit("/", 1)[0] + "/"
        viewer = dataclasses.replace(
            viewer,
            member_id=int(first["member_id"]),
            status=str(first["status"]),
            org_id=int(first["org_id"]),
            org_path=org_path,
            home_path=home_path,
            on_probation_sanction=bool(first["on_probation_sanction"]),
            membership_suspended=bool(first["membership_suspended"]),
            floating=bool(first["floating"]),
            host_org_path=first["host_org_path"],
        )
    return viewer
