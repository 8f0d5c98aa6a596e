"""The kernel inbox: `notifications` (one row per person and thing, batched by group key)
and `notification_settings` (a member's choice per kind)."""

from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('forum', '0003_kept_forms')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Notification',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('user', fields.ForeignKeyField('forum.User', source_field='user_id', db_constraint=True, to_field='id', related_name='inbox', on_delete=OnDelete.CASCADE)),
                ('kind', fields.CharField(max_length=64)),
                ('actor', fields.ForeignKeyField('forum.User', source_field='actor_id', null=True, db_constraint=True, to_field='id', related_name='inbox_sent', on_delete=OnDelete.SET_NULL)),
                ('title', fields.CharField(default='', max_length=200)),
                ('text', fields.CharField(max_length=300)),
                ('url', fields.CharField(default='', max_length=500)),
                ('subject', fields.CharField(null=True, max_length=64)),
                ('number', fields.IntField(null=True)),
                ('group_key', fields.CharField(null=True, max_length=128)),
                ('count', fields.IntField(default=1)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('read_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'notifications', 'app': 'forum', 'indexes': [Index(fields=['user_id', 'read_at']), Index(fields=['user_id', 'id']), Index(fields=['user_id', 'kind', 'group_key']), Index(fields=['subject', 'number'])], 'pk_attr': 'id', 'table_description': "One entry of a person's inbox."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='NotificationSetting',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('user', fields.ForeignKeyField('forum.User', source_field='user_id', db_constraint=True, to_field='id', related_name='notification_settings', on_delete=OnDelete.CASCADE)),
                ('kind', fields.CharField(max_length=64)),
                ('enabled', fields.BooleanField()),
            ],
            options={'table': 'notification_settings', 'app': 'forum', 'unique_together': (('user_id', 'kind'),), 'pk_attr': 'id', 'table_description': "A member's choice for one kind (absent: the kind's default)."},
            bases=['Model'],
        ),
    ]
