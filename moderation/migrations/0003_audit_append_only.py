"""Make `audit_entries` append-only in the database itself: UPDATE, DELETE (and on
PostgreSQL TRUNCATE) are rejected by triggers, whatever code path issues them."""

from tortoise import migrations
from tortoise.migrations import operations as ops

SQLITE_UP = """
CREATE TRIGGER audit_entries_no_update BEFORE UPDATE ON audit_entries
BEGIN SELECT RAISE(ABORT, 'audit_entries is append-only'); END;
CREATE TRIGGER audit_entries_no_delete BEFORE DELETE ON audit_entries
BEGIN SELECT RAISE(ABORT, 'audit_entries is append-only'); END;
"""
SQLITE_DOWN = """
DROP TRIGGER IF EXISTS audit_entries_no_update;
DROP TRIGGER IF EXISTS audit_entries_no_delete;
"""
POSTGRES_UP = """
CREATE OR REPLACE FUNCTION audit_entries_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_entries is append-only' USING ERRCODE = 'insufficient_privilege';
END;
$$;
CREATE TRIGGER audit_entries_no_update_delete BEFORE UPDATE OR DELETE ON audit_entries
FOR EACH ROW EXECUTE FUNCTION audit_entries_append_only();
CREATE TRIGGER audit_entries_no_truncate BEFORE TRUNCATE ON audit_entries
FOR EACH STATEMENT EXECUTE FUNCTION audit_entries_append_only();
"""
POSTGRES_DOWN = """
DROP TRIGGER IF EXISTS audit_entries_no_update_delete ON audit_entries;
DROP TRIGGER IF EXISTS audit_entries_no_truncate ON audit_entries;
DROP FUNCTION IF EXISTS audit_entries_append_only();
"""


class RunSQLPerDialect(ops.RunSQL):
    """RunSQL choosing its statements by the connection's dialect (sqlite or postgres)."""

    def __init__(self, sql: dict[str, str], reverse_sql: dict[str, str]) -> None:
        super().__init__(sql, reverse_sql)

    async def _run_sql(self, state_editor, sqls) -> None:  # type: ignore[no-untyped-def]
        dialect = state_editor.client.capabilities.dialect
        if dialect not in sqls:
            raise RuntimeError(f"no append-only triggers for {dialect}")
        await state_editor.client.execute_script(sqls[dialect])


class Migration(migrations.Migration):
    dependencies = [("moderation", "0002_sanctions_words_flags")]

    operations = [
        RunSQLPerDialect(
            {"sqlite": SQLITE_UP, "postgres": POSTGRES_UP},
            {"sqlite": SQLITE_DOWN, "postgres": POSTGRES_DOWN},
        ),
    ]
