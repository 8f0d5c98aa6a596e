"""A seam between the 党员服务 part and the parts that own a workflow a request starts.

A request kind names its key (e.g. `transfer`, 组织关系转接申请). A part that owns the
workflow provides `RequestHandler(kind, accepted)` in its `PART.provides`; when the handling
org accepts a request of that kind, `forum.affairs` calls `accepted(actor, facts)` inside the
acceptance's transaction, and the handler starts its own workflow through its own actions and
returns a link to what it started (shown in the request's thread) or None. The parts never
import each other.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass

from forum.parts import Registry
from forum.policy import Viewer


@dataclass(frozen=True)
class RequestFacts:
    request_id: int
    kind: str
    requester_id: int
    org_id: int  # the accepting org
    answers: Mapping[str, str]


@dataclass(frozen=True)
class RequestHandler:
    kind: str
    accepted: Callable[[Viewer, RequestFacts], Awaitable[str | None]]

    def install(self) -> None:
        HANDLERS.add(self.kind, self)


HANDLERS: Registry[RequestHandler] = Registry("service request handlers")
