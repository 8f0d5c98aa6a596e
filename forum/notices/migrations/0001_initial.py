from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('forum', '0006_outbox')]

    initial = True

    operations = [
        ops.CreateModel(
            name='Notice',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('org', fields.ForeignKeyField('forum.Org', source_field='org_id', db_constraint=True, to_field='id', related_name='notices', on_delete=OnDelete.RESTRICT)),
                ('org_path', fields.CharField(db_index=True, max_length=255)),
                ('title', fields.CharField(max_length=120)),
                ('body_raw', fields.TextField(unique=False)),
                ('body_html', fields.TextField(unique=False)),
                ('render_version', fields.IntField(default=0)),
                ('statuses', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('roles', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('requires_receipt', fields.BooleanField(default=False)),
                ('receipt_deadline', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('expires_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('author', fields.ForeignKeyField('forum.User', source_field='author_id', null=True, db_constraint=True, to_field='id', related_name='notices_published', on_delete=OnDelete.SET_NULL)),
                ('recipient_count', fields.IntField(default=0)),
                ('confirmed_count', fields.IntField(default=0)),
                ('reminders_sent', fields.IntField(default=0)),
                ('published_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'notices', 'app': 'notices', 'indexes': [Index(fields=['org_path', 'id'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='NoticeRecipient',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('notice', fields.ForeignKeyField('notices.Notice', source_field='notice_id', db_constraint=True, to_field='id', related_name='recipients', on_delete=OnDelete.CASCADE)),
                ('user', fields.ForeignKeyField('forum.User', source_field='user_id', db_constraint=True, to_field='id', related_name='notices_received', on_delete=OnDelete.CASCADE)),
                ('confirmed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('reminded_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'notice_recipients', 'app': 'notices', 'unique_together': (('notice_id', 'user_id'),), 'indexes': [Index(fields=['user_id', 'notice_id']), Index(fields=['notice_id', 'confirmed_at'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
    ]
