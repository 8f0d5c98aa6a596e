"""The disclosures part's verb table: the workflow steps, one entry each, used by the HTML
forms (`POST /disclosures/{id}/{step}`) and the JSON API (`POST .../transitions`) alike.
An unknown step is a 404 in both."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from forum.errors import NotFound
from forum.policy import Viewer
from transparency import actions
from transparency.models import Disclosure


@dataclass(frozen=True)
class StepInput:
    reason: str = ""
    note: str = ""
    checklist: list[str] = field(default_factory=list)


Step = Callable[[Viewer, Disclosure, StepInput], Awaitable[Disclosure]]

STEPS: dict[str, Step] = {
    "propose": lambda v, d, i: actions.propose_disclosure(v, d),
    "review": lambda v, d, i: actions.review_disclosure(v, d, i.checklist, i.note),
    "approve": lambda v, d, i: actions.approve_disclosure(v, d),
    "publish": lambda v, d, i: actions.publish_disclosure(v, d),
    "reject": lambda v, d, i: actions.reject_disclosure(v, d, i.reason),
    "withdraw": lambda v, d, i: actions.withdraw_disclosure(v, d, i.reason),
}


async def take_step(viewer: Viewer, d: Disclosure, name: object, data: StepInput) -> Disclosure:
    step = STEPS.get(name) if isinstance(name, str) else None
    if step is None:
        raise NotFound()
    return await step(viewer, d, data)
