"""Seed the library's categories and build the per-dialect Chinese search index.

Search covers `learning_resources.search_text` (title, summary, tags, body):
- SQLite: an FTS5 table with the trigram tokenizer (external content, kept in step by
  triggers). Queries of 3+ characters use MATCH on it; shorter ones fall back to LIKE.
- PostgreSQL: pg_trgm and a GIN trigram index on the column.
"""

from tortoise import migrations
from tortoise.migrations import operations as ops

CATEGORIES = ("党章党规", "理论学习", "党史学习", "业务知识", "发展党员培训")

SQLITE_FORWARD = [
    "CREATE VIRTUAL TABLE learning_search USING fts5("
    "search_text, content='learning_resources', content_rowid='id', tokenize='trigram')",
    "CREATE TRIGGER learning_search_ai AFTER INSERT ON learning_resources BEGIN "
    "INSERT INTO learning_search(rowid, search_text) VALUES (new.id, new.search_text); END",
    "CREATE TRIGGER learning_search_ad AFTER DELETE ON learning_resources BEGIN "
    "INSERT INTO learning_search(learning_search, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); END",
    "CREATE TRIGGER learning_search_au AFTER UPDATE OF search_text ON learning_resources BEGIN "
    "INSERT INTO learning_search(learning_search, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); "
    "INSERT INTO learning_search(rowid, search_text) VALUES (new.id, new.search_text); END",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS learning_search_au",
    "DROP TRIGGER IF EXISTS learning_search_ad",
    "DROP TRIGGER IF EXISTS learning_search_ai",
    "DROP TABLE IF EXISTS learning_search",
]
POSTGRES_FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX learning_resources_search_trgm ON learning_resources "
    "USING gin ((search_text::varchar) gin_trgm_ops)",
]
POSTGRES_BACKWARD = ["DROP INDEX IF EXISTS learning_resources_search_trgm"]


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


async def seed_categories(apps, schema_editor):
    marks = "?, ?" if _dialect(schema_editor) == "sqlite" else "$1, $2"
    for order, name in enumerate(CATEGORIES):
        await schema_editor.client.execute_query(
            f"INSERT INTO learning_categories (name, sort_order) VALUES ({marks})",
            [name, order * 10],
        )


async def unseed_categories(apps, schema_editor):
    await schema_editor.client.execute_script(
        "DELETE FROM learning_categories WHERE id NOT IN "
        "(SELECT category_id FROM learning_resources WHERE category_id IS NOT NULL)"
    )


class Migration(migrations.Migration):
    dependencies = [("learning", "0001_initial"), ("moderation", "0001_initial")]

    operations = [
        ops.RunPython(seed_categories, unseed_categories),
        ops.RunPython(search_forward, search_backward),
    ]
