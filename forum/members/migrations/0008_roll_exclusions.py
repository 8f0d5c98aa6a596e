from tortoise import migrations
from tortoise.migrations import operations as ops
from forum.members.models import RollExclusionState
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('directory', '0007_duplicate_cases'), ('forum', '0001_initial'), ('forum', '0002_org_sort_order'), ('forum', '0003_kept_forms'), ('forum', '0004_notifications'), ('forum', '0005_member_status_public'), ('forum', '0006_outbox'), ('forum', '0007_member_id_number_not_unique')]

    initial = False

    operations = [
        ops.CreateModel(
            name='RollExclusion',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('member', fields.ForeignKeyField('forum.Member', source_field='member_id', db_constraint=True, to_field='id', related_name='roll_exclusions', on_delete=OnDelete.CASCADE)),
                ('org', fields.ForeignKeyField('forum.Org', source_field='org_id', db_constraint=True, to_field='id', related_name='roll_exclusions', on_delete=OnDelete.RESTRICT)),
                ('committee', fields.ForeignKeyField('forum.Org', source_field='committee_id', db_constraint=True, to_field='id', related_name='roll_exclusions_due', on_delete=OnDelete.RESTRICT)),
                ('category', fields.CharField(max_length=24)),
                ('reason', fields.CharField(max_length=500)),
                ('state', fields.CharEnumField(default=RollExclusionState.proposed, description='proposed: proposed\napproved: approved\nactive: active\nrejected: rejected\nended: ended', enum_type=RollExclusionState, max_length=12)),
                ('proposed_by', fields.ForeignKeyField('forum.User', source_field='proposed_by_id', null=True, db_constraint=True, to_field='id', related_name='roll_exclusions_proposed', on_delete=OnDelete.SET_NULL)),
                ('approved_by', fields.ForeignKeyField('forum.User', source_field='approved_by_id', null=True, db_constraint=True, to_field='id', related_name='roll_exclusions_approved', on_delete=OnDelete.SET_NULL)),
                ('approved_on', fields.DateField(null=True)),
                ('approval_note', fields.CharField(default='', max_length=200)),
                ('vote_id', fields.IntField(null=True, unique=True)),
                ('voted_on', fields.DateField(null=True)),
                ('ended_on', fields.DateField(null=True)),
                ('end_reason', fields.CharField(default='', max_length=200)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'member_roll_exclusions', 'app': 'directory', 'indexes': [Index(fields=['member_id', 'state']), Index(fields=['committee_id', 'state']), Index(fields=['org_id', 'state'])], 'pk_attr': 'id', 'table_description': "The branch's standing decision that a member is not counted in 应到 (domain.md §3):"},
            bases=['Model'],
        ),
    ]
