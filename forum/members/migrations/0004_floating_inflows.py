"""Floating inflow requests: the host asks, the home side confirms (issue 18 §3)."""

from tortoise import migrations
from tortoise.migrations import operations as ops
from forum.members.models import InflowState
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('directory', '0003_probation_extension'), ('forum', '0003_kept_forms')]

    initial = False

    operations = [
        ops.CreateModel(
            name='FloatingInflow',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('host_org', fields.ForeignKeyField('forum.Org', source_field='host_org_id', db_constraint=True, to_field='id', related_name='floating_inflows', on_delete=OnDelete.RESTRICT)),
                ('member', fields.ForeignKeyField('forum.Member', source_field='member_id', null=True, db_constraint=True, to_field='id', related_name='floating_inflows', on_delete=OnDelete.CASCADE)),
                ('id_number_hint', fields.CharField(max_length=18)),
                ('certificate_number', fields.CharField(max_length=32)),
                ('starts_on', fields.DateField()),
                ('ends_on', fields.DateField()),
                ('state', fields.CharEnumField(default=InflowState.pending, description='pending: pending\nconfirmed: confirmed\ndeclined: declined\nwithdrawn: withdrawn', enum_type=InflowState, max_length=12)),
                ('requested_by', fields.ForeignKeyField('forum.User', source_field='requested_by_id', null=True, db_constraint=True, to_field='id', related_name='floating_inflow_requests', on_delete=OnDelete.SET_NULL)),
                ('decided_by', fields.ForeignKeyField('forum.User', source_field='decided_by_id', null=True, db_constraint=True, to_field='id', related_name='floating_inflow_decisions', on_delete=OnDelete.SET_NULL)),
                ('decided_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('decline_reason', fields.CharField(default='', max_length=500)),
                ('record', fields.ForeignKeyField('directory.FloatingRecord', source_field='record_id', null=True, db_constraint=True, to_field='id', related_name='inflow', on_delete=OnDelete.SET_NULL)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'member_floating_inflows', 'app': 'directory', 'indexes': [Index(fields=['host_org_id', 'state']), Index(fields=['member_id', 'state'])], 'pk_attr': 'id', 'table_description': "A host org's request to register a floating member from elsewhere (流入登记)."},
            bases=['Model'],
        ),
    ]
