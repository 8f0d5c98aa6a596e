from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('boards', '0003_attachments'), ('forum', '0001_initial')]

    initial = False

    operations = [
        ops.AddField(
            model_name='Post',
            name='held',
            field=fields.BooleanField(default=False, db_default=False),
        ),
        ops.AddField(
            model_name='Topic',
            name='held',
            field=fields.BooleanField(default=False, db_default=False),
        ),
    ]
