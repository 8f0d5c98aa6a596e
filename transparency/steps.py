"""The disclosures part's verb table: the workflow steps, one entry each, used by the HTML
forms (`POST /disclosures/{id}/{step}`) and the JSON API (`POST .../transitions`) alike.
An unknown step is a 404 in both.

Each entry also says what the HTML form answers (every action answers, `forum.answers`):
`done`, the message after the step; and for an irreversible step, `confirm`, the question
asked first, after `check` has raised whatever would refuse the step."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from forum.clock import utcnow
from forum.errors import NotFound
from forum.policy import Viewer
from forum.templating import local
from transparency import actions
from transparency.models import Disclosure


@dataclass(frozen=True)
class StepInput:
    reason: str = ""
    note: str = ""
    checklist: list[str] = field(default_factory=list)


Run = Callable[[Viewer, Disclosure, StepInput], Awaitable[Disclosure]]
Check = Callable[[Viewer, Disclosure, StepInput], Awaitable[object]]


@dataclass(frozen=True)
class Step:
    run: Run
    # The success message, from the item after the step.
    done: Callable[[Disclosure], str]
    # Irreversible steps: the question the HTML form asks first (the template's
    # `data-confirm` says the same), its button, and what would refuse the step.
    confirm: str = ""
    confirm_label: str = ""
    check: Check | None = None


def _published(d: Disclosure) -> str:
    if d.publish_from > utcnow():
        when = local(d.publish_from).strftime("%Y-%m-%d %H:%M")
        return f"已发布「{d.title}」，将于 {when} 起对读者可见。"
    return f"已发布「{d.title}」，读者现在可以看到。"


STEPS: dict[str, Step] = {
    "propose": Step(
        lambda v, d, i: actions.propose_disclosure(v, d),
        lambda d: "已提出，等待保密审查。",
    ),
    "review": Step(
        lambda v, d, i: actions.review_disclosure(v, d, i.checklist, i.note),
        lambda d: "保密审查已通过，等待审批。",
    ),
    "approve": Step(
        lambda v, d, i: actions.approve_disclosure(v, d),
        lambda d: "已审批通过，等待发布。",
    ),
    "publish": Step(
        lambda v, d, i: actions.publish_disclosure(v, d),
        _published,
        confirm="发布后内容不能修改，只能发布更正，公开范围内的读者都能看到。确定发布？",
        confirm_label="发布",
        check=lambda v, d, i: actions.check_publish_disclosure(v, d),
    ),
    "reject": Step(
        lambda v, d, i: actions.reject_disclosure(v, d, i.reason),
        lambda d: "已退回，起草人会看到退回理由。",
    ),
    "withdraw": Step(
        lambda v, d, i: actions.withdraw_disclosure(v, d, i.reason),
        lambda d: f"已撤回「{d.title}」，本事项转入归档并标明撤回理由。",
        confirm="撤回后本事项不能恢复公开，只作为已撤回事项保留在归档中。确定撤回？",
        confirm_label="撤回",
        check=lambda v, d, i: actions.check_withdraw_disclosure(v, d, i.reason),
    ),
}


def get_step(name: object) -> Step:
    step = STEPS.get(name) if isinstance(name, str) else None
    if step is None:
        raise NotFound()
    return step


async def take_step(viewer: Viewer, d: Disclosure, name: object, data: StepInput) -> Disclosure:
    return await get_step(name).run(viewer, d, data)
