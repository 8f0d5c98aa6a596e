"""Full-text search for Chinese (no spaces between words), one real index per database.

- SQLite: an FTS5 table with the trigram tokenizer (any substring of >= 3 characters is
  found through the index), kept in sync with posts and topic titles by triggers.
- PostgreSQL: pg_trgm GIN indexes on post bodies and topic titles, used by ILIKE '%q%'.

See docs/search.md.
"""

from tortoise import migrations
from tortoise.migrations import operations as ops

SQLITE_FORWARD = [
    "CREATE VIRTUAL TABLE boards_search_fts USING fts5(title, body, tokenize='trigram')",
    """CREATE TRIGGER boards_posts_fts_insert AFTER INSERT ON boards_posts BEGIN
        INSERT INTO boards_search_fts(rowid, title, body) VALUES (
            new.id,
            CASE WHEN new.number = 1
                THEN (SELECT title FROM boards_topics WHERE id = new.topic_id) ELSE '' END,
            new.body_raw);
    END""",
    """CREATE TRIGGER boards_posts_fts_update AFTER UPDATE OF body_raw ON boards_posts BEGIN
        UPDATE boards_search_fts SET body = new.body_raw WHERE rowid = new.id;
    END""",
    """CREATE TRIGGER boards_posts_fts_delete AFTER DELETE ON boards_posts BEGIN
        DELETE FROM boards_search_fts WHERE rowid = old.id;
    END""",
    """CREATE TRIGGER boards_topics_fts_title AFTER UPDATE OF title ON boards_topics BEGIN
        UPDATE boards_search_fts SET title = new.title WHERE rowid =
            (SELECT id FROM boards_posts WHERE topic_id = new.id AND number = 1);
    END""",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS boards_topics_fts_title",
    "DROP TRIGGER IF EXISTS boards_posts_fts_delete",
    "DROP TRIGGER IF EXISTS boards_posts_fts_update",
    "DROP TRIGGER IF EXISTS boards_posts_fts_insert",
    "DROP TABLE IF EXISTS boards_search_fts",
]
POSTGRES_FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX boards_posts_body_trgm ON boards_posts USING gin (body_raw gin_trgm_ops)",
    "CREATE INDEX boards_topics_title_trgm ON boards_topics USING gin (title gin_trgm_ops)",
]
POSTGRES_BACKWARD = [
    "DROP INDEX IF EXISTS boards_topics_title_trgm",
    "DROP INDEX IF EXISTS boards_posts_body_trgm",
]


def _statements(schema_editor, forward: bool) -> list[str]:
    dialect = getattr(schema_editor, "DIALECT", "")
    if dialect == "sqlite":
        return SQLITE_FORWARD if forward else SQLITE_BACKWARD
    if dialect == "postgres":
        return POSTGRES_FORWARD if forward else POSTGRES_BACKWARD
    raise RuntimeError(f"boards search: unsupported database dialect {dialect!r}")


async def _run(schema_editor, forward: bool) -> None:
    for sql in _statements(schema_editor, forward):
        if schema_editor.collect_sql:
            schema_editor.collected_sql.append(sql)
        else:
            # One statement per call: trigger bodies contain ';' (no naive splitting).
            await schema_editor.client.execute_query(sql)


async def forwards(apps, schema_editor) -> None:
    await _run(schema_editor, True)


async def backwards(apps, schema_editor) -> None:
    await _run(schema_editor, False)


class Migration(migrations.Migration):
    dependencies = [("boards", "0001_initial")]

    operations = [ops.RunPython(forwards, backwards)]
