"""Decisions: a predicate's verdict together with the reason for a refusal.

A `Decision` is truthy when allowed, so templates (`{% if can.speak_in_meeting(...) %}`)
and boolean code read it like the bool it replaces; `ensure` raises `Forbidden` with its
reason, so a caller never restates the rule to get a message.
"""

from __future__ import annotations

from dataclasses import dataclass

from forum.errors import Forbidden, NotFound

__all__ = ["ALLOWED", "Decision", "decide", "ensure", "ensure_visible", "refused"]


@dataclass(frozen=True, slots=True)
class Decision:
    allowed: bool
    reason: str | None = None  # why not, in Chinese, for the person asking (None if allowed)

    def __bool__(self) -> bool:
        return self.allowed


ALLOWED = Decision(True)


def refused(reason: str) -> Decision:
    return Decision(False, reason)


def decide(allowed: bool, reason: str) -> Decision:
    """`ALLOWED`, or refused with `reason`."""
    return ALLOWED if allowed else Decision(False, reason)


def ensure(decision: Decision | bool) -> None:
    """403 unless allowed; the message is the decision's reason (a generic one for a bool)."""
    if not decision:
        raise Forbidden(decision.reason if isinstance(decision, Decision) else None)


def ensure_visible(decision: Decision | bool) -> None:
    """404 unless allowed. The reason is not shown: a 404 must not tell why, or it would
    tell that the thing exists."""
    if not decision:
        raise NotFound()
