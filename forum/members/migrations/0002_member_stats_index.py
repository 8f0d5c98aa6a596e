"""A covering index for the live statistics: every grouped query of `forum.members.stats`
reads only this index (org subtree via org_id, then the grouped column), never the rows.

The index is on the core `members` table but belongs to the directory part, so it lives in
this app's migrations as raw SQL (the same statement works on SQLite and PostgreSQL).
"""

from tortoise import migrations
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    dependencies = [("directory", "0001_initial")]

    operations = [
        ops.RunSQL(
            "CREATE INDEX IF NOT EXISTS members_directory_stats ON members "
            "(org_id, status, sex, birth_date, ethnicity, education, full_at, probation_at, floating)",
            reverse_sql="DROP INDEX IF EXISTS members_directory_stats",
        ),
    ]
