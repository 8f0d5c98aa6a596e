from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('forum', '0001_initial'), ('moderation', '0003_audit_append_only')]

    initial = False

    operations = [
        ops.CreateModel(
            name='TopicSteering',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('topic_id', fields.IntField(unique=True)),
                ('slow_mode_seconds', fields.IntField(default=0)),
                ('close_at', fields.DatetimeField(null=True, db_index=True, auto_now=False, auto_now_add=False)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
                ('updated_by_id', fields.IntField(null=True)),
            ],
            options={'table': 'moderation_topic_steering', 'app': 'moderation', 'pk_attr': 'id', 'table_description': 'Moderator settings of one topic kept by moderation: slow mode and a timed close.'},
            bases=['Model'],
        ),
    ]
