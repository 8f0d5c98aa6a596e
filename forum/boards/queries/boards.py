"""Boards: the per-request board index (every board with its policy facts), the board list,
moderators, and the orgs where the viewer may create boards.

The board table is small (tens to hundreds of rows), so each request loads all boards with
their grants in one statement and evaluates the policy on the snapshots (`BoardAccess`); list
queries then filter by the readable board ids at query level.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from forum.boards.models import Board, BoardModerator, Topic
from forum.clock import utcnow
from forum.db import raw
from forum.errors import NotFound
from forum.models import Org
from forum.policy import (
    NOTHING,
    BoardAccess,
    GrantRule,
    Viewer,
    can_see_board,
    ensure_visible,
    managed_orgs,
    readable_board_ids,
)

UNREAD_WINDOW = dt.timedelta(days=30)


@dataclass
class BoardIndex:
    """All boards of the site, each with its `access` snapshot attached."""

    boards: dict[int, Board]

    def get(self, board_id: int) -> Board | None:
        return self.boards.get(board_id)

    def accesses(self) -> list[BoardAccess]:
        return [b.access for b in self.boards.values()]


def _prefixed(model: type[Board] | type[Org], alias: str) -> str:
    """Every column of `model` as `alias_column` (so new fields follow automatically)."""
    return ", ".join(f'{alias}."{c}" AS "{alias}_{c}"' for c in sorted(model._meta.db_fields))


def _unprefixed(row: dict[str, Any], alias: str) -> dict[str, Any]:
    cut = len(alias) + 1
    return {k[cut:]: v for k, v in row.items() if k.startswith(alias + "_")}


async def board_index() -> BoardIndex:
    """All boards with their org and grant rows: one statement (every request asks)."""
    rows = await raw(
        f"SELECT {_prefixed(Board, 'b')}, {_prefixed(Org, 'o')}, "  # noqa: S608
        "g.verb AS g_verb, g.min_status AS g_min_status, g.scope AS g_scope, "
        "g.deny_sanctioned AS g_deny_sanctioned "
        "FROM boards_boards b LEFT JOIN orgs o ON o.id = b.org_id "
        "LEFT JOIN boards_grants g ON g.board_id = b.id ORDER BY b.id, g.id",
        [],
    )
    by_id: dict[int, Board] = {}
    grants: dict[int, dict[str, GrantRule]] = {}
    for row in rows:
        board_id = int(row["b_id"])
        if board_id not in by_id:
            board = Board._init_from_db(**_unprefixed(row, "b"))
            board.org = Org._init_from_db(**_unprefixed(row, "o")) if row["o_id"] else None
            by_id[board_id] = board
            grants[board_id] = {}
        if row["g_verb"] is not None:
            grants[board_id][str(row["g_verb"])] = GrantRule(
                str(row["g_min_status"]), str(row["g_scope"]), bool(row["g_deny_sanctioned"])
            )

    def hidden(board: Board) -> bool:
        seen: set[int] = set()
        current: Board | None = board
        while current is not None and current.id not in seen:
            if current.hidden:
                return True
            seen.add(current.id)
            current = by_id.get(current.parent_id) if current.parent_id else None
        return False

    for b in by_id.values():
        b.access = BoardAccess(
            board_id=b.id,
            kind=str(b.kind),
            org_id=b.org_id,
            org_path=b.org.path if b.org is not None else None,
            hidden=hidden(b),
            grants=grants[b.id],
        )
    return BoardIndex(by_id)


async def get_board_for(viewer: Viewer, board_id: int, index: BoardIndex | None = None) -> Board:
    index = index or await board_index()
    board = index.get(board_id)
    if board is None:
        raise NotFound()
    ensure_visible(can_see_board(viewer, board.access))
    return board


def attach_board(topics: Iterable[Topic], board: Board) -> None:
    """Give each topic its board and the board's policy facts (`topic.access`)."""
    for t in topics:
        t.access = board.access
        t.board = board


@dataclass
class BoardRow:
    board: Board
    unread: int = 0


@dataclass
class BoardList:
    site: list[BoardRow] = field(default_factory=list)
    mine: list[BoardRow] = field(default_factory=list)
    other: list[BoardRow] = field(default_factory=list)


async def unread_counts(viewer: Viewer, board_ids: list[int]) -> dict[int, int]:
    """Per board: recently active topics with posts the viewer has not read (one query)."""
    if viewer.user_id is None or not board_ids:
        return {}
    marks = ",".join("?" for _ in board_ids)
    since = utcnow() - UNREAD_WINDOW
    rows = await raw(
        "SELECT t.board_id AS board_id, COUNT(*) AS n FROM boards_topics t "  # noqa: S608
        "LEFT JOIN boards_topic_reads r ON r.topic_id = t.id AND r.user_id = ? "
        f"WHERE t.board_id IN ({marks}) AND t.hidden = ? AND t.last_activity_at > ? "
        "AND (r.id IS NULL OR r.last_read_number < t.last_number) GROUP BY t.board_id",
        [viewer.user_id, *board_ids, False, since],
    )
    return {int(r["board_id"]): int(r["n"]) for r in rows}


async def board_list(viewer: Viewer) -> BoardList:
    index = await board_index()
    visible = [b for b in index.boards.values() if can_see_board(viewer, b.access)]
    visible.sort(key=lambda b: (b.org.path if b.org else "", b.position, b.id))
    counts = await unread_counts(viewer, readable_board_ids(viewer, [b.access for b in visible]))
    result = BoardList()
    my_paths = [p for p in (viewer.org_path, viewer.host_org_path) if p]
    for b in visible:
        row = BoardRow(b, counts.get(b.id, 0))
        if b.org is None:
            result.site.append(row)
        elif any(p.startswith(b.org.path) for p in my_paths):
            result.mine.append(row)
        else:
            result.other.append(row)
    return result


async def board_moderators(board: Board) -> list[BoardModerator]:
    return (
        await BoardModerator.filter(board_id=board.id).select_related("user", "org").order_by("id")
    )


async def creatable_orgs(viewer: Viewer) -> list[Org]:
    """Orgs where the viewer may create boards: those they administer (site admins: all;
    suspended accounts: none), the policy's `managed_orgs`, as `can_create_board` decides."""
    clause = managed_orgs(viewer)
    if clause is NOTHING:
        return []
    return await Org.filter(clause, is_active=True).order_by("path").limit(500)
