from tortoise import fields, migrations
from tortoise.indexes import Index
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    dependencies = [("realtime", "0002_events_created_at_index")]

    initial = False

    operations = [
        ops.AddField(
            model_name="ChannelEvent",
            name="subject",
            field=fields.CharField(max_length=64, null=True),
        ),
        ops.AddIndex(
            model_name="ChannelEvent",
            index=Index(fields=["channel", "subject"]),
        ),
    ]
