from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('forum', '0001_initial'), ('forum', '0002_org_sort_order'), ('forum', '0003_kept_forms'), ('forum', '0004_notifications'), ('forum', '0005_member_status_public')]

    initial = False

    operations = [
        ops.CreateModel(
            name='ChannelChoice',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('user', fields.ForeignKeyField('forum.User', source_field='user_id', db_constraint=True, to_field='id', related_name='channel_choices', on_delete=OnDelete.CASCADE)),
                ('kind', fields.CharField(max_length=64)),
                ('channel', fields.CharField(max_length=8)),
                ('enabled', fields.BooleanField()),
            ],
            options={'table': 'outbox_channel_choices', 'app': 'forum', 'unique_together': (('user_id', 'kind', 'channel'),), 'pk_attr': 'id', 'table_description': "A person's choice for one kind on one channel (absent: the kind's default)."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='DeliveryProfile',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('user', fields.OneToOneField('forum.User', source_field='user_id', db_constraint=True, to_field='id', related_name='delivery_profile', on_delete=OnDelete.CASCADE)),
                ('quiet_start', fields.IntField(null=True)),
                ('quiet_end', fields.IntField(null=True)),
                ('digest', fields.BooleanField(default=False)),
                ('digest_sent_on', fields.DateField(null=True)),
            ],
            options={'table': 'outbox_profiles', 'app': 'forum', 'pk_attr': 'id', 'table_description': "A person's delivery rules: quiet hours (local minutes of the day) and the digest."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='OutboxMessage',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('key', fields.CharField(unique=True, max_length=160)),
                ('channel', fields.CharField(max_length=8)),
                ('kind', fields.CharField(max_length=64)),
                ('user', fields.ForeignKeyField('forum.User', source_field='user_id', null=True, db_constraint=True, to_field='id', related_name='outbox', on_delete=OnDelete.SET_NULL)),
                ('address', fields.CharField(max_length=128)),
                ('address_hint', fields.CharField(max_length=128)),
                ('subject', fields.CharField(default='', max_length=200)),
                ('body', fields.TextField(unique=False)),
                ('url', fields.CharField(default='', max_length=500)),
                ('ics', fields.TextField(null=True, unique=False)),
                ('unsubscribe_url', fields.CharField(default='', max_length=500)),
                ('state', fields.CharField(default='queued', max_length=12)),
                ('attempts', fields.IntField(default=0)),
                ('next_attempt_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('lease_owner', fields.CharField(null=True, max_length=64)),
                ('lease_until', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('message_id', fields.CharField(default='', max_length=200)),
                ('last_error', fields.CharField(default='', max_length=300)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('sent_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'outbox_messages', 'app': 'forum', 'indexes': [Index(fields=['state', 'next_attempt_at']), Index(fields=['user_id', 'state']), Index(fields=['kind', 'id'])], 'pk_attr': 'id', 'table_description': 'One message to one address on one channel.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='DeliveryAttempt',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('message', fields.ForeignKeyField('forum.OutboxMessage', source_field='message_id', db_constraint=True, to_field='id', related_name='log', on_delete=OnDelete.CASCADE)),
                ('number', fields.IntField()),
                ('worker', fields.CharField(max_length=64)),
                ('started_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('finished_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('outcome', fields.CharField(default='pending', max_length=12)),
                ('detail', fields.CharField(default='', max_length=300)),
            ],
            options={'table': 'outbox_attempts', 'app': 'forum', 'indexes': [Index(fields=['message_id', 'number'])], 'pk_attr': 'id', 'table_description': 'The delivery log: one row per attempt, written before the send and closed after it.'},
            bases=['Model'],
        ),
    ]
