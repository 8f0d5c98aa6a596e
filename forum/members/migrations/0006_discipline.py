from tortoise import migrations
from tortoise.migrations import operations as ops
from forum.members.models import SanctionState, SuspensionState
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('directory', '0005_status_decisions'), ('forum', '0001_initial'), ('forum', '0002_org_sort_order'), ('forum', '0003_kept_forms'), ('forum', '0004_notifications'), ('forum', '0005_member_status_public')]

    initial = False

    operations = [
        ops.CreateModel(
            name='MembershipSuspension',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('member', fields.ForeignKeyField('forum.Member', source_field='member_id', db_constraint=True, to_field='id', related_name='suspensions', on_delete=OnDelete.CASCADE)),
                ('reason', fields.CharField(max_length=200)),
                ('decision_number', fields.CharField(max_length=64)),
                ('approving_body', fields.CharField(max_length=64)),
                ('approved_on', fields.DateField()),
                ('state', fields.CharEnumField(default=SuspensionState.active, description='active: active\nrestored: restored\nremoved: removed', enum_type=SuspensionState, max_length=12)),
                ('ended_on', fields.DateField(null=True)),
                ('end_note', fields.CharField(default='', max_length=200)),
                ('recorded_by', fields.ForeignKeyField('forum.User', source_field='recorded_by_id', null=True, db_constraint=True, to_field='id', related_name='suspensions_recorded', on_delete=OnDelete.SET_NULL)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'member_suspensions', 'app': 'directory', 'indexes': [Index(fields=['member_id', 'state'])], 'pk_attr': 'id', 'table_description': '停止党籍 of a member out of contact for over six months, approved by the superior'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Sanction',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('member', fields.ForeignKeyField('forum.Member', source_field='member_id', db_constraint=True, to_field='id', related_name='sanctions', on_delete=OnDelete.CASCADE)),
                ('kind', fields.CharField(max_length=16)),
                ('years', fields.SmallIntField(null=True)),
                ('decision_number', fields.CharField(max_length=64)),
                ('deciding_body', fields.CharField(max_length=64)),
                ('decided_on', fields.DateField()),
                ('approving_body', fields.CharField(default='', max_length=64)),
                ('approved_on', fields.DateField(null=True)),
                ('starts_on', fields.DateField()),
                ('ends_on', fields.DateField(null=True)),
                ('state', fields.CharEnumField(description='recorded: recorded\nactive: active\nrestored: restored\nexpelled: expelled', enum_type=SanctionState, max_length=12)),
                ('outcome_on', fields.DateField(null=True)),
                ('outcome_decision', fields.CharField(default='', max_length=64)),
                ('recorded_by', fields.ForeignKeyField('forum.User', source_field='recorded_by_id', null=True, db_constraint=True, to_field='id', related_name='sanctions_recorded', on_delete=OnDelete.SET_NULL)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'member_sanctions', 'app': 'directory', 'indexes': [Index(fields=['member_id', 'state'])], 'pk_attr': 'id', 'table_description': 'A disciplinary sanction (党纪处分) with its decision and approval (domain.md §9).'},
            bases=['Model'],
        ),
    ]
