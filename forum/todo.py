"""我的待办: one list of everything waiting for this person, from every part.

Each part that asks somebody to act (a review queue, an approval, a transfer step, a vote to
cast ...) lists a `TodoSource` in its `Part`. A source answers, for one viewer, how many
things wait and the first few of them (`TodoBatch`), each a `TodoItem` that links to the page
where it is done. The kernel knows no part: `/todo` (the page), `/api/v1/todo` (the same as
JSON) and the header's 待办 count (`/api/v1/todo/count`, read by static/js/app.js after the
page has loaded, so no page pays for it) walk the registry.

A source returns only what the policy lets the viewer act on, and returns an empty batch for
everybody else: it asks its own part's policy, exactly as the part's pages do.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from forum.clock import today
from forum.parts import Registry
from forum.policy import Viewer

# The first items shown per source on /todo (the count is always the full count).
ITEMS_PER_SOURCE = 20


@dataclass(frozen=True)
class TodoItem:
    title: str  # what waits, in the user's words ("审核：关于…的公示")
    href: str  # where it is done
    detail: str = ""  # one line of context (org, requester, step)
    due: dt.date | None = None  # a deadline, when the rules set one

    @property
    def overdue(self) -> bool:
        return self.due is not None and self.due < today()


@dataclass(frozen=True)
class TodoBatch:
    count: int  # everything waiting from this source (may exceed len(items))
    items: tuple[TodoItem, ...] = ()
    more_href: str = ""  # the part's own full list, when there are more than shown


EMPTY = TodoBatch(0)

# (viewer, limit) -> the batch; limit=0 asks for the count only.
TodoLoader = Callable[[Viewer, int], Awaitable[TodoBatch]]


@dataclass(frozen=True)
class TodoSource:
    """A kind of thing that waits for someone (`label` heads its group on /todo)."""

    key: str
    order: int
    label: str
    load: TodoLoader

    def install(self) -> None:
        SOURCES.add(self.key, self)


SOURCES: Registry[TodoSource] = Registry("to-do sources")


@dataclass(frozen=True)
class TodoGroup:
    source: TodoSource
    batch: TodoBatch


@dataclass
class TodoList:
    groups: list[TodoGroup] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(g.batch.count for g in self.groups)

    @property
    def overdue(self) -> int:
        return sum(1 for g in self.groups for item in g.batch.items if item.overdue)


def _sources() -> list[TodoSource]:
    return sorted(SOURCES, key=lambda s: (s.order, s.key))


async def todo_list(viewer: Viewer, limit: int = ITEMS_PER_SOURCE) -> TodoList:
    """Every source's batch for the viewer, in order; sources with nothing waiting are left
    out. Anonymous viewers have nothing to do."""
    result = TodoList()
    if not viewer.is_authenticated:
        return result
    for source in _sources():
        batch = await source.load(viewer, limit)
        if batch.count:
            result.groups.append(TodoGroup(source, batch))
    return result


async def todo_counts(viewer: Viewer) -> dict[str, int]:
    """Source key -> count, for sources with something waiting (the header's badge)."""
    listing = await todo_list(viewer, limit=0)
    return {g.source.key: g.batch.count for g in listing.groups}
