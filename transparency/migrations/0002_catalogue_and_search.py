"""Seed the disclosure catalogue and build the per-dialect Chinese search index.

Search covers `transparency_disclosures.search_text` (title + current body):
- SQLite: an FTS5 table with the trigram tokenizer (external content, kept in step by
  triggers). Queries of 3+ characters use MATCH on it; shorter ones fall back to LIKE.
- PostgreSQL: pg_trgm and a GIN trigram index on the column, which serves the
  `CAST(search_text AS VARCHAR) LIKE '%q%'` that the ORM's `contains` filter emits.
"""

from tortoise import migrations
from tortoise.migrations import operations as ops

from transparency.models import DEFAULT_CATEGORIES

SQLITE_FORWARD = [
    "CREATE VIRTUAL TABLE transparency_search USING fts5("
    "search_text, content='transparency_disclosures', content_rowid='id', tokenize='trigram')",
    "CREATE TRIGGER transparency_search_ai AFTER INSERT ON transparency_disclosures BEGIN "
    "INSERT INTO transparency_search(rowid, search_text) VALUES (new.id, new.search_text); END",
    "CREATE TRIGGER transparency_search_ad AFTER DELETE ON transparency_disclosures BEGIN "
    "INSERT INTO transparency_search(transparency_search, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); END",
    "CREATE TRIGGER transparency_search_au AFTER UPDATE OF search_text "
    "ON transparency_disclosures BEGIN "
    "INSERT INTO transparency_search(transparency_search, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); "
    "INSERT INTO transparency_search(rowid, search_text) VALUES (new.id, new.search_text); END",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS transparency_search_au",
    "DROP TRIGGER IF EXISTS transparency_search_ad",
    "DROP TRIGGER IF EXISTS transparency_search_ai",
    "DROP TABLE IF EXISTS transparency_search",
]
POSTGRES_FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX transparency_disclosures_search_trgm ON transparency_disclosures "
    "USING gin ((search_text::varchar) gin_trgm_ops)",
]
POSTGRES_BACKWARD = ["DROP INDEX IF EXISTS transparency_disclosures_search_trgm"]


def _dialect(schema_editor):
    return schema_editor.client.capabilities.dialect


async def _run(schema_editor, statements):
    for sql in statements:
        await schema_editor.client.execute_script(sql)


async def search_forward(apps, schema_editor):
    if _dialect(schema_editor) == "sqlite":
        await _run(schema_editor, SQLITE_FORWARD)
    elif _dialect(schema_editor) == "postgres":
        await _run(schema_editor, POSTGRES_FORWARD)


async def search_backward(apps, schema_editor):
    if _dialect(schema_editor) == "sqlite":
        await _run(schema_editor, SQLITE_BACKWARD)
    elif _dialect(schema_editor) == "postgres":
        await _run(schema_editor, POSTGRES_BACKWARD)


async def seed_catalogue(apps, schema_editor):
    mark = "?" if _dialect(schema_editor) == "sqlite" else "$"
    for order, (key, name) in enumerate(DEFAULT_CATEGORIES):
        params = [key, name, order * 10]
        marks = "?, ?, ?" if mark == "?" else "$1, $2, $3"
        await schema_editor.client.execute_query(
            "INSERT INTO transparency_categories (key, name, sort_order, is_active) "
            f"VALUES ({marks}, TRUE)",
            params,
        )


async def unseed_catalogue(apps, schema_editor):
    await schema_editor.client.execute_script("DELETE FROM transparency_categories")


class Migration(migrations.Migration):
    # moderation: the actions write audit entries. Depending on it here (not in 0001) also
    # keeps the plan order forum -> transparency.0001 -> moderation.0001, because
    # moderation.0001 does not declare its own dependency on forum.0001.
    dependencies = [("transparency", "0001_initial"), ("moderation", "0001_initial")]

    operations = [
        ops.RunPython(seed_catalogue, unseed_catalogue),
        ops.RunPython(search_forward, search_backward),
    ]
