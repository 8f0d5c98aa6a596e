"""Kept forms: a refused form's input waits server-side for the page it came from (forum.answers)."""

from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from uuid import uuid4
from tortoise import fields
from tortoise.indexes import Index


class Migration(migrations.Migration):
    dependencies = [("forum", "0002_org_sort_order")]

    initial = False

    operations = [
        ops.CreateModel(
            name="KeptForm",
            fields=[
                (
                    "id",
                    fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True),
                ),
                ("path", fields.CharField(max_length=500)),
                (
                    "values",
                    fields.JSONField(
                        encoder=functools.partial(dumps, separators=(",", ":")), decoder=loads
                    ),
                ),
                ("message", fields.TextField(unique=False)),
                ("field", fields.CharField(default="", max_length=64)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={
                "table": "forum_kept_forms",
                "app": "forum",
                "indexes": [Index(fields=["created_at"])],
                "pk_attr": "id",
                "table_description": "The input of a refused form, until the page it came from is shown again.",
            },
            bases=["Model"],
        ),
    ]
