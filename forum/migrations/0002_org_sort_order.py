"""Orgs get an explicit place among their siblings (`sort_order`).

Existing orgs are numbered per parent by kind (committee, general branch, branch, group),
then by creation (id), so the tree no longer sorts by code point (第一第三党小组 between
第一 and 第二, 机关党支部 before 第一党总支).
"""

from tortoise import fields, migrations
from tortoise.migrations import operations as ops

KIND_RANK = {"committee": 0, "general_branch": 1, "branch": 2, "group": 3}


async def number_siblings(apps, schema_editor):
    client = schema_editor.client
    rows = await client.execute_query_dict("SELECT id, parent_id, kind FROM orgs")
    by_parent = {}
    for row in rows:
        by_parent.setdefault(row["parent_id"], []).append(row)
    mark = "?, ?" if client.capabilities.dialect == "sqlite" else "$1, $2"
    first, second = (m.strip() for m in mark.split(","))
    for siblings in by_parent.values():
        siblings.sort(key=lambda r: (KIND_RANK.get(r["kind"], len(KIND_RANK)), r["id"]))
        for position, row in enumerate(siblings):
            await client.execute_query(
                f"UPDATE orgs SET sort_order = {first} WHERE id = {second}",  # noqa: S608
                [position, row["id"]],
            )


async def keep_numbers(apps, schema_editor):
    """Going back drops the column; nothing to undo first."""


class Migration(migrations.Migration):
    dependencies = [("forum", "0001_initial")]

    initial = False

    operations = [
        ops.AddField(
            model_name="Org",
            name="sort_order",
            field=fields.IntField(default=0, db_default=0),
        ),
        ops.RunPython(number_siblings, keep_numbers),
    ]
