from tortoise import migrations
from tortoise.migrations import operations as ops
from forum.members.models import DuplicateState
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('directory', '0006_discipline'), ('forum', '0007_member_id_number_not_unique'), ('forum', '0001_initial'), ('forum', '0002_org_sort_order'), ('forum', '0003_kept_forms'), ('forum', '0004_notifications'), ('forum', '0005_member_status_public')]

    initial = False

    operations = [
        ops.CreateModel(
            name='DuplicateCase',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('member', fields.ForeignKeyField('forum.Member', source_field='member_id', db_constraint=True, to_field='id', related_name='duplicate_cases', on_delete=OnDelete.CASCADE)),
                ('existing', fields.ForeignKeyField('forum.Member', source_field='existing_id', db_constraint=True, to_field='id', related_name='duplicate_cases_existing', on_delete=OnDelete.CASCADE)),
                ('org', fields.ForeignKeyField('forum.Org', source_field='org_id', null=True, db_constraint=True, to_field='id', related_name='duplicate_cases', on_delete=OnDelete.SET_NULL)),
                ('state', fields.CharEnumField(default=DuplicateState.open, description='open: open\nmerged: merged\ndismissed: dismissed', enum_type=DuplicateState, max_length=12)),
                ('kept_id', fields.IntField(null=True)),
                ('note', fields.CharField(default='', max_length=200)),
                ('resolved_by', fields.ForeignKeyField('forum.User', source_field='resolved_by_id', null=True, db_constraint=True, to_field='id', related_name='duplicate_cases_resolved', on_delete=OnDelete.SET_NULL)),
                ('resolved_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'member_duplicate_cases', 'app': 'directory', 'indexes': [Index(fields=['org_id', 'state']), Index(fields=['state', 'id'])], 'pk_attr': 'id', 'table_description': 'A record created with an ID number already registered in a record its creator could'},
            bases=['Model'],
        ),
    ]
