"""What a part declares, and the one registry style the composition root fills from it.

A part (boards, members, meetings, disclosures, ...) describes itself in one `Part` object in
its `part.py`: its models, routes, CLI commands, demo seed, and the `provides` it adds to the
kernel and the services (home sections, manage links, viewer facts, body limits, channel
kinds, flag targets ...). Each provision is a small frozen dataclass defined next to the
registry it goes into, with an `install()` that puts it there. Nothing is registered when a
module is imported: `forum.site.install()` walks the parts and installs every provision, so
an action works the same whether or not its routes were imported.
"""

from __future__ import annotations

import argparse
from collections.abc import Awaitable, Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar

from starlette.routing import BaseRoute

if TYPE_CHECKING:  # pragma: no cover - typing only
    from forum.db import Models
    from forum.seeding import DemoContext

T = TypeVar("T")


class Registry(Generic[T]):
    """Items by key, in installation order. `add` replaces an item of the same key, so
    installing the parts twice (a second app in one process) changes nothing."""

    def __init__(self, what: str) -> None:
        self.what = what
        self._items: dict[str, T] = {}

    def add(self, key: str, item: T) -> None:
        self._items[key] = item

    def remove(self, key: str) -> None:
        self._items.pop(key, None)

    def get(self, key: str) -> T | None:
        return self._items.get(key)

    def __iter__(self) -> Iterator[T]:
        return iter(list(self._items.values()))

    def __len__(self) -> int:
        return len(self._items)

    def __contains__(self, key: object) -> bool:
        return key in self._items

    def keys(self) -> list[str]:
        return list(self._items)


class Provision(Protocol):
    """Anything a part adds to a registry of the kernel or of a service."""

    def install(self) -> None: ...


# `forum <name> ...`: adds its sub-parser (arguments, `func`) to the CLI.
CommandRegistrar = Callable[["argparse._SubParsersAction[argparse.ArgumentParser]"], None]
# Seeds the part's demo data through its real actions, after the orgs and accounts exist.
DemoSeed = Callable[["DemoContext"], Awaitable[Any]]


@dataclass(frozen=True)
class Part:
    """One part of the platform, as the composition root sees it."""

    name: str
    models: Sequence[Models] = ()
    routes: Sequence[BaseRoute] = ()
    provides: Sequence[Provision] = ()
    commands: Sequence[CommandRegistrar] = ()
    demo: DemoSeed | None = None
