"""The audit log: `record()` is called inside the transaction of every privileged action.

The log is read in Chinese: every part declares what its action codes and target types
are called (`AuditLabels`, listed in its `Part.provides`) and how to name a page of its
targets (`AuditNames`, one bounded query for any number of ids). The audit page resolves
labels and names through these registries; a code without a label shows as itself
(`tests/unit/test_audit_labels.py` fails for any code the source emits without one).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from forum.auditlog import AuditEntry
from forum.models import Org, User
from forum.parts import Registry
from forum.policy import Viewer


async def record(
    actor: Viewer,
    action: str,
    target_type: str,
    target_id: int | str,
    *,
    org_path: str = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    reason: str = "",
) -> AuditEntry:
    """Append one entry. Call it inside the action's `in_transaction()` block."""
    return await AuditEntry.create(
        actor_id=actor.user_id,
        actor_name=actor.username,
        action=action,
        target_type=target_type,
        target_id=str(target_id),
        org_path=org_path,
        before=before,
        after=after,
        reason=reason,
        ip=actor.ip,
    )


@dataclass(frozen=True)
class AuditLabels:
    """A part's Chinese names for its audit action codes and target types."""

    key: str
    actions: Mapping[str, str]
    targets: Mapping[str, str] = field(default_factory=dict)

    def install(self) -> None:
        LABELS.add(self.key, self)


# (target ids as stored, strings) -> {id: name}; a bounded number of queries for any count
NameLoader = Callable[[Sequence[str]], Awaitable[Mapping[str, str]]]


@dataclass(frozen=True)
class AuditNames:
    """How to name the targets of one type (a topic's title, a member's name)."""

    target_type: str
    load: NameLoader

    def install(self) -> None:
        NAMES.add(self.target_type, self)


LABELS: Registry[AuditLabels] = Registry("audit labels")
NAMES: Registry[AuditNames] = Registry("audit target names")


def action_labels() -> dict[str, str]:
    return {code: label for labels in LABELS for code, label in labels.actions.items()}


def target_labels() -> dict[str, str]:
    return {kind: label for labels in LABELS for kind, label in labels.targets.items()}


def action_label(code: str) -> str:
    return action_labels().get(code, code)


def int_ids(ids: Iterable[str]) -> list[int]:
    """The numeric ids among stored target ids (others name nothing)."""
    return [int(i) for i in ids if i.isdigit() and len(i) < 12]


async def target_names(entries: Sequence[AuditEntry]) -> dict[tuple[str, str], str]:
    """Names of the entries' targets: one loader call per target type on the page."""
    by_type: dict[str, set[str]] = defaultdict(set)
    for entry in entries:
        if entry.target_id:
            by_type[entry.target_type].add(entry.target_id)
    names: dict[tuple[str, str], str] = {}
    for target_type, ids in by_type.items():
        loader = NAMES.get(target_type)
        if loader is None:
            continue
        for target_id, name in (await loader.load(sorted(ids))).items():
            names[(target_type, str(target_id))] = name
    return names


# --- the kernel's own targets: accounts and orgs -----------------------------------------


async def user_names(ids: Sequence[str]) -> Mapping[str, str]:
    rows = await User.filter(id__in=int_ids(ids)).values_list("id", "display_name", "username")
    return {str(uid): f"{name}（{username}）" for uid, name, username in rows}


async def org_names(ids: Sequence[str]) -> Mapping[str, str]:
    rows = await Org.filter(id__in=int_ids(ids)).values_list("id", "name")
    return {str(oid): str(name) for oid, name in rows}


KERNEL_LABELS = AuditLabels("kernel", actions={}, targets={"user": "账号", "org": "组织"})
KERNEL_NAMES = (AuditNames("user", user_names), AuditNames("org", org_names))
