from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from forum.members.models import ContactKind, FloatingDirection, TransferState
from json import dumps, loads
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('forum', '0001_initial')]

    initial = True

    operations = [
        ops.CreateModel(
            name='DevelopmentContact',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('member', fields.ForeignKeyField('forum.Member', source_field='member_id', db_constraint=True, to_field='id', related_name='development_contacts', on_delete=OnDelete.CASCADE)),
                ('person', fields.ForeignKeyField('forum.Member', source_field='person_id', db_constraint=True, to_field='id', related_name='development_duties', on_delete=OnDelete.CASCADE)),
                ('kind', fields.CharEnumField(description='introducer: introducer\ntrainer: trainer', enum_type=ContactKind, max_length=16)),
                ('assigned_on', fields.DateField()),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'member_development_contacts', 'app': 'directory', 'unique_together': (('member_id', 'person_id', 'kind'),), 'pk_attr': 'id', 'table_description': 'An introducer (入党介绍人) or trainer (培养联系人) of a member in development.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='DevelopmentReview',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('member', fields.ForeignKeyField('forum.Member', source_field='member_id', db_constraint=True, to_field='id', related_name='development_reviews', on_delete=OnDelete.CASCADE)),
                ('reviewed_on', fields.DateField()),
                ('summary', fields.CharField(default='', max_length=500)),
                ('reviewer', fields.ForeignKeyField('forum.User', source_field='reviewer_id', null=True, db_constraint=True, to_field='id', related_name='development_reviews', on_delete=OnDelete.SET_NULL)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'member_development_reviews', 'app': 'directory', 'indexes': [Index(fields=['member_id', 'reviewed_on'])], 'pk_attr': 'id', 'table_description': 'A six-monthly review (考察) of an activist or development target.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='FloatingRecord',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('member', fields.ForeignKeyField('forum.Member', source_field='member_id', db_constraint=True, to_field='id', related_name='floating_records', on_delete=OnDelete.CASCADE)),
                ('direction', fields.CharEnumField(description='outflow: outflow\ninflow: inflow', enum_type=FloatingDirection, max_length=8)),
                ('certificate_number', fields.CharField(max_length=32)),
                ('host_org', fields.ForeignKeyField('forum.Org', source_field='host_org_id', null=True, db_constraint=True, to_field='id', related_name='floating_records', on_delete=OnDelete.SET_NULL)),
                ('host_place', fields.CharField(default='', max_length=64)),
                ('starts_on', fields.DateField()),
                ('ends_on', fields.DateField()),
                ('ended_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('registered_by', fields.ForeignKeyField('forum.User', source_field='registered_by_id', null=True, db_constraint=True, to_field='id', related_name='floating_registrations', on_delete=OnDelete.SET_NULL)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'member_floating_records', 'app': 'directory', 'indexes': [Index(fields=['member_id', 'ended_at']), Index(fields=['host_org_id', 'ended_at'])], 'pk_attr': 'id', 'table_description': 'A floating member registration (流动党员): activity certificate, host org, period.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ImportBatch',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('org', fields.ForeignKeyField('forum.Org', source_field='org_id', db_constraint=True, to_field='id', related_name='member_imports', on_delete=OnDelete.CASCADE)),
                ('created_by', fields.ForeignKeyField('forum.User', source_field='created_by_id', null=True, db_constraint=True, to_field='id', related_name='member_imports', on_delete=OnDelete.SET_NULL)),
                ('filename', fields.CharField(default='', max_length=128)),
                ('payload_encrypted', fields.TextField(unique=False)),
                ('report', fields.JSONField(null=True, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('total_rows', fields.IntField(default=0)),
                ('valid_rows', fields.IntField(default=0)),
                ('processed', fields.IntField(default=0)),
                ('imported', fields.IntField(default=0)),
                ('state', fields.CharField(default='validated', max_length=12)),
                ('error', fields.CharField(default='', max_length=300)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('finished_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'member_import_batches', 'app': 'directory', 'indexes': [Index(fields=['org_id', 'id'])], 'pk_attr': 'id', 'table_description': 'An uploaded member spreadsheet: its validated rows (encrypted), report and progress.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='MemberChange',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('member', fields.ForeignKeyField('forum.Member', source_field='member_id', db_constraint=True, to_field='id', related_name='changes', on_delete=OnDelete.CASCADE)),
                ('actor', fields.ForeignKeyField('forum.User', source_field='actor_id', null=True, db_constraint=True, to_field='id', related_name='member_changes', on_delete=OnDelete.SET_NULL)),
                ('actor_name', fields.CharField(default='', max_length=32)),
                ('kind', fields.CharField(max_length=16)),
                ('summary', fields.CharField(default='', max_length=200)),
                ('before', fields.JSONField(null=True, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('after', fields.JSONField(null=True, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('effective_on', fields.DateField(null=True)),
                ('vote_id', fields.IntField(null=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'member_changes', 'app': 'directory', 'indexes': [Index(fields=['member_id', 'id'])], 'pk_attr': 'id', 'table_description': 'One change to a member record: who, when, what (before/after, ID numbers masked).'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Transfer',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('member', fields.ForeignKeyField('forum.Member', source_field='member_id', db_constraint=True, to_field='id', related_name='transfers', on_delete=OnDelete.CASCADE)),
                ('from_org', fields.ForeignKeyField('forum.Org', source_field='from_org_id', db_constraint=True, to_field='id', related_name='transfers_out', on_delete=OnDelete.RESTRICT)),
                ('to_org', fields.ForeignKeyField('forum.Org', source_field='to_org_id', db_constraint=True, to_field='id', related_name='transfers_in', on_delete=OnDelete.RESTRICT)),
                ('placed_org', fields.ForeignKeyField('forum.Org', source_field='placed_org_id', null=True, db_constraint=True, to_field='id', related_name='transfers_placed', on_delete=OnDelete.SET_NULL)),
                ('state', fields.CharEnumField(default=TransferState.requested, description='requested: requested\napproved: approved\nletter_issued: letter_issued\naccepted: accepted\nplaced: placed\ncompleted: completed\nrejected: rejected\nwithdrawn: withdrawn\nexpired: expired', enum_type=TransferState, max_length=16)),
                ('reason', fields.CharField(default='', max_length=200)),
                ('rejection_reason', fields.CharField(default='', max_length=200)),
                ('letter_number', fields.CharField(null=True, unique=True, max_length=32)),
                ('letter_issued_on', fields.DateField(null=True)),
                ('letter_expires_on', fields.DateField(null=True)),
                ('requested_by', fields.ForeignKeyField('forum.User', source_field='requested_by_id', null=True, db_constraint=True, to_field='id', related_name='transfers_requested', on_delete=OnDelete.SET_NULL)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'member_transfers', 'app': 'directory', 'indexes': [Index(fields=['from_org_id', 'state']), Index(fields=['to_org_id', 'state']), Index(fields=['member_id', 'state']), Index(fields=['state', 'letter_expires_on'])], 'pk_attr': 'id', 'table_description': 'A transfer of membership relation (组织关系接转): the slip both sides see.'},
            bases=['Model'],
        ),
    ]
