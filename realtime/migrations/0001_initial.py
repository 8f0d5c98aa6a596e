from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from tortoise import fields

class Migration(migrations.Migration):
    initial = True

    operations = [
        ops.CreateModel(
            name='ChannelCounter',
            fields=[
                ('channel', fields.CharField(primary_key=True, unique=True, db_index=True, max_length=100)),
                ('last_seq', fields.BigIntField(default=0)),
            ],
            options={'table': 'realtime_channel_counters', 'app': 'realtime', 'pk_attr': 'channel', 'table_description': 'The last id allocated in a channel (its row lock serializes appends to the channel).'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ChannelEvent',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('channel', fields.CharField(max_length=100)),
                ('seq', fields.BigIntField()),
                ('type', fields.CharField(max_length=64)),
                ('payload', fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('audience', fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'realtime_channel_events', 'app': 'realtime', 'unique_together': (('channel', 'seq'),), 'pk_attr': 'id', 'table_description': 'One committed event of a channel, with ids 1, 2, 3 ... per channel.'},
            bases=['Model'],
        ),
    ]
