from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.indexes import Index


class Migration(migrations.Migration):
    dependencies = [("realtime", "0001_initial")]

    initial = False

    operations = [
        ops.AddIndex(
            model_name="ChannelEvent",
            index=Index(fields=["created_at"]),
        ),
    ]
