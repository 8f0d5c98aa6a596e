from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('forum', '0001_initial'), ('forum', '0002_org_sort_order'), ('forum', '0003_kept_forms'), ('forum', '0004_notifications'), ('forum', '0006_outbox')]

    initial = True

    operations = [
        ops.CreateModel(
            name='ServiceKind',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('org', fields.ForeignKeyField('forum.Org', source_field='org_id', null=True, db_constraint=True, to_field='id', related_name='service_kinds', on_delete=OnDelete.RESTRICT)),
                ('org_path', fields.CharField(default='', max_length=255)),
                ('key', fields.CharField(max_length=48)),
                ('name', fields.CharField(max_length=60)),
                ('description', fields.CharField(default='', max_length=300)),
                ('fields_spec', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('handled_by', fields.CharField(default='branch', max_length=12)),
                ('time_limit_days', fields.IntField(default=5)),
                ('open_to_public', fields.BooleanField(default=False)),
                ('active', fields.BooleanField(default=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'service_kinds', 'app': 'affairs', 'unique_together': (('org_path', 'key'),), 'pk_attr': 'id', 'table_description': 'A kind of request, offered everywhere (no org) or only in the subtree of its org (added'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ServiceRequest',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('kind', fields.ForeignKeyField('affairs.ServiceKind', source_field='kind_id', db_constraint=True, to_field='id', related_name='requests', on_delete=OnDelete.RESTRICT)),
                ('requester', fields.ForeignKeyField('forum.User', source_field='requester_id', db_constraint=True, to_field='id', related_name='service_requests', on_delete=OnDelete.CASCADE)),
                ('org', fields.ForeignKeyField('forum.Org', source_field='org_id', db_constraint=True, to_field='id', related_name='service_requests', on_delete=OnDelete.RESTRICT)),
                ('org_path', fields.CharField(db_index=True, max_length=255)),
                ('first_org_id', fields.IntField()),
                ('state', fields.CharField(default='submitted', max_length=12)),
                ('title', fields.CharField(max_length=120)),
                ('data', fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('due_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('accepted_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('closed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('return_reason', fields.CharField(default='', max_length=300)),
                ('rating', fields.IntField(null=True)),
                ('rating_comment', fields.CharField(default='', max_length=300)),
            ],
            options={'table': 'service_requests', 'app': 'affairs', 'indexes': [Index(fields=['org_path', 'state']), Index(fields=['requester_id', 'id']), Index(fields=['org_id', 'state', 'due_at'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ServiceMessage',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('request', fields.ForeignKeyField('affairs.ServiceRequest', source_field='request_id', db_constraint=True, to_field='id', related_name='messages', on_delete=OnDelete.CASCADE)),
                ('author', fields.ForeignKeyField('forum.User', source_field='author_id', null=True, db_constraint=True, to_field='id', related_name='service_messages', on_delete=OnDelete.SET_NULL)),
                ('step', fields.CharField(default='', max_length=16)),
                ('body', fields.CharField(max_length=2000)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'service_messages', 'app': 'affairs', 'indexes': [Index(fields=['request_id', 'id'])], 'pk_attr': 'id', 'table_description': 'The thread: messages between requester and handlers, and each step as a line.'},
            bases=['Model'],
        ),
    ]
