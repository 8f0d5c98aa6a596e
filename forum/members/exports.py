"""CSV and XLSX exports of the directory and statistics (IDs masked unless revealable)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

from openpyxl import Workbook
from tortoise.transactions import in_transaction

from forum import audit, crypto
from forum.errors import ActionError
from forum.members.fields import SEX_LABELS
from forum.members.queries import DirectoryPage
from forum.members.stats import Stats
from forum.models import Org
from forum.policy import Viewer, can_export_members, can_reveal_id_number, ensure

Cell = str | int | float | None
DIRECTORY_HEADER = (
    "姓名",
    "性别",
    "出生日期",
    "身份证号",
    "民族",
    "籍贯",
    "学历",
    "手机",
    "工作单位",
    "职务",
    "状态",
    "所在组织",
    "党小组",
    "申请入党日期",
    "确定积极分子日期",
    "确定发展对象日期",
    "接收预备党员日期",
    "转正日期",
    "流动党员",
)


def _safe(value: Cell) -> Cell:
    """Spreadsheet formula injection: text starting with = + - @ is kept as text."""
    if isinstance(value, str) and value[:1] in {"=", "+", "-", "@", "\t", "\r"}:
        return "'" + value
    return value


def to_csv(header: Sequence[str], rows: Iterable[Sequence[Cell]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows([_safe(c) for c in row] for row in rows)
    return ("\ufeff" + buffer.getvalue()).encode()  # BOM: Excel opens UTF-8 correctly


def to_xlsx(sheets: Sequence[tuple[str, Sequence[str], Iterable[Sequence[Cell]]]]) -> bytes:
    book = Workbook(write_only=True)
    for title, header, rows in sheets:
        sheet = book.create_sheet(title=title[:31])
        sheet.append(list(header))
        for row in rows:
            sheet.append([_safe(c) for c in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def stats_rows(stats: Stats) -> list[tuple[str, str, int, str]]:
    rows: list[tuple[str, str, int, str]] = []
    for dim in stats.dimensions:
        total = dim.total
        for r in dim.rows:
            share = f"{100 * r.count / total:.1f}%" if total else "0.0%"
            rows.append((dim.title, r.label, r.count, share))
    return rows


STATS_HEADER = ("统计项", "分类", "人数", "占比")


def _date(value: Any) -> str:
    return value.isoformat() if value else ""


async def directory_rows(
    actor: Viewer, org: Org, page: DirectoryPage, *, full_ids: bool = False, reason: str = ""
) -> tuple[list[list[Cell]], int]:
    """Export rows with masked ID numbers; with `full_ids`, the full number wherever the
    exporter may reveal it. Each export is audited; one with full numbers needs a reason and
    its entry names every member whose full number left the system."""
    ensure(can_export_members(actor, org))
    if full_ids and not reason.strip():
        raise ActionError("导出完整身份证号须填写导出原因", field="reason")
    rows: list[list[Cell]] = []
    revealed: list[dict[str, Any]] = []
    for m in page.members:
        number = m.id_number_hint
        if full_ids and m.id_number_encrypted and can_reveal_id_number(actor, m):
            number = crypto.decrypt(m.id_number_encrypted)
            revealed.append({"id": m.id, "name": m.name})
        rows.append(
            [
                m.name,
                SEX_LABELS.get(m.sex, ""),
                _date(m.birth_date),
                number,
                m.ethnicity,
                m.native_place,
                m.education,
                m.phone,
                m.workplace,
                m.position,
                m.status_label,
                m.org.name,
                m.group.name if m.group else "",
                _date(m.applied_at),
                _date(m.activist_at),
                _date(m.development_target_at),
                _date(m.probation_at),
                _date(m.full_at),
                "是" if m.floating else "否",
            ]
        )
    async with in_transaction():
        await audit.record(
            actor,
            "member.exported",
            "org",
            org.id,
            org_path=org.path,
            after={
                "rows": len(rows),
                "ids_revealed": len(revealed),
                "full_ids": full_ids,
                **({"revealed": revealed} if full_ids else {}),
            },
            reason=reason.strip()[:500],
        )
    return rows, len(revealed)
