from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from tortoise.fields.base import OnDelete
from transparency.models import Scope, State
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('forum', '0001_initial')]

    initial = True

    operations = [
        ops.CreateModel(
            name='DisclosureCategory',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('key', fields.CharField(unique=True, max_length=32)),
                ('name', fields.CharField(max_length=32)),
                ('sort_order', fields.IntField(default=0)),
                ('is_active', fields.BooleanField(default=True, db_default=True)),
            ],
            options={'table': 'transparency_categories', 'app': 'transparency', 'indexes': [Index(fields=['is_active', 'sort_order'])], 'pk_attr': 'id', 'table_description': 'An entry of the disclosure catalogue.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Disclosure',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('title', fields.CharField(max_length=120)),
                ('category', fields.ForeignKeyField('transparency.DisclosureCategory', source_field='category_id', db_constraint=True, to_field='id', related_name='disclosures', on_delete=OnDelete.RESTRICT)),
                ('org', fields.ForeignKeyField('forum.Org', source_field='org_id', db_constraint=True, to_field='id', related_name='disclosures', on_delete=OnDelete.RESTRICT)),
                ('scope', fields.CharEnumField(description='public: public\nall_members: all_members\norg_subtree: org_subtree\ntargeted: targeted', enum_type=Scope, max_length=16)),
                ('state', fields.CharEnumField(default=State.draft, description='draft: draft\nproposed: proposed\nreviewed: reviewed\napproved: approved\npublished: published\nrejected: rejected\nwithdrawn: withdrawn', enum_type=State, max_length=16)),
                ('approver_org', fields.ForeignKeyField('forum.Org', source_field='approver_org_id', null=True, db_constraint=True, to_field='id', related_name='disclosures_to_approve', on_delete=OnDelete.RESTRICT)),
                ('publish_from', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('until', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('attachments', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('body_raw', fields.TextField(unique=False)),
                ('body_html', fields.TextField(unique=False)),
                ('render_version', fields.SmallIntField(default=1)),
                ('search_text', fields.TextField(default='', unique=False)),
                ('revision_count', fields.SmallIntField(default=0)),
                ('created_by', fields.ForeignKeyField('forum.User', source_field='created_by_id', db_constraint=True, to_field='id', related_name='disclosures_created', on_delete=OnDelete.RESTRICT)),
                ('proposed_by', fields.ForeignKeyField('forum.User', source_field='proposed_by_id', null=True, db_constraint=True, to_field='id', related_name='disclosures_proposed', on_delete=OnDelete.RESTRICT)),
                ('reviewed_by', fields.ForeignKeyField('forum.User', source_field='reviewed_by_id', null=True, db_constraint=True, to_field='id', related_name='disclosures_reviewed', on_delete=OnDelete.RESTRICT)),
                ('approved_by', fields.ForeignKeyField('forum.User', source_field='approved_by_id', null=True, db_constraint=True, to_field='id', related_name='disclosures_approved', on_delete=OnDelete.RESTRICT)),
                ('published_by', fields.ForeignKeyField('forum.User', source_field='published_by_id', null=True, db_constraint=True, to_field='id', related_name='disclosures_published', on_delete=OnDelete.RESTRICT)),
                ('proposed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('reviewed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('approved_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('published_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('rejected_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('rejected_from', fields.CharField(default='', max_length=16)),
                ('reject_reason', fields.TextField(default='', unique=False)),
                ('withdrawn_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('withdraw_reason', fields.TextField(default='', unique=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'transparency_disclosures', 'app': 'transparency', 'indexes': [Index(fields=['state', 'scope', 'publish_from', 'id']), Index(fields=['org_id', 'state', 'publish_from']), Index(fields=['category_id', 'state', 'publish_from']), Index(fields=['approver_org_id', 'state']), Index(fields=['created_by_id', 'state'])], 'pk_attr': 'id', 'table_description': 'One disclosure item (党务公开事项) and its workflow state.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='DisclosureReview',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('disclosure', fields.ForeignKeyField('transparency.Disclosure', source_field='disclosure_id', db_constraint=True, to_field='id', related_name='reviews', on_delete=OnDelete.RESTRICT)),
                ('reviewer', fields.ForeignKeyField('forum.User', source_field='reviewer_id', db_constraint=True, to_field='id', related_name='disclosure_reviews', on_delete=OnDelete.RESTRICT)),
                ('confirmed', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('note', fields.CharField(default='', max_length=500)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'transparency_reviews', 'app': 'transparency', 'indexes': [Index(fields=['disclosure_id', 'id'])], 'pk_attr': 'id', 'table_description': 'The secrecy review: which checklist items the reviewer confirmed, and when.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='DisclosureRevision',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('disclosure', fields.ForeignKeyField('transparency.Disclosure', source_field='disclosure_id', db_constraint=True, to_field='id', related_name='revisions', on_delete=OnDelete.RESTRICT)),
                ('number', fields.SmallIntField()),
                ('title', fields.CharField(max_length=120)),
                ('body_raw', fields.TextField(unique=False)),
                ('body_html', fields.TextField(unique=False)),
                ('render_version', fields.SmallIntField(default=1)),
                ('note', fields.CharField(default='', max_length=500)),
                ('author', fields.ForeignKeyField('forum.User', source_field='author_id', db_constraint=True, to_field='id', related_name='disclosure_revisions', on_delete=OnDelete.RESTRICT)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'transparency_revisions', 'app': 'transparency', 'unique_together': (('disclosure_id', 'number'),), 'pk_attr': 'id', 'table_description': 'One published text of an item, never updated. Number 1 is the first publication.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='DisclosureTarget',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('disclosure', fields.ForeignKeyField('transparency.Disclosure', source_field='disclosure_id', db_constraint=True, to_field='id', related_name='targets', on_delete=OnDelete.CASCADE)),
                ('org', fields.ForeignKeyField('forum.Org', source_field='org_id', null=True, db_constraint=True, to_field='id', related_name='disclosure_targets', on_delete=OnDelete.RESTRICT)),
                ('user', fields.ForeignKeyField('forum.User', source_field='user_id', null=True, db_constraint=True, to_field='id', related_name='disclosure_targets', on_delete=OnDelete.RESTRICT)),
            ],
            options={'table': 'transparency_targets', 'app': 'transparency', 'indexes': [Index(fields=['org_id', 'disclosure_id']), Index(fields=['user_id', 'disclosure_id'])], 'pk_attr': 'id', 'table_description': 'An org (with its subtree) or a person a targeted item is disclosed to.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Feedback',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('disclosure', fields.ForeignKeyField('transparency.Disclosure', source_field='disclosure_id', db_constraint=True, to_field='id', related_name='feedback', on_delete=OnDelete.RESTRICT)),
                ('author', fields.ForeignKeyField('forum.User', source_field='author_id', db_constraint=True, to_field='id', related_name='disclosure_feedback', on_delete=OnDelete.RESTRICT)),
                ('body_raw', fields.TextField(unique=False)),
                ('body_html', fields.TextField(unique=False)),
                ('render_version', fields.SmallIntField(default=1)),
                ('answer_raw', fields.TextField(default='', unique=False)),
                ('answer_html', fields.TextField(default='', unique=False)),
                ('answered_by', fields.ForeignKeyField('forum.User', source_field='answered_by_id', null=True, db_constraint=True, to_field='id', related_name='disclosure_answers', on_delete=OnDelete.RESTRICT)),
                ('answered_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('is_public', fields.BooleanField(default=False, db_default=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'transparency_feedback', 'app': 'transparency', 'indexes': [Index(fields=['disclosure_id', 'is_public', 'id']), Index(fields=['disclosure_id', 'author_id'])], 'pk_attr': 'id', 'table_description': "意见反馈: a reader's question or comment, the issuing org's answer, and a public flag."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ReadReceipt',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('disclosure', fields.ForeignKeyField('transparency.Disclosure', source_field='disclosure_id', db_constraint=True, to_field='id', related_name='receipts', on_delete=OnDelete.RESTRICT)),
                ('user', fields.ForeignKeyField('forum.User', source_field='user_id', db_constraint=True, to_field='id', related_name='disclosure_receipts', on_delete=OnDelete.RESTRICT)),
                ('read_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'transparency_receipts', 'app': 'transparency', 'unique_together': (('disclosure_id', 'user_id'),), 'indexes': [Index(fields=['disclosure_id', 'id'])], 'pk_attr': 'id', 'table_description': 'First time a person in the scope opened a member-scope item.'},
            bases=['Model'],
        ),
    ]
