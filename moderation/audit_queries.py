"""Reads of the audit log: scoped search with keyset pagination, and CSV export."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from tortoise.expressions import Q
from tortoise.queryset import QuerySet

from forum import audit
from forum.auditlog import AuditEntry
from forum.errors import ActionError
from forum.models import Org
from forum.policy import Viewer, can_admin_site, can_view_audit, ensure_visible
from forum.settings import get_settings

PAGE_SIZE = 50
EXPORT_CHUNK = 500
EXPORT_MAX_ROWS = 100_000
CSV_COLUMNS = (
    "id",
    "时间",
    "操作人",
    "操作",
    "对象类型",
    "对象编号",
    "组织路径",
    "原因",
    "IP",
    "变更前",
    "变更后",
    "操作名称",
    "对象名称",
)


@dataclass(frozen=True)
class AuditFilter:
    q: str = ""
    action: str = ""
    actor: str = ""
    org_path: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None

    @property
    def is_empty(self) -> bool:
        return not (
            self.q or self.action or self.actor or self.org_path or self.date_from or self.date_to
        )


FIRST_DAY = dt.date(1, 1, 2)
LAST_DAY = dt.date(9999, 12, 30)


def parse_date(raw: str | None, label: str) -> dt.date | None:
    if not raw:
        return None
    try:
        day = dt.date.fromisoformat(raw)
    except ValueError as exc:
        raise ActionError(f"{label}格式应为 年-月-日", field=label) from exc
    # The day's local midnight and the next day must be real datetimes (no overflow).
    if not FIRST_DAY <= day <= LAST_DAY:
        raise ActionError(f"{label}超出范围", field=label)
    return day


def filter_from_params(params: Mapping[str, str]) -> AuditFilter:
    org_path = params.get("org", "").strip()
    if org_path and not (org_path.startswith("/") and org_path.endswith("/")):
        raise ActionError("组织路径格式应为 /1/2/", field="org")
    return AuditFilter(
        q=params.get("q", "").strip()[:100],
        action=params.get("action", "").strip()[:64],
        actor=params.get("actor", "").strip()[:32],
        org_path=org_path[:255],
        date_from=parse_date(params.get("from"), "开始日期"),
        date_to=parse_date(params.get("to"), "结束日期"),
    )


def _local_midnight(day: dt.date) -> dt.datetime:
    zone = ZoneInfo(get_settings().timezone)
    return dt.datetime.combine(day, dt.time(), tzinfo=zone).astimezone(dt.UTC)


ACTOR_CHARS = 32  # AuditEntry column lengths
TARGET_TYPE_CHARS = 32
TARGET_ID_CHARS = 64


def scoped_entries(viewer: Viewer, flt: AuditFilter) -> QuerySet[AuditEntry]:
    """Entries the viewer may read (site admins: all; org admins: their subtrees)."""
    ensure_visible(can_view_audit(viewer))
    query = AuditEntry.all()
    if not can_admin_site(viewer):
        scope = Q()
        for path in viewer.admin_paths:
            scope |= Q(org_path__startswith=path)
        query = query.filter(scope)
    if flt.org_path:
        query = query.filter(org_path__startswith=flt.org_path)
    if flt.action:
        query = query.filter(action__startswith=flt.action)
    if flt.actor:
        # Longer than the column: nothing matches (and the ORM refuses to bind it).
        if len(flt.actor) > ACTOR_CHARS:
            query = query.filter(id__lt=0)
        else:
            query = query.filter(actor_name__iexact=flt.actor)
    if flt.date_from:
        query = query.filter(created_at__gte=_local_midnight(flt.date_from))
    if flt.date_to:
        query = query.filter(created_at__lt=_local_midnight(flt.date_to + dt.timedelta(days=1)))
    if flt.q:
        match = Q(action__icontains=flt.q) | Q(reason__icontains=flt.q)
        match |= Q(actor_name__icontains=flt.q)
        # The Chinese names of the actions too: 「禁言」 finds `sanction.silence`.
        coded = [code for code, label in audit.action_labels().items() if flt.q in label]
        if coded:
            match |= Q(action__in=coded)
        # Exact matches only where the text fits the column (a longer value cannot match,
        # and the ORM would refuse to bind it: a 500 for a long search).
        if len(flt.q) <= TARGET_ID_CHARS:
            match |= Q(target_id=flt.q)
        if len(flt.q) <= TARGET_TYPE_CHARS:
            match |= Q(target_type=flt.q)
        query = query.filter(match)
    return query


async def search(
    viewer: Viewer, flt: AuditFilter, *, before: int | None = None
) -> tuple[list[AuditEntry], int | None]:
    """One page, newest first; the cursor is the id to continue below (keyset)."""
    query = scoped_entries(viewer, flt)
    if before is not None:
        query = query.filter(id__lt=before)
    rows = await query.order_by("-id").limit(PAGE_SIZE + 1)
    next_cursor = rows[PAGE_SIZE - 1].id if len(rows) > PAGE_SIZE else None
    return rows[:PAGE_SIZE], next_cursor


async def scope_orgs(viewer: Viewer) -> list[Org]:
    """Orgs the viewer may filter the log by (their subtrees; every org for site admins)."""
    query = Org.all()
    if not can_admin_site(viewer):
        scope = Q(id__lt=0)
        for path in viewer.admin_paths:
            scope |= Q(path__startswith=path)
        query = query.filter(scope)
    return await query.order_by("path").limit(500)


async def distinct_actions(viewer: Viewer) -> list[tuple[str, str]]:
    """(code, Chinese label) of the actions in the viewer's scope, for the filter."""
    values = await scoped_entries(viewer, AuditFilter()).distinct().values_list("action", flat=True)
    labels = audit.action_labels()
    return sorted(((str(v), labels.get(str(v), str(v))) for v in set(values)), key=lambda a: a[0])


