from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('directory', '0002_member_stats_index'), ('forum', '0001_initial')]

    initial = False

    operations = [
        ops.CreateModel(
            name='ProbationExtension',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('member', fields.OneToOneField('forum.Member', source_field='member_id', db_constraint=True, to_field='id', related_name='probation_extension', on_delete=OnDelete.CASCADE)),
                ('months', fields.SmallIntField()),
                ('decided_on', fields.DateField()),
                ('vote_id', fields.IntField()),
                ('created_by', fields.ForeignKeyField('forum.User', source_field='created_by_id', null=True, db_constraint=True, to_field='id', related_name='probation_extensions', on_delete=OnDelete.SET_NULL)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'member_probation_extensions', 'app': 'directory', 'pk_attr': 'id', 'table_description': 'The one extension of probation (6-12 months) a branch plenary may decide.'},
            bases=['Model'],
        ),
    ]
