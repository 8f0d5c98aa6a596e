from tortoise import migrations
from tortoise.migrations import operations as ops
from forum.boards.models import BoardKind, NotificationKind, Scope, Verb
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('forum', '0001_initial')]

    initial = True

    operations = [
        ops.CreateModel(
            name='Board',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('name', fields.CharField(max_length=64)),
                ('description', fields.CharField(default='', max_length=500)),
                ('kind', fields.CharEnumField(default=BoardKind.discussion, description='discussion: discussion\nconsultation: consultation', enum_type=BoardKind, max_length=20)),
                ('org', fields.ForeignKeyField('forum.Org', source_field='org_id', null=True, db_constraint=True, to_field='id', related_name='boards', on_delete=OnDelete.RESTRICT)),
                ('parent', fields.ForeignKeyField('boards.Board', source_field='parent_id', null=True, db_constraint=True, to_field='id', related_name='children', on_delete=OnDelete.RESTRICT)),
                ('hidden', fields.BooleanField(default=False, db_default=False)),
                ('position', fields.IntField(default=0)),
                ('topic_count', fields.IntField(default=0)),
                ('post_count', fields.IntField(default=0)),
                ('last_activity_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'boards_boards', 'app': 'boards', 'indexes': [Index(fields=['org_id', 'position']), Index(fields=['parent_id'])], 'pk_attr': 'id', 'table_description': 'A board (版块): site-wide when `org` is NULL, else owned by an organization.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='BoardGrant',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('board', fields.ForeignKeyField('boards.Board', source_field='board_id', db_constraint=True, to_field='id', related_name='grants', on_delete=OnDelete.CASCADE)),
                ('verb', fields.CharEnumField(description='see: see\nread: read\nstart_topic: start_topic\nreply: reply\nattach: attach\nmoderate: moderate', enum_type=Verb, max_length=16)),
                ('min_status', fields.CharField(default='public', max_length=24)),
                ('scope', fields.CharEnumField(default=Scope.anyone, description='anyone: anyone\nlogged_in: logged_in\norg_subtree: org_subtree\norg_only: org_only', enum_type=Scope, max_length=16)),
                ('deny_sanctioned', fields.BooleanField(default=False, db_default=False)),
            ],
            options={'table': 'boards_grants', 'app': 'boards', 'unique_together': (('board_id', 'verb'),), 'pk_attr': 'id', 'table_description': "One cell row of a board's matrix: for a verb, the minimum status and the org scope."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='BoardModerator',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('board', fields.ForeignKeyField('boards.Board', source_field='board_id', db_constraint=True, to_field='id', related_name='moderators', on_delete=OnDelete.CASCADE)),
                ('user', fields.ForeignKeyField('forum.User', source_field='user_id', null=True, db_constraint=True, to_field='id', related_name='board_moderations', on_delete=OnDelete.CASCADE)),
                ('org', fields.ForeignKeyField('forum.Org', source_field='org_id', null=True, db_constraint=True, to_field='id', related_name='board_moderations', on_delete=OnDelete.CASCADE)),
                ('role', fields.CharField(default='', max_length=32)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'boards_moderators', 'app': 'boards', 'indexes': [Index(fields=['user_id']), Index(fields=['org_id', 'role']), Index(fields=['board_id'])], 'pk_attr': 'id', 'table_description': 'A moderator grant: a person, or everyone holding an org role, moderates a board.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Topic',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('board', fields.ForeignKeyField('boards.Board', source_field='board_id', db_constraint=True, to_field='id', related_name='topics', on_delete=OnDelete.RESTRICT)),
                ('title', fields.CharField(max_length=120)),
                ('author', fields.ForeignKeyField('forum.User', source_field='author_id', db_constraint=True, to_field='id', related_name='topics', on_delete=OnDelete.RESTRICT)),
                ('pinned', fields.BooleanField(default=False, db_default=False)),
                ('closed', fields.BooleanField(default=False, db_default=False)),
                ('hidden', fields.BooleanField(default=False, db_default=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('last_activity_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('last_poster_name', fields.CharField(default='', max_length=32)),
                ('reply_count', fields.IntField(default=0)),
                ('last_number', fields.IntField(default=0)),
                ('accepted_post_id', fields.IntField(null=True)),
            ],
            options={'table': 'boards_topics', 'app': 'boards', 'indexes': [Index(fields=['board_id', 'pinned', 'last_activity_at', 'id']), Index(fields=['author_id', 'id'])], 'pk_attr': 'id', 'table_description': 'A topic (主题): its first post holds the opening text.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Notification',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('user', fields.ForeignKeyField('forum.User', source_field='user_id', db_constraint=True, to_field='id', related_name='notifications', on_delete=OnDelete.CASCADE)),
                ('kind', fields.CharEnumField(description='mention: mention\nreply: reply\nquote: quote\naccepted: accepted', enum_type=NotificationKind, max_length=16)),
                ('actor', fields.ForeignKeyField('forum.User', source_field='actor_id', null=True, db_constraint=True, to_field='id', related_name='sent_notifications', on_delete=OnDelete.SET_NULL)),
                ('topic', fields.ForeignKeyField('boards.Topic', source_field='topic_id', db_constraint=True, to_field='id', related_name='notifications', on_delete=OnDelete.CASCADE)),
                ('post_number', fields.IntField(default=1)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('read_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'boards_notifications', 'app': 'boards', 'indexes': [Index(fields=['user_id', 'id']), Index(fields=['user_id', 'read_at'])], 'pk_attr': 'id', 'table_description': 'An in-app notification (mention, reply to my topic, quote, accepted answer).'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Post',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('topic', fields.ForeignKeyField('boards.Topic', source_field='topic_id', db_constraint=True, to_field='id', related_name='posts', on_delete=OnDelete.CASCADE)),
                ('number', fields.IntField()),
                ('author', fields.ForeignKeyField('forum.User', source_field='author_id', db_constraint=True, to_field='id', related_name='posts', on_delete=OnDelete.RESTRICT)),
                ('reply_to_number', fields.IntField(null=True)),
                ('body_raw', fields.TextField(unique=False)),
                ('body_html', fields.TextField(unique=False)),
                ('render_version', fields.IntField(default=1)),
                ('hidden', fields.BooleanField(default=False, db_default=False)),
                ('deleted', fields.BooleanField(default=False, db_default=False)),
                ('like_count', fields.IntField(default=0)),
                ('edit_count', fields.IntField(default=0)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('edited_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'boards_posts', 'app': 'boards', 'unique_together': (('topic_id', 'number'),), 'indexes': [Index(fields=['author_id', 'id']), Index(fields=['render_version', 'id'])], 'pk_attr': 'id', 'table_description': 'A post (回帖), numbered from 1 inside its topic.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Like',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('post', fields.ForeignKeyField('boards.Post', source_field='post_id', db_constraint=True, to_field='id', related_name='likes', on_delete=OnDelete.CASCADE)),
                ('user', fields.ForeignKeyField('forum.User', source_field='user_id', db_constraint=True, to_field='id', related_name='likes', on_delete=OnDelete.CASCADE)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'boards_likes', 'app': 'boards', 'unique_together': (('post_id', 'user_id'),), 'indexes': [Index(fields=['user_id', 'post_id'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='PostRevision',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('post', fields.ForeignKeyField('boards.Post', source_field='post_id', db_constraint=True, to_field='id', related_name='revisions', on_delete=OnDelete.CASCADE)),
                ('number', fields.IntField()),
                ('editor', fields.ForeignKeyField('forum.User', source_field='editor_id', db_constraint=True, to_field='id', related_name='post_revisions', on_delete=OnDelete.RESTRICT)),
                ('body_before', fields.TextField(unique=False)),
                ('body_after', fields.TextField(unique=False)),
                ('reason', fields.CharField(default='', max_length=200)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'boards_post_revisions', 'app': 'boards', 'unique_together': (('post_id', 'number'),), 'pk_attr': 'id', 'table_description': 'The text of a post before one edit: who changed it, when, and what it was.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='TopicRead',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('topic', fields.ForeignKeyField('boards.Topic', source_field='topic_id', db_constraint=True, to_field='id', related_name='reads', on_delete=OnDelete.CASCADE)),
                ('user', fields.ForeignKeyField('forum.User', source_field='user_id', db_constraint=True, to_field='id', related_name='topic_reads', on_delete=OnDelete.CASCADE)),
                ('board_id', fields.IntField()),
                ('last_read_number', fields.IntField(default=0)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'boards_topic_reads', 'app': 'boards', 'unique_together': (('user_id', 'topic_id'),), 'indexes': [Index(fields=['user_id', 'board_id'])], 'pk_attr': 'id', 'table_description': 'Read tracking: the highest post number a user has seen in a topic.'},
            bases=['Model'],
        ),
    ]
