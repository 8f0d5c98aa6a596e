from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('forum', '0001_initial'), ('meetings', '0001_initial')]

    initial = False

    operations = [
        ops.AddField(
            model_name='CheckIn',
            name='method',
            field=fields.CharField(default='self', db_default='self', max_length=8),
        ),
        ops.AddField(
            model_name='CheckIn',
            name='note',
            field=fields.CharField(default='', db_default='', max_length=200),
        ),
        ops.AddField(
            model_name='CheckIn',
            name='recorded_by_id',
            field=fields.IntField(null=True),
        ),
        ops.AddField(
            model_name='Meeting',
            name='recorder_user_ids',
            field=fields.JSONField(default=list, db_default=[], encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads),
        ),
        ops.AddField(
            model_name='RollEntry',
            name='excluded_approval',
            field=fields.CharField(default='', db_default='', max_length=200),
        ),
        ops.AddField(
            model_name='RollEntry',
            name='excluded_by_id',
            field=fields.IntField(null=True),
        ),
        ops.AddField(
            model_name='RollEntry',
            name='excluded_category',
            field=fields.CharField(default='', db_default='', max_length=24),
        ),
        ops.AddField(
            model_name='RollEntry',
            name='excluded_decision',
            field=fields.CharField(default='', db_default='', max_length=200),
        ),
        ops.AddField(
            model_name='RollEntry',
            name='excluded_reason',
            field=fields.CharField(default='', db_default='', max_length=500),
        ),
        ops.AddField(
            model_name='Vote',
            name='in_person_abstain',
            field=fields.IntField(default=0, db_default=0),
        ),
        ops.AddField(
            model_name='Vote',
            name='in_person_by_id',
            field=fields.IntField(null=True),
        ),
        ops.AddField(
            model_name='Vote',
            name='in_person_no',
            field=fields.IntField(default=0, db_default=0),
        ),
        ops.AddField(
            model_name='Vote',
            name='in_person_yes',
            field=fields.IntField(default=0, db_default=0),
        ),
    ]
