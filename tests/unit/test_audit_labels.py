"""Every audit action code the source emits has a Chinese label, and every target type a name.

The codes are collected from the source itself: each `audit.record(actor, CODE, TYPE, ...)`
call (a string, or a conditional between strings) and the helpers that pass a code on
(`transfers._log`, the disclosures' `_transition`). A code built at run time (an f-string or
a variable) must be listed in DYNAMIC with every value it can take: a new one fails here
until it is, so no code reaches the audit page as a raw `thing.verb`.
"""

from __future__ import annotations

import ast
from pathlib import Path

from forum import audit
from forum.policy import SERVICE_STEPS, TRANSFER_STEPS
from moderation.models import SANCTION_LABELS
from moderation.registry import TARGETS
from moderation.review import DECISIONS

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ("forum", "realtime", "moderation", "transparency")

# (file, the call's code expression as written) -> every code it can produce
DYNAMIC: dict[tuple[str, str], set[str]] = {
    ("forum/boards/actions/topics.py", "f'topic.{(verb[0] if value else verb[1])}'"): {
        f"topic.{v}" for v in ("pinned", "unpinned", "closed", "reopened", "hidden", "unhidden")
    },
    ("forum/members/floating.py", "f'floating.{direction}_registered'"): {
        "floating.outflow_registered",
        "floating.inflow_registered",
    },
    ("forum/learning/actions.py", "code"): {
        "learning.submitted",
        "learning.published",
        "learning.withdrawn",
    },
    ("forum/members/transfers.py", "action"): set(),  # the codes come through `_log` below
    ("forum/members/discipline.py", "action"): set(),  # the codes come through `_log` calls
    # `_resolved_audit(actor, "member.duplicate_merged" | "member.duplicate_dismissed", ...)`
    # `_history(actor, item, member, "member.roll_exclusion_<step>", ...)`
    ("forum/members/exclusions.py", "action"): {
        f"member.roll_exclusion_{step}"
        for step in ("proposed", "approved", "rejected", "passed", "ended")
    },
    ("forum/members/duplicates.py", "action"): {
        "member.duplicate_merged",
        "member.duplicate_dismissed",
    },
    ("forum/affairs/actions.py", "f'service.{verb}'"): {f"service.{v}" for v in SERVICE_STEPS},
    ("moderation/review.py", "f'content.{decision}'"): {f"content.{d}" for d in DECISIONS},
    ("moderation/sanctions.py", "f'sanction.{kind}'"): {f"sanction.{k}" for k in SANCTION_LABELS},
    ("moderation/sanctions.py", "f'sanction.lift_{sanction.kind}'"): {
        "sanction.lift_silence",
        "sanction.lift_suspend",
    },
    (
        "realtime/meetings/actions/room.py",
        "f\"meeting.participant_{('muted' if kind == 'mute' else 'removed')}\"",
    ): {"meeting.participant_muted", "meeting.participant_removed"},
    ("transparency/actions/workflow.py", "f'disclosure.{action}'"): set(),  # via `_transition`
    # transfers._log(actor, transfer, org, CODE, ...) with CODE = f"transfer.{step.target}"
    ("forum/members/transfers.py", "f'transfer.{step.target}'"): {
        f"transfer.{step.target}" for step in TRANSFER_STEPS.values()
    },
}

# Helpers that take the code as an argument: (file, function name, argument index, prefix)
RELAYS = (
    ("forum/members/transfers.py", "_log", 3, ""),
    ("transparency/actions/workflow.py", "_transition", 2, "disclosure."),
)


def _strings(node: ast.expr) -> list[str] | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        body, other = _strings(node.body), _strings(node.orelse)
        return None if body is None or other is None else body + other
    return None


def _calls() -> list[tuple[str, str, ast.expr, ast.expr | None]]:
    """(file, kind, code expression, target type expression) of every emitting call."""
    found = []
    for package in SOURCES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            rel = path.relative_to(ROOT).as_posix()
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if not isinstance(node, ast.Call):
                    continue
                func = node.func
                if (
                    isinstance(func, ast.Attribute)
                    and func.attr == "record"
                    and isinstance(func.value, ast.Name)
                    and func.value.id == "audit"
                ):
                    target = node.args[2] if len(node.args) > 2 else None
                    found.append((rel, "record", node.args[1], target))
                for file, name, index, prefix in RELAYS:
                    relays = rel == file and isinstance(func, ast.Name) and func.id == name
                    if relays and len(node.args) > index:
                        found.append((rel, prefix, node.args[index], None))
    return found


def emitted_codes() -> tuple[set[str], set[str]]:
    codes: set[str] = set()
    targets: set[str] = set()
    unknown: list[tuple[str, str]] = []
    for rel, kind, expr, target in _calls():
        values = _strings(expr)
        if values is None:
            key = (rel, ast.unparse(expr))
            if key not in DYNAMIC:
                unknown.append(key)
                continue
            values = sorted(DYNAMIC[key])
        prefix = kind if kind != "record" else ""
        codes |= {prefix + v for v in values}
        if target is not None:
            names = _strings(target)
            if names is not None:
                targets |= set(names)
    assert unknown == [], f"list the codes these calls can emit in DYNAMIC: {unknown}"
    return codes, targets


def test_the_scan_finds_the_codes_it_should() -> None:
    """The collector itself works: known codes of each kind of call are found."""
    codes, targets = emitted_codes()
    for code in (
        "member.id_revealed",  # a literal
        "post.unhidden",  # one side of a conditional
        "topic.reopened",  # a listed f-string
        "transfer.requested",  # through `_log`
        "transfer.letter_issued",  # an f-string through `_log`
        "disclosure.published",  # through `_transition`
        "content.auto_hide",
    ):
        assert code in codes, code
    assert {"member", "post", "meeting_vote", "disclosure_category"} <= targets
    assert len(codes) > 80


def test_every_emitted_code_has_a_chinese_label() -> None:
    codes, _ = emitted_codes()
    labels = audit.action_labels()
    missing = sorted(code for code in codes if code not in labels)
    assert missing == [], f"add these codes to their part's AuditLabels: {missing}"
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in labels[c]) for c in codes)


def test_every_target_type_has_a_label_and_a_name_loader() -> None:
    _, targets = emitted_codes()
    kinds = set(TARGETS.keys())  # `content.*` entries name the flag target's kind
    labels = audit.target_labels()
    assert sorted((targets | kinds) - set(labels)) == []
    assert sorted((targets | kinds) - set(audit.NAMES.keys())) == []


def test_unknown_codes_show_as_themselves() -> None:
    assert audit.action_label("member.id_revealed") == "查看完整身份证号"
    assert audit.action_label("nothing.known") == "nothing.known"
