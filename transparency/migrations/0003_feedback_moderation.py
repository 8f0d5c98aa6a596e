from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('forum', '0001_initial'), ('transparency', '0002_catalogue_and_search')]

    initial = False

    operations = [
        ops.AddField(
            model_name='Feedback',
            name='deleted',
            field=fields.BooleanField(default=False, db_default=False),
        ),
        ops.AddField(
            model_name='Feedback',
            name='hidden',
            field=fields.BooleanField(default=False, db_default=False),
        ),
    ]
