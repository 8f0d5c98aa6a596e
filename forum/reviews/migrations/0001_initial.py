from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('forum', '0001_initial'), ('forum', '0002_org_sort_order'), ('forum', '0003_kept_forms'), ('forum', '0004_notifications')]

    initial = True

    operations = [
        ops.CreateModel(
            name='ReviewRound',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('org', fields.ForeignKeyField('forum.Org', source_field='org_id', db_constraint=True, to_field='id', related_name='review_rounds', on_delete=OnDelete.RESTRICT)),
                ('org_path', fields.CharField(max_length=255)),
                ('year', fields.SmallIntField()),
                ('state', fields.CharField(default='open', max_length=10)),
                ('subjects', fields.IntField(default=0)),
                ('sheets', fields.IntField(default=0)),
                ('decided_by', fields.CharField(default='', max_length=200)),
                ('created_by_id', fields.IntField(null=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('rated_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('decided_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'review_rounds', 'app': 'reviews', 'unique_together': (('org_id', 'year'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='RatingSheet',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('round', fields.ForeignKeyField('reviews.ReviewRound', source_field='round_id', db_constraint=True, to_field='id', related_name='rating_sheets', on_delete=OnDelete.CASCADE)),
                ('rater_member_id', fields.IntField()),
            ],
            options={'table': 'review_rating_sheets', 'app': 'reviews', 'unique_together': (('round_id', 'rater_member_id'),), 'pk_attr': 'id', 'table_description': 'Who has handed in a 测评表 (one per rater per round). The grades are not here.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ReviewSubject',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('round', fields.ForeignKeyField('reviews.ReviewRound', source_field='round_id', db_constraint=True, to_field='id', related_name='reviewed', on_delete=OnDelete.CASCADE)),
                ('member', fields.ForeignKeyField('forum.Member', source_field='member_id', db_constraint=True, to_field='id', related_name='reviews', on_delete=OnDelete.RESTRICT)),
                ('user_id', fields.IntField(null=True)),
                ('name', fields.CharField(max_length=32)),
                ('org_id', fields.IntField()),
                ('status', fields.CharField(max_length=24)),
                ('self_review', fields.TextField(default='', unique=False)),
                ('self_reviewed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('grade', fields.CharField(default='', max_length=12)),
                ('disposal', fields.CharField(default='', max_length=10)),
                ('disposal_note', fields.CharField(default='', max_length=500)),
                ('disposal_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'review_subjects', 'app': 'reviews', 'unique_together': (('round_id', 'member_id'),), 'pk_attr': 'id', 'table_description': 'One member reviewed in a round (the list is fixed when the round opens).'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='PeerComment',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('subject', fields.ForeignKeyField('reviews.ReviewSubject', source_field='subject_id', db_constraint=True, to_field='id', related_name='comments', on_delete=OnDelete.CASCADE)),
                ('author_member_id', fields.IntField()),
                ('author_name', fields.CharField(max_length=32)),
                ('body', fields.TextField(unique=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'review_peer_comments', 'app': 'reviews', 'unique_together': (('subject_id', 'author_member_id'),), 'pk_attr': 'id', 'table_description': '互评: one comment per rater per member (signed: 互评 is open, 测评 is not).'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='RatingTally',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('subject', fields.ForeignKeyField('reviews.ReviewSubject', source_field='subject_id', db_constraint=True, to_field='id', related_name='tallies', on_delete=OnDelete.CASCADE)),
                ('grade', fields.CharField(max_length=12)),
                ('count', fields.IntField(default=0)),
            ],
            options={'table': 'review_rating_tallies', 'app': 'reviews', 'unique_together': (('subject_id', 'grade'),), 'pk_attr': 'id', 'table_description': 'How many sheets gave a member a grade.'},
            bases=['Model'],
        ),
    ]
