"""A verb's arguments, read the same way from an HTML form and from JSON (API body or
websocket `data`): one spec per argument, two readers that give the same typed mapping."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from starlette.datastructures import FormData

from forum.errors import ActionError
from forum.http import INT32_MAX, int_field, int_param
from forum.policy import Viewer
from realtime.meetings.models import Meeting

# str: text as sent; int: a typed number within [minimum, maximum]; id: a row id;
# bool: a flag ("1" in a form); ids: a list of row ids (a repeated form field).
Kind = Literal["str", "int", "id", "bool", "ids"]
Args = dict[str, Any]
Run = Callable[[Viewer, Meeting, Args], Awaitable[dict[str, Any]]]
# Raises what would refuse the step, so the form asks for confirmation only when it can go on.
Check = Callable[[Viewer, Meeting, Args], Awaitable[None]]
# The success message from the arguments and the verb's answer (its ack).
Done = Callable[[Args, dict[str, Any]], str]


@dataclass(frozen=True)
class Arg:
    kind: Kind
    required: bool = False
    default: Any = None  # when absent (str: "", bool: False, ids: [] unless given)
    label: str = ""  # int: the Chinese name the range error gives
    minimum: int = 0
    maximum: int = INT32_MAX


@dataclass(frozen=True)
class Verb:
    """One thing a room can do: the action to call, its arguments, and where the HTML form
    returns (an anchor of the room page, or a sub-page such as `/minutes`).

    Every action answers (`forum.answers`), declared here so every form of the verb (the
    room's, the minutes page's) and the live room say the same: `done`, the success message
    (a text, or a function of the arguments and the answer); for an irreversible step,
    `confirm`, the question asked first (a form's `data-confirm`, the server's confirm page),
    `confirm_label` its button, and `check`, what would refuse the step, run before asking."""

    run: Run
    args: dict[str, Arg] = field(default_factory=dict)
    back: str = ""
    done: str | Done = ""
    confirm: str = ""
    confirm_label: str = "确认"
    check: Check | None = None

    def done_text(self, args: Args, answer: dict[str, Any]) -> str:
        return self.done if isinstance(self.done, str) else self.done(args, answer)


def _absent(name: str, arg: Arg) -> Any:
    if arg.required:
        raise ActionError(f"缺少字段 {name}", field=name)
    if arg.default is not None:
        return arg.default
    return {"str": "", "bool": False, "ids": []}.get(arg.kind)  # a new list each time


def from_data(verb: Verb, data: object) -> Args:
    """Strict JSON: no unknown field, each of its type (a bool is no int here)."""
    if not isinstance(data, dict):
        raise ActionError("data 必须是对象", field="data")
    unknown = sorted(set(data) - set(verb.args))
    if unknown:
        raise ActionError(f"未知字段：{', '.join(unknown)}", field=unknown[0])
    return {
        name: _typed(name, arg, data[name]) if name in data else _absent(name, arg)
        for name, arg in verb.args.items()
    }


def _typed(name: str, arg: Arg, value: object) -> Any:
    if arg.kind == "str" and isinstance(value, str):
        return value
    if arg.kind == "bool" and isinstance(value, bool):
        return value
    if arg.kind == "id" and isinstance(value, int) and not isinstance(value, bool):
        if not 0 < value <= INT32_MAX:
            raise ActionError("编号无效", field=name)
        return value
    if arg.kind == "int" and isinstance(value, int) and not isinstance(value, bool):
        if not arg.minimum <= value <= arg.maximum:
            raise ActionError(f"{arg.label}须在 {arg.minimum} 到 {arg.maximum} 之间", field=name)
        return value
    if arg.kind == "ids" and isinstance(value, list):
        if not all(isinstance(v, int) and not isinstance(v, bool) for v in value):
            raise ActionError("编号列表有误", field=name)
        return value
    raise ActionError(f"字段 {name} 类型有误", field=name)


def from_form(verb: Verb, form: FormData) -> Args:
    """The same mapping from a form's strings: a missing checkbox is False, a blank number
    its default; fields the verb does not take are ignored (the CSRF token)."""
    args: Args = {}
    for name, arg in verb.args.items():
        raw = form.get(name)
        if raw is not None and not isinstance(raw, str):  # a file where text belongs
            raise ActionError(f"字段 {name} 类型有误", field=name)
        if arg.kind == "ids":
            args[name] = [int_param(v) for v in form.getlist(name)]
        elif arg.kind == "bool":
            args[name] = raw == "1"
        elif raw is None or (arg.kind != "str" and not str(raw).strip()):
            # a blank number is its default even where JSON must send one (0 in a count)
            args[name] = arg.default if arg.default is not None else _absent(name, arg)
        elif arg.kind == "int":
            args[name] = int_field(
                form, name, arg.label, minimum=arg.minimum, maximum=arg.maximum, default=None
            )
        elif arg.kind == "id":
            args[name] = int_param(raw)
        else:
            args[name] = raw
    return args
