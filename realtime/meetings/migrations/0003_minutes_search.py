"""Minutes in the unified search: their plain text and visibility facts, and the per-dialect
Chinese search index over `meeting_minutes.search_text` (see docs/search.md).

- SQLite: an FTS5 table with the trigram tokenizer (external content, kept in step by
  triggers); queries of 3+ characters use MATCH on it, shorter ones LIKE on the column.
- PostgreSQL: pg_trgm and a GIN trigram index on the column, used by `ILIKE '%q%'`.

Minutes written before this migration get their facts and a text (title, agenda, discussion,
votes, summary and corrections as they were written) from the backfill step.
"""

import json

from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields
from tortoise.indexes import Index

GROUP_TYPES = ("group_meeting",)  # MEETING_RULES types whose org is a group (branch: parent)

SQLITE_FORWARD = [
    "CREATE VIRTUAL TABLE meeting_minutes_search USING fts5("
    "search_text, content='meeting_minutes', content_rowid='id', tokenize='trigram')",
    "CREATE TRIGGER meeting_minutes_search_ai AFTER INSERT ON meeting_minutes BEGIN "
    "INSERT INTO meeting_minutes_search(rowid, search_text) VALUES (new.id, new.search_text); END",
    "CREATE TRIGGER meeting_minutes_search_ad AFTER DELETE ON meeting_minutes BEGIN "
    "INSERT INTO meeting_minutes_search(meeting_minutes_search, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); END",
    "CREATE TRIGGER meeting_minutes_search_au AFTER UPDATE OF search_text "
    "ON meeting_minutes BEGIN "
    "INSERT INTO meeting_minutes_search(meeting_minutes_search, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); "
    "INSERT INTO meeting_minutes_search(rowid, search_text) VALUES (new.id, new.search_text); END",
    "INSERT INTO meeting_minutes_search(meeting_minutes_search) VALUES ('rebuild')",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS meeting_minutes_search_au",
    "DROP TRIGGER IF EXISTS meeting_minutes_search_ad",
    "DROP TRIGGER IF EXISTS meeting_minutes_search_ai",
    "DROP TABLE IF EXISTS meeting_minutes_search",
]
POSTGRES_FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX meeting_minutes_search_trgm ON meeting_minutes "
    "USING gin (search_text gin_trgm_ops)",
]
POSTGRES_BACKWARD = ["DROP INDEX IF EXISTS meeting_minutes_search_trgm"]


def _dialect(schema_editor):
    return schema_editor.client.capabilities.dialect


async def _run(schema_editor, statements):
    for sql in statements:
        if schema_editor.collect_sql:
            schema_editor.collected_sql.append(sql)
        else:
            await schema_editor.client.execute_script(sql)


async def index_forward(apps, schema_editor):
    if _dialect(schema_editor) == "sqlite":
        await _run(schema_editor, SQLITE_FORWARD)
    elif _dialect(schema_editor) == "postgres":
        await _run(schema_editor, POSTGRES_FORWARD)


async def index_backward(apps, schema_editor):
    if _dialect(schema_editor) == "sqlite":
        await _run(schema_editor, SQLITE_BACKWARD)
    elif _dialect(schema_editor) == "postgres":
        await _run(schema_editor, POSTGRES_BACKWARD)


def _loaded(value):
    return json.loads(value) if isinstance(value, str) else (value or {})


def _text(record, summary, corrections):
    lines = [record.get("title", "")]
    lines += [str(a.get("title", "")) for a in record.get("agenda", [])]
    lines += [f"{m.get('author_name', '')}：{m.get('raw', '')}" for m in record.get("messages", [])]
    lines += [f"{v.get('kind_label', '')}：{v.get('title', '')}" for v in record.get("votes", [])]
    return "\n".join(line for line in [*lines, summary, *corrections] if line)


async def backfill(apps, schema_editor):
    if schema_editor.collect_sql:
        return
    client = schema_editor.client
    mark = (lambda n: f"${n}") if _dialect(schema_editor) == "postgres" else (lambda n: "?")
    rows = await client.execute_query_dict(
        "SELECT n.id, n.record, n.summary_raw, m.type, m.org_path, m.host_user_ids "
        "FROM meeting_minutes n JOIN meetings m ON m.id = n.meeting_id"
    )
    for row in rows:
        corrections = await client.execute_query_dict(
            f"SELECT body_raw FROM meeting_minutes_corrections WHERE minutes_id = {mark(1)} "
            "ORDER BY id",
            [row["id"]],
        )
        path = row["org_path"]
        if row["type"] in GROUP_TYPES:
            path = path.rstrip("/").rsplit("/", 1)[0] + "/"
        hosts = ",".join(str(i) for i in _loaded(row["host_user_ids"]) or [])
        text = _text(_loaded(row["record"]), row["summary_raw"], [c["body_raw"] for c in corrections])
        await client.execute_query(
            f"UPDATE meeting_minutes SET search_text = {mark(1)}, branch_path = {mark(2)}, "
            f"host_ids = {mark(3)} WHERE id = {mark(4)}",
            [text, path, f",{hosts}," if hosts else ",", row["id"]],
        )


async def nothing(apps, schema_editor):
    return None

class Migration(migrations.Migration):
    dependencies = [('forum', '0001_initial'), ('forum', '0002_org_sort_order'), ('forum', '0003_kept_forms'), ('forum', '0004_notifications'), ('meetings', '0002_hybrid_attendance')]

    initial = False

    operations = [
        ops.AddField(
            model_name='Minutes',
            name='branch_path',
            field=fields.CharField(default='', db_default='', max_length=255),
        ),
        ops.AddField(
            model_name='Minutes',
            name='host_ids',
            field=fields.CharField(default=',', db_default=',', max_length=500),
        ),
        ops.AddField(
            model_name='Minutes',
            name='search_text',
            field=fields.TextField(default='', db_default='', unique=False),
        ),
        ops.AddIndex(
            model_name='Minutes',
            index=Index(fields=['branch_path', 'generated_at']),
        ),
        ops.RunPython(backfill, nothing),
        ops.RunPython(index_forward, index_backward),
    ]
