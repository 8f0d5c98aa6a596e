from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from moderation.models import FlagReason, ReviewSource, SanctionKind, WordAction
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('forum', '0001_initial'), ('moderation', '0001_initial')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Flag',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('target_kind', fields.CharField(max_length=32)),
                ('target_id', fields.IntField()),
                ('user', fields.ForeignKeyField('forum.User', source_field='user_id', db_constraint=True, to_field='id', related_name='flags', on_delete=OnDelete.CASCADE)),
                ('reason', fields.CharEnumField(description='off_topic: off_topic\ninappropriate: inappropriate\nspam: spam\nsensitive: sensitive\nother: other', enum_type=FlagReason, max_length=16)),
                ('text', fields.CharField(default='', max_length=500)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('dismissed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'moderation_flags', 'app': 'moderation', 'unique_together': (('target_kind', 'target_id', 'user_id'),), 'pk_attr': 'id', 'table_description': "One member's report of one item (at most one per member and target)."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Notice',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('user', fields.ForeignKeyField('forum.User', source_field='user_id', db_constraint=True, to_field='id', related_name='moderation_notices', on_delete=OnDelete.CASCADE)),
                ('title', fields.CharField(max_length=100)),
                ('body', fields.TextField(default='', unique=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('read_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'moderation_notices', 'app': 'moderation', 'indexes': [Index(fields=['user_id', 'id'])], 'pk_attr': 'id', 'table_description': 'A message from the moderators to one account (warning, decision on their content).'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ReviewItem',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('target_kind', fields.CharField(max_length=32)),
                ('target_id', fields.IntField()),
                ('source', fields.CharEnumField(description='flags: flags\nword_filter: word_filter\npremoderation: premoderation', enum_type=ReviewSource, max_length=16)),
                ('org_path', fields.CharField(default='', max_length=255)),
                ('board_id', fields.IntField(null=True)),
                ('author_id', fields.IntField(null=True)),
                ('excerpt', fields.CharField(default='', max_length=300)),
                ('reasons', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('flag_count', fields.IntField(default=0)),
                ('hidden_by_review', fields.BooleanField(default=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('resolved_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('resolved_by_id', fields.IntField(null=True)),
                ('resolution', fields.CharField(default='', max_length=16)),
            ],
            options={'table': 'moderation_review_items', 'app': 'moderation', 'indexes': [Index(fields=['resolved_at', 'id']), Index(fields=['target_kind', 'target_id']), Index(fields=['org_path', 'id'])], 'pk_attr': 'id', 'table_description': 'An item waiting for a moderator: flagged, caught by the word filter, or premoderated.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Sanction',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('user', fields.ForeignKeyField('forum.User', source_field='user_id', db_constraint=True, to_field='id', related_name='sanctions', on_delete=OnDelete.RESTRICT)),
                ('kind', fields.CharEnumField(description='warn: warn\nsilence: silence\nsuspend: suspend', enum_type=SanctionKind, max_length=16)),
                ('reason', fields.TextField(unique=False)),
                ('org_path', fields.CharField(default='', max_length=255)),
                ('starts_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('ends_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('created_by', fields.ForeignKeyField('forum.User', source_field='created_by_id', null=True, db_constraint=True, to_field='id', related_name='sanctions_given', on_delete=OnDelete.SET_NULL)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('lifted_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('lifted_by', fields.ForeignKeyField('forum.User', source_field='lifted_by_id', null=True, db_constraint=True, to_field='id', related_name='sanctions_lifted', on_delete=OnDelete.SET_NULL)),
                ('lift_reason', fields.TextField(default='', unique=False)),
            ],
            options={'table': 'moderation_sanctions', 'app': 'moderation', 'indexes': [Index(fields=['user_id', 'kind', 'ends_at']), Index(fields=['org_path', 'id'])], 'pk_attr': 'id', 'table_description': 'A warning, silence or suspension of one account, lifted early or expiring at `ends_at`.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='WatchedWord',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('word', fields.CharField(max_length=64)),
                ('normalized', fields.CharField(unique=True, max_length=64)),
                ('action', fields.CharEnumField(description='block: block\nreplace: replace\nreview: review\nflag: flag', enum_type=WordAction, max_length=16)),
                ('category', fields.CharField(default='敏感内容', max_length=32)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('created_by', fields.ForeignKeyField('forum.User', source_field='created_by_id', null=True, db_constraint=True, to_field='id', related_name='watched_words', on_delete=OnDelete.SET_NULL)),
            ],
            options={'table': 'moderation_watched_words', 'app': 'moderation', 'pk_attr': 'id', 'table_description': 'One entry of the sensitive-word list and what to do when it matches.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='WordListVersion',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('version', fields.BigIntField(default=0)),
            ],
            options={'table': 'moderation_word_list_version', 'app': 'moderation', 'pk_attr': 'id', 'table_description': 'A single row whose `version` grows on every word-list change (cache check for workers).'},
            bases=['Model'],
        ),
    ]