@dataclass(frozen=True)
class AuditRow:
    """An entry as the page shows it: the action's and the target's Chinese names."""

    entry: AuditEntry
    action_label: str
    target_label: str  # the target type's name (回帖, 党员 ...)
    target_name: str  # the target's own name (a topic's title), "" when unknown


async def describe(entries: list[AuditEntry]) -> list[AuditRow]:
    """Labels from the parts' `AuditLabels`; names in one query per target type."""
    actions, targets = audit.action_labels(), audit.target_labels()
    names = await audit.target_names(entries)
    return [
        AuditRow(
            entry=e,
            action_label=actions.get(e.action, e.action),
            target_label=targets.get(e.target_type, e.target_type),
            target_name=names.get((e.target_type, e.target_id), ""),
        )
        for e in entries
    ]


def _cell(value: str) -> str:
    # Spreadsheet formula injection: a cell must never start with a formula character.
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def _row(entry: AuditEntry, names: dict[tuple[str, str], str] | None = None) -> list[str]:
    zone = ZoneInfo(get_settings().timezone)
    return [
        str(entry.id),
        entry.created_at.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S"),
        _cell(entry.actor_name),
        _cell(entry.action),
        _cell(entry.target_type),
        _cell(entry.target_id),
        _cell(entry.org_path),
        _cell(entry.reason),
        _cell(entry.ip),
        _cell(json.dumps(entry.before, ensure_ascii=False)) if entry.before is not None else "",
        _cell(json.dumps(entry.after, ensure_ascii=False)) if entry.after is not None else "",
        _cell(audit.action_label(entry.action)),
        _cell((names or {}).get((entry.target_type, entry.target_id), "")),
    ]


async def export_csv(viewer: Viewer, flt: AuditFilter) -> AsyncIterator[str]:
    """CSV (UTF-8 with BOM for spreadsheet apps), streamed in keyset chunks."""
    query = scoped_entries(viewer, flt)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    yield "\ufeff" + buffer.getvalue()
    before: int | None = None
    sent = 0
    while sent < EXPORT_MAX_ROWS:
        chunk_query = query.filter(id__lt=before) if before is not None else query
        rows = await chunk_query.order_by("-id").limit(EXPORT_CHUNK)
        if not rows:
            break
        buffer.seek(0)
        buffer.truncate()
        names = await audit.target_names(rows)
        for entry in rows:
            writer.writerow(_row(entry, names))
        yield buffer.getvalue()
        sent += len(rows)
        before = rows[-1].id
