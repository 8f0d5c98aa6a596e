from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('forum', '0001_initial'), ('forum', '0002_org_sort_order'), ('forum', '0003_kept_forms'), ('forum', '0004_notifications'), ('forum', '0005_member_status_public'), ('forum', '0006_outbox')]

    initial = False

    operations = [
        ops.AlterField(
            model_name='Member',
            name='id_number_hash',
            field=fields.CharField(null=True, db_index=True, max_length=64),
        ),
        ops.AddField(
            model_name='Member',
            name='duplicate_of',
            field=fields.ForeignKeyField('forum.Member', source_field='duplicate_of_id', null=True, db_constraint=True, to_field='id', related_name='duplicates', on_delete=OnDelete.SET_NULL),
        ),
    ]
