"""Channel kinds: how the hub authorizes subscriptions and filters events per viewer."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from forum.parts import Registry
from forum.policy import Viewer

# (viewer, object id) -> may subscribe
CanSubscribe = Callable[[Viewer, int], Awaitable[bool]]
# (viewer, event dict with keys channel/id/event/data/audience) -> may receive
CanReceive = Callable[[Viewer, dict[str, Any]], bool]
# (viewer, object id, action name, data) -> ack payload; raise DomainError to refuse
OnAction = Callable[[Viewer, int, str, dict[str, Any]], Awaitable[dict[str, Any]]]
# (object id, event dicts read from the log) -> the same events, in the same order, each as
# today's state allows: content since taken away becomes its removal event, edited content
# carries its current version. One query per read, however many sockets it is replayed to.
Current = Callable[[int, list[dict[str, Any]]], Awaitable[list[dict[str, Any]]]]


@dataclass(frozen=True)
class ChannelKind:
    prefix: str
    can_subscribe: CanSubscribe
    can_receive: CanReceive
    on_action: OnAction | None = None
    current: Current | None = None

    def install(self) -> None:
        KINDS.add(self.prefix, self)


KINDS: Registry[ChannelKind] = Registry("channel kinds")


def kind_for(channel: str) -> tuple[ChannelKind, int] | None:
    """Parse `prefix:id` into its registered kind and object id; None if unknown."""
    prefix, _, raw_id = channel.partition(":")
    kind = KINDS.get(prefix)
    if kind is None or not raw_id.isdigit() or len(raw_id) > 10:
        return None
    return kind, int(raw_id)
