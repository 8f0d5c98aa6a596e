"""Import members from CSV/XLSX: a dry-run report of every invalid row, then an atomic import.

Nothing is written unless every row is valid or the admin chooses to import only the valid
rows. Rows are inserted in chunks (so progress can be shown); if a chunk fails, the rows
already inserted by this import are deleted again, so a failed import leaves nothing behind.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tortoise.transactions import in_transaction

from forum import audit, crypto, idcard, notifications, uploads
from forum.clock import utcnow
from forum.errors import ActionError
from forum.http import storable
from forum.members import duplicates
from forum.members.actions import id_fields
from forum.members.fields import clean_record
from forum.members.models import ImportBatch, MemberChange
from forum.models import Member, Org
from forum.policy import Viewer, can_import_members, ensure

HEADERS: dict[str, str] = {
    "姓名": "name",
    "身份证号": "id_number",
    "身份证号码": "id_number",
    "性别": "sex",
    "出生日期": "birth_date",
    "民族": "ethnicity",
    "籍贯": "native_place",
    "学历": "education",
    "手机": "phone",
    "手机号": "phone",
    "联系电话": "phone",
    "邮箱": "email",
    "工作单位": "workplace",
    "职务": "position",
    "档案存放地": "archive_location",
    "状态": "status",
    "党员状态": "status",
    "所在组织": "org",
    "组织": "org",
    "所在支部": "org",
    "党小组": "group",
    "申请入党日期": "applied_at",
    "确定积极分子日期": "activist_at",
    "确定发展对象日期": "development_target_at",
    "接收预备党员日期": "probation_at",
    "入党日期": "probation_at",
    "转正日期": "full_at",
}
CHUNK = 500
ProgressFn = Callable[[int, int], Any]


@dataclass
class RowError:
    row: int
    name: str
    id_hint: str
    reasons: list[str]


@dataclass
class Report:
    total: int = 0
    valid: list[dict[str, Any]] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "total": self.total,
            "valid": len(self.valid),
            "errors": [e.__dict__ for e in self.errors],
        }


async def read_table(filename: str, content: bytes) -> list[dict[str, Any]]:
    """Rows keyed by field name; unknown columns are ignored, a missing 姓名 column is an error.
    Read through `forum.uploads` (limits checked before the work, in a worker thread)."""
    return await uploads.off_loop(_read_rows, filename, content, uploads.limits())


def _read_rows(filename: str, content: bytes, lim: uploads.Limits) -> list[dict[str, Any]]:
    raw_rows = uploads.read_table_sync(filename, content, lim)
    if not raw_rows:
        raise ActionError("文件是空的", field="file")
    for number, values in enumerate(raw_rows, start=1):
        if not storable(values):
            # File contents skip the check at the door (read_form/read_json): no database
            # stores NUL (PostgreSQL refuses it even inside the report's JSON).
            raise ActionError(
                f"第 {number} 行含有无效字符（空字符），请检查文件后重新上传", field="file"
            )
    header = [HEADERS.get(str(h or "").strip(), str(h or "").strip()) for h in raw_rows[0]]
    if "name" not in header or "id_number" not in header:
        raise ActionError("第 1 行须是表头，至少包含“姓名”和“身份证号”两列", field="file")
    rows = []
    for number, values in enumerate(raw_rows[1:], start=2):
        if all(v is None or str(v).strip() == "" for v in values):
            continue
        row = {key: _cell(v) for key, v in zip(header, values, strict=False)}
        row["_line"] = number  # the report names the file's row, blank rows included
        raw_id = (
            values[header.index("id_number")] if header.index("id_number") < len(values) else None
        )
        if isinstance(raw_id, int | float) and not isinstance(raw_id, bool):
            row["_numeric_id"] = True
        rows.append(row)
    if not rows:
        raise ActionError("文件中除表头外没有数据行", field="file")
    return rows


def _cell(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, int):
        return str(value)
    return value.strip() if isinstance(value, str) else value


async def validate(org: Org, rows: list[dict[str, Any]], actor: Viewer | None = None) -> Report:
    """Check every row (record rules, org inside `org`'s subtree, duplicates) in O(1) queries.

    A number already registered is reported only when `actor` may see the record holding it
    (no actor: the command line, which sees everything); otherwise the row is valid like any
    new one and the import opens a duplicate case (`forum.members.duplicates`)."""
    orgs = await Org.filter(path__startswith=org.path, is_active=True)
    by_name: dict[str, list[Org]] = {}
    for o in orgs:
        by_name.setdefault(o.name, []).append(o)
    report = Report(total=len(rows))
    # The per-row checks are pure CPU (thousands of rows): off the event loop.
    parsed = await uploads.off_loop(_check_rows, rows)
    existing = await _existing_hashes([d for _, _, _, d in parsed if d], actor)
    seen: dict[str, int] = {}
    for index, row, reasons, digest in parsed:
        target, group = _resolve_org(org, by_name, row, reasons)
        if digest is not None:
            if digest in existing:
                reasons.append("身份证号已登记在平台的党员档案中（重复）")
            elif digest in seen:
                reasons.append(f"身份证号与第 {seen[digest]} 行重复")
            else:
                seen[digest] = index
        if reasons:
            report.errors.append(RowError(index, str(row.get("name") or ""), _hint(row), reasons))
        else:
            report.valid.append({**_jsonable(row), "_row": index, "_org": target, "_group": group})
    return report


def _check_rows(
    rows: list[dict[str, Any]],
) -> list[tuple[int, dict[str, Any], list[str], str | None]]:
    parsed: list[tuple[int, dict[str, Any], list[str], str | None]] = []
    for fallback, row in enumerate(rows, start=2):
        index = int(row.pop("_line", fallback))
        reasons: list[str] = []
        digest = None
        if row.pop("_numeric_id", False):
            reasons.append("身份证号被存成了数字（Excel 会丢失末几位），请把该列设为文本后重新导入")
            parsed.append((index, row, reasons, None))
            continue
        try:
            record = clean_record(row)
            digest = crypto.lookup_hash(record.id_number.value)
        except ActionError as exc:
            reasons.append(exc.message)
        parsed.append((index, row, reasons, digest))
    return parsed


def _hint(row: dict[str, Any]) -> str:
    raw = str(row.get("id_number") or "").strip().upper()
    return idcard.mask(raw) if raw else ""


def _jsonable(row: dict[str, Any]) -> dict[str, Any]:
    return {k: v.isoformat() if isinstance(v, dt.date) else v for k, v in row.items()}


def _resolve_org(
    root: Org, by_name: dict[str, list[Org]], row: dict[str, Any], reasons: list[str]
) -> tuple[int | None, int | None]:
    name = str(row.get("org") or "").strip()
    if not name:
        target = root
    else:
        matches = by_name.get(name, [])
        if not matches:
            reasons.append(f"组织“{name}”不存在或不在“{root.name}”之下")
            return None, None
        if len(matches) > 1:
            reasons.append(f"组织名称“{name}”不唯一，请使用更具体的组织")
            return None, None
        target = matches[0]
    if str(target.kind) == "group":
        if target.parent_id is None:
            reasons.append("党小组缺少所属支部")
            return None, None
        return target.parent_id, target.id
    group_name = str(row.get("group") or "").strip()
    if not group_name:
        return target.id, None
    groups = [g for g in by_name.get(group_name, []) if g.parent_id == target.id]
    if not groups:
        reasons.append(f"党小组“{group_name}”不在“{target.name}”之下")
        return None, None
    return target.id, groups[0].id


async def _existing_hashes(digests: list[str], actor: Viewer | None = None) -> set[str]:
    """The numbers the import may refuse as registered (see `validate`)."""
    if actor is not None:
        return (await duplicates.existing_for(actor, digests))[0]
    found: set[str] = set()
    for start in range(0, len(digests), CHUNK):
        chunk = digests[start : start + CHUNK]
        rows = await Member.filter(duplicates.current_records(chunk)).values_list(
            "id_number_hash", flat=True
        )
        found.update(str(r) for r in rows)
    return found


async def create_batch(actor: Viewer, org: Org, filename: str, content: bytes) -> ImportBatch:
    """Parse and validate an upload; the report is kept, the rows are sealed (they hold IDs)."""
    ensure(can_import_members(actor, org))
    report = await validate(org, await read_table(filename, content), actor)
    sealed = await uploads.off_loop(_seal, report.valid)
    return await ImportBatch.create(
        org_id=org.id,
        created_by_id=actor.user_id,
        filename=filename[:128],
        payload_encrypted=sealed,
        report=report.as_json(),
        total_rows=report.total,
        valid_rows=len(report.valid),
    )


def _seal(rows: list[dict[str, Any]]) -> str:
    return crypto.encrypt(json.dumps(rows), context="member-import")


async def run_batch(
    actor: Viewer, batch: ImportBatch, *, only_valid: bool, progress: ProgressFn | None = None
) -> int:
    """Import the batch's valid rows; refuses when invalid rows exist and only_valid is off."""
    org = await Org.get(id=batch.org_id)
    ensure(can_import_members(actor, org))
    if batch.state not in {"validated", "failed"}:
        raise ActionError("该批次已经导入或正在导入")
    invalid = batch.total_rows - batch.valid_rows
    if invalid and not only_valid:
        raise ActionError(
            f"有 {invalid} 行无效，未导入任何数据。请修正后重新上传，或选择仅导入有效行"
        )
    if not batch.valid_rows:
        raise ActionError("没有可导入的有效行")
    rows: list[dict[str, Any]] = json.loads(
        crypto.decrypt(batch.payload_encrypted, context="member-import")
    )
    await ImportBatch.filter(id=batch.id).update(state="running", processed=0, error="")
    created: list[int] = []
    try:
        hidden = await _check_still_unique(actor, rows)
        for start in range(0, len(rows), CHUNK):
            created += await _insert_chunk(actor, rows[start : start + CHUNK], hidden)
            await ImportBatch.filter(id=batch.id).update(processed=len(created))
            if progress is not None:
                progress(len(created), len(rows))
    except Exception as exc:
        await _undo(created)
        message = (
            exc.message if isinstance(exc, ActionError) else "导入失败，已撤销本次导入的全部数据"
        )
        await ImportBatch.filter(id=batch.id).update(
            state="failed", processed=0, error=message[:300]
        )
        if isinstance(exc, ActionError):
            raise
        raise ActionError(message) from exc
    async with in_transaction():
        await ImportBatch.filter(id=batch.id).update(
            state="done", imported=len(created), finished_at=utcnow()
        )
        await audit.record(
            actor,
            "member.imported",
            "org",
            org.id,
            org_path=org.path,
            after={"batch_id": batch.id, "imported": len(created), "skipped_invalid": invalid},
        )
    return len(created)


async def _check_still_unique(actor: Viewer, rows: list[dict[str, Any]]) -> dict[str, list[Member]]:
    """Refuse when a number the actor may see got registered since the upload; the hidden
    holders of the batch's numbers, for the duplicate cases."""
    digests = [crypto.lookup_hash(idcard.parse(str(r["id_number"])).value) for r in rows]
    visible, hidden = await duplicates.existing_for(actor, digests)
    if visible:
        raise ActionError("上传后有身份证号已被录入，请重新上传以重新检查")
    return hidden


async def _insert_chunk(
    actor: Viewer, rows: list[dict[str, Any]], hidden: dict[str, list[Member]]
) -> list[int]:
    records = [(clean_record(r), r) for r in rows]
    members = [
        Member(
            name=rec.name,
            status=rec.status,
            org_id=r["_org"],
            group_id=r["_group"],
            id_number_hash=crypto.lookup_hash(rec.id_number.value),
            **id_fields(rec),
            **rec.texts,
            **rec.dates,
        )
        for rec, r in records
    ]
    async with in_transaction():
        # Numbers are not unique (a hidden holder may share one): the rows just inserted are
        # those above the highest id before the insert.
        top = await Member.all().order_by("-id").limit(1).values_list("id", flat=True)
        await Member.bulk_create(members)
        hashes = [m.id_number_hash for m in members]
        ids = dict(
            await Member.filter(id_number_hash__in=hashes, id__gt=int(str(top[0])) if top else 0)
            .order_by("id")
            .values_list("id_number_hash", "id")
        )
        await MemberChange.bulk_create(
            [
                MemberChange(
                    member_id=ids[m.id_number_hash],
                    actor_id=actor.user_id,
                    actor_name=actor.username,
                    kind="imported",
                    summary="批量导入建立档案",
                    after={
                        "name": m.name,
                        "status": str(m.status),
                        "org_id": m.org_id,
                        "id_number": m.id_number_hint,
                    },
                )
                for m in members
            ]
        )
        sent = []
        for m in members:
            if m.id_number_hash in hidden:
                m.id = int(ids[m.id_number_hash])
                sent += await duplicates.open_cases(actor, m, hidden[str(m.id_number_hash)])
    await notifications.announce(*sent)
    return [int(ids[m.id_number_hash]) for m in members]


async def _undo(created: list[int]) -> None:
    for start in range(0, len(created), CHUNK):
        chunk = created[start : start + CHUNK]
        await MemberChange.filter(member_id__in=chunk).delete()
        await Member.filter(id__in=chunk).delete()
